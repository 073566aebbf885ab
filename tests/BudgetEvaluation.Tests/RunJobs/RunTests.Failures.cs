using System.Text.Json.Nodes;
using BudgetEvaluation.Tests.Infrastructure;

namespace BudgetEvaluation.Tests.RunJobs;

public partial class RunTests
{
    [Fact]
    public async Task SourceDownTwiceThenAnswering_DepartmentIsLateMeanwhile_RunCompletesWithThePulledActuals()
    {
        await service.ImportAsync(2045, yearEnd: false);
        service.Source.Failures[(2045, Science)] = 2;
        service.Source.Files[(2045, Science)] = RunsFixture.YearEndRowsOf(TongChuangHui, "物业管理费", "网络设备设施运行与维护费", "水电费补差");
        service.Source.Files[(2045, Finance)] = RunsFixture.YearEndRowsOf("科创办推进专项", "办公设备购置", "科技创新双月例会专项", "科研机构建设专项");
        service.Source.Files[(2045, Industry)] = RunsFixture.YearEndRowsOf("引进国外智力专项", "科技创新体系建设专项", "高新技术发展专项", "产学研合作交流专项");
        JsonNode? meanwhile = null;
        service.Source.OnAnswer[(2045, Science)] = async request =>
        {
            using var client = service.Client(service.AuditorKey);
            meanwhile = Department(await Json.ReadAsync(await client.GetAsync($"/api/evaluations/{request.RunId}")), Science);
        };

        var view = await service.RunAsync(2045, "year-end");

        Assert.Equal("succeeded", (string?)view["status"]);
        Assert.Equal([false, false, true], service.Source.Calls.Where(c => c.Request.Year == 2045 && c.Request.Department == Science).Select(c => c.Answered));
        // While its third attempt pulled, the department still showed the second failure.
        Assert.NotNull(meanwhile);
        Assert.Equal(("pulling", true, 3), ((string?)meanwhile["status"], (bool)meanwhile["late"]!, (int)meanwhile["attempts"]!));
        Assert.Equal("数据来源“test-feed”不可用：连接被拒绝（第 2 次尝试，00:00:00.1000000 后重试）", (string?)meanwhile["error"]);
        var science = Department(view, Science);
        Assert.Equal(("succeeded", false, 3), ((string?)science["status"], (bool)science["late"]!, (int)science["attempts"]!));
        Assert.Null((string?)science["error"]);
        var pulled = Assert.Single(science["pulledFiles"]!.AsArray())!;
        Assert.Equal(("test-feed", "南通市科学技术局.csv", "accepted"), ((string?)pulled["source"], (string?)pulled["fileName"], (string?)pulled["outcome"]));
        var e = (await ResultsAsync((long)view["id"]!)).Single(x => (string?)x!["project"] == TongChuangHui)!;
        Assert.Equal(90.15046296296296, (double)e["totalScore"]!, Tolerance);
        Assert.Equal("test-feed", await Database.ScalarAsync<string>(service.ConnectionString,
            "SELECT u.source FROM evaluation_results r JOIN actuals_uploads u ON u.id = r.upload_id JOIN projects p ON p.id = r.project_id WHERE r.run_id = @run AND p.name = @name",
            new { run = (long)view["id"]!, name = TongChuangHui }));
    }

    [Fact]
    public async Task SourceDownThroughEveryRetry_DepartmentScoredWithStoredActualsAndStaysLate_RunSucceeds()
    {
        await service.ImportAsync(2046);
        service.Source.Failures[(2046, Industry)] = -1;

        var view = await service.RunAsync(2046, "year-end");

        Assert.Equal("succeeded", (string?)view["status"]);
        var industry = Department(view, Industry);
        // Three retries (the fixture's delays), so four attempts.
        Assert.Equal(("late", true, 4), ((string?)industry["status"], (bool)industry["late"]!, (int)industry["attempts"]!));
        Assert.Equal("数据来源“test-feed”不可用：连接被拒绝；已尝试 4 次，按已存储的实际完成值评分", (string?)industry["error"]);
        Assert.Equal([Industry], view["summary"]!["lateDepartments"]!.AsArray().Select(d => (string)d!));
        Assert.Equal(("succeeded", false), ((string?)Department(view, Science)["status"], (bool)Department(view, Science)["late"]!));
        var results = await ResultsAsync((long)view["id"]!);
        Assert.Equal(12, results.Count);
        Assert.Equal(100, (double)results.Single(x => (string?)x!["project"] == "引进国外智力专项")!["totalScore"]!, Tolerance);
        Assert.Equal(4, service.Source.Calls.Count(c => c.Request.Year == 2046 && c.Request.Department == Industry));
    }

    [Fact]
    public async Task Run_ProjectWhoseRulesCannotBeRead_OthersAreScoredAndTheErrorIsRecorded()
    {
        await service.ImportAsync(2054);
        // A broken rules version of one project, as if written by a faulty import (the table is append-only).
        await Database.ExecuteAsync(service.ConnectionString,
            """
            INSERT INTO rule_sets (project_id, version, rules, rules_text, sha256, source_file, created_by)
            SELECT id, 2, '{}', '{}', repeat('0', 64), 'broken.json', 'test' FROM projects WHERE year = 2054 AND name = '物业管理费'
            """);

        var view = await service.RunAsync(2054, "year-end");

        Assert.Equal("succeeded", (string?)view["status"]);
        var science = Department(view, Science);
        Assert.Equal("succeeded", (string?)science["status"]);
        var error = Assert.Single(science["projectErrors"]!.AsArray())!;
        Assert.StartsWith("无法读取项目 ", (string?)error["message"]);
        Assert.Contains("第 2 版规则", (string?)error["message"]);
        Assert.Equal(11, (await ResultsAsync((long)view["id"]!)).Count);
        Assert.Equal((12, 11), ((int)view["summary"]!["projects"]!, (int)view["summary"]!["scored"]!));
    }
}
