using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using BudgetEvaluation.Jobs;
using BudgetEvaluation.Tests.Infrastructure;
using ClosedXML.Excel;
using Microsoft.Extensions.DependencyInjection;

namespace BudgetEvaluation.Tests;

/// <summary>
/// The seed (2026) with the year-end and mid-year fixtures uploaded by finance and one run of each period scored; the
/// seed again as 2028 with the year-end fixture, for tests that start runs of their own (2026's latest run stays put).
/// </summary>
public sealed class EvaluationFixture : ServiceFixture
{
    public long YearEndUpload { get; private set; }
    public long MidYearUpload { get; private set; }
    public long YearEndRun { get; private set; }
    public long MidYearRun { get; private set; }

    protected override async Task LoadAsync()
    {
        using var client = Client(FinanceKey);
        (await client.PostAsync("/api/targets", Seed.Form(Seed.Text(2026)))).EnsureSuccessStatusCode();
        YearEndUpload = await ActualsFiles.UploadAsync(client, 2026, "year-end", ActualsFiles.Form(ActualsFiles.Bytes(ActualsFiles.YearEndFile), ActualsFiles.YearEndFile));
        MidYearUpload = await ActualsFiles.UploadAsync(client, 2026, "mid-year", ActualsFiles.Form(ActualsFiles.Bytes(ActualsFiles.MidYearFile), ActualsFiles.MidYearFile));
        YearEndRun = await Runs.StartAndWaitAsync(this, client, 2026, "year-end");
        MidYearRun = await Runs.StartAndWaitAsync(this, client, 2026, "mid-year");
        (await client.PostAsync("/api/targets", Seed.Form(Seed.Text(2028)))).EnsureSuccessStatusCode();
        await ActualsFiles.UploadAsync(client, 2028, "year-end", ActualsFiles.Form(ActualsFiles.Bytes(ActualsFiles.YearEndFile), ActualsFiles.YearEndFile));
    }
}

/// <summary>Upload → evaluation (a Hangfire job) → results and reports, through HTTP, for the seed.</summary>
public class EvaluationApiTests(EvaluationFixture service) : IClassFixture<EvaluationFixture>
{
    private const string TongChuangHui = "“通创荟”和科技招商经费专项";
    private const double Tolerance = 1e-9;

    [Fact]
    public async Task Results_YearEnd_TongChuangHuiScoresNinetyPointFifteenGradeYou()
    {
        using var client = service.Client(service.FinanceKey);

        var response = await client.GetAsync("/api/evaluations?year=2026&period=year-end");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(service.YearEndRun.ToString(CultureInfo.InvariantCulture), response.Headers.GetValues("X-Evaluation-Run").Single());
        var evaluations = (await Json.ReadAsync(response)).AsArray();
        Assert.Equal(12, evaluations.Count);
        var e = evaluations.Single(x => (string?)x!["project"] == TongChuangHui)!;
        // 9.62962962962963 (130 of 135) + 17.708333333333332 (1700 of 1800个) + 18.75 + 18.75 + 25.3125 (部分达成 75%).
        Assert.Equal(90.15046296296296, (double)e["totalScore"]!, Tolerance);
        Assert.Equal("优", (string?)e["grade"]);
        Assert.Equal(9.62962962962963, (double)e["funds"]!["score"]!, Tolerance);
        var projects = e["indicators"]!.AsArray().Single(i => (string?)i!["indicator"] == "招引科创项目数")!;
        Assert.Equal(17.708333333333332, (double)projects["score"]!, Tolerance);
        Assert.Equal("1700个", (string?)projects["actual"]);
        Assert.Equal("2026-12-31", (string?)e["asOf"]);
        Assert.Empty(e["missing"]!.AsArray());
    }

    [Fact]
    public async Task Results_MidYear_TongChuangHuiIsYellowForProjectsBehindTheHalfYearTarget()
    {
        using var client = service.Client(service.AuditorKey);

        var evaluations = (await Json.ReadAsync(await client.GetAsync("/api/evaluations?year=2026&period=mid-year"))).AsArray();

        var e = evaluations.Single(x => (string?)x!["project"] == TongChuangHui)!;
        Assert.Equal("yellow", (string?)e["warning"]);
        Assert.Null(e["totalScore"]);
        // 13.5 of 135 spent = 10%, the plan (半年计划执行数 13.5): green.
        Assert.Equal(0.1, (double)e["funds"]!["executionRate"]!, Tolerance);
        Assert.Equal("green", (string?)e["funds"]!["warning"]);
        // 850个 of the half-year ≥900个: 850 ÷ 900, at or above 80% but below 100%: yellow.
        var projects = e["indicators"]!.AsArray().Single(i => (string?)i!["indicator"] == "招引科创项目数")!;
        Assert.Equal(0.9444444444444444, (double)projects["completion"]!, Tolerance);
        Assert.Equal("yellow", (string?)projects["warning"]);
        Assert.Equal("上半年部分签约项目延至三季度", (string?)projects["deviation"]);
        Assert.Equal("其他", (string?)projects["deviationType"]);
        Assert.Equal("有可能", (string?)projects["likelihood"]);
    }

    [Fact]
    public async Task Results_AreStoredWithTheRulesVersionUploadAndIndicatorScores()
    {
        var stored = await Database.QueryAsync<(long RuleSetId, long UploadId, decimal Total, string Grade)>(service.ConnectionString,
            """
            SELECT r.rule_set_id, r.upload_id, r.total, r.grade FROM evaluation_results r JOIN projects p ON p.id = r.project_id
            WHERE r.run_id = @run AND p.name = @name
            """,
            new { run = service.YearEndRun, name = TongChuangHui });
        var scores = await Database.QueryAsync<(string Path, decimal Points, decimal Score)>(service.ConnectionString,
            """
            SELECT s.indicator_path, s.points, s.score FROM indicator_scores s
            JOIN evaluation_results r ON r.id = s.result_id JOIN projects p ON p.id = r.project_id
            WHERE r.run_id = @run AND p.name = @name AND s.points > 0 ORDER BY s.position
            """,
            new { run = service.YearEndRun, name = TongChuangHui });

        var (ruleSetId, uploadId, total, grade) = Assert.Single(stored);
        Assert.Equal(await Database.ScalarAsync<long>(service.ConnectionString,
            "SELECT s.id FROM rule_sets s JOIN projects p ON p.id = s.project_id WHERE p.name = @name AND p.year = 2026 AND s.version = 1", new { name = TongChuangHui }),
            ruleSetId);
        Assert.Equal(service.YearEndUpload, uploadId);
        Assert.Equal(90.15m, total);
        Assert.Equal("优", grade);
        Assert.Equal(
            [
                ("项目资金/执行数", 10.00m, 9.63m),
                ("产出指标/数量指标/招引科创项目数", 18.75m, 17.71m),
                ("产出指标/质量指标/组织科技招商专题活动", 18.75m, 18.75m),
                ("产出指标/时效指标/科创大赛省赛和国赛获奖数", 18.75m, 18.75m),
                ("效益指标/社会效益/对落实创新驱动发展战略的推动程度", 33.75m, 25.31m),
            ],
            scores);
        Assert.Equal(12, await Database.ScalarAsync<long>(service.ConnectionString,
            "SELECT count(*) FROM evaluation_results WHERE run_id = @run", new { run = service.YearEndRun }));
    }

    [Fact]
    public async Task Start_Finance_Is202WithLocationAndTheRunSucceeds()
    {
        using var client = service.Client(service.FinanceKey);

        var response = await client.PostAsync("/api/evaluations?year=2028&period=year-end&asOf=2028-12-15", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await Json.ReadAsync(response);
        var id = (long)body["id"]!;
        Assert.Equal($"/api/evaluations/{id}", response.Headers.Location?.OriginalString);
        Assert.Contains((string?)body["status"], new[] { "queued", "running" });
        var status = await Runs.WaitAsync(client, id);
        Assert.Equal("succeeded", (string?)status["status"]);
        Assert.Equal("2028-12-15", (string?)status["asOf"]);
        Assert.Equal("default", (string?)status["scheme"]);
        Assert.Equal(12, (int?)status["projects"]);
        Assert.Equal(12, (int?)status["results"]);
        Assert.Equal(0, (int?)status["withoutActuals"]);
        Assert.Null(status["error"]);
        Assert.Equal(1, await Database.ScalarAsync<long>(service.ConnectionString,
            "SELECT count(*) FROM hangfire.job WHERE id = (SELECT hangfire_job_id::bigint FROM evaluation_runs WHERE id = @id)", new { id }));
        var asOf = (await Json.ReadAsync(await client.GetAsync($"/api/evaluations?run={id}"))).AsArray()
            .Select(e => (string?)e!["asOf"]).Distinct().Single();
        Assert.Equal("2028-12-15", asOf);
    }

    [Fact]
    public async Task Start_NamedScheme_ScoresWithThatSchemesFile()
    {
        using var client = service.Client(service.FinanceKey);

        var id = await Runs.StartAndWaitAsync(service, client, 2028, "year-end", "&scheme=decision-process");

        var evaluations = (await Json.ReadAsync(await client.GetAsync($"/api/evaluations?run={id}"))).AsArray();
        Assert.Equal("决策15/过程15（含预算执行率）/产出40/效益30", (string?)evaluations[0]!["scheme"]);
    }

    [Fact]
    public async Task EvaluationJob_RerunForTheSameRun_GivesIdenticalRowsAndNoDuplicates()
    {
        var before = await ResultRowsAsync(service.YearEndRun);

        await service.App.Services.GetRequiredService<EvaluationJob>().RunInPlaceAsync(service.YearEndRun, CancellationToken.None);

        var after = await ResultRowsAsync(service.YearEndRun);
        Assert.Equal(12, after.Results.Count);
        Assert.Equal(before.Results, after.Results);
        Assert.Equal(before.Scores, after.Scores);
        Assert.Equal(0, await Database.ScalarAsync<long>(service.ConnectionString,
            "SELECT count(*) FROM (SELECT project_id FROM evaluation_results WHERE run_id = @run GROUP BY project_id HAVING count(*) > 1) d",
            new { run = service.YearEndRun }));
    }

    [Fact]
    public async Task EvaluationJob_Rerun_ScoresTheActualsOfItsRequestTimeNotALaterUpload()
    {
        // A year of its own, so the later upload does not change what the other tests read.
        using var client = service.Client(service.FinanceKey);
        (await client.PostAsync("/api/targets", Seed.Form(Seed.Text(2027)))).EnsureSuccessStatusCode();
        await ActualsFiles.UploadAsync(client, 2027, "year-end", ActualsFiles.Form(ActualsFiles.Bytes(ActualsFiles.YearEndFile), ActualsFiles.YearEndFile));
        var first = await Runs.StartAndWaitAsync(service, client, 2027, "year-end");
        // 1800个 instead of 1700个: 招引科创项目数 full 18.75, total 90.15046296296296 + 1.0416666666666679 = 91.19212962962963.
        var better = ActualsFiles.Text(ActualsFiles.YearEndFile).Replace("招引科创项目数,1700个,", "招引科创项目数,1800个,", StringComparison.Ordinal);
        await ActualsFiles.UploadAsync(client, 2027, "year-end", ActualsFiles.Form(better, "better.csv"));

        await service.App.Services.GetRequiredService<EvaluationJob>().RunInPlaceAsync(first, CancellationToken.None);
        var second = await Runs.StartAndWaitAsync(service, client, 2027, "year-end");

        Assert.Equal(90.15046296296296, await TotalAsync(client, first), Tolerance);
        Assert.Equal(91.19212962962963, await TotalAsync(client, second), Tolerance);
    }

    [Fact]
    public async Task Run_TargetsReimportedAfterTheUpload_ScoresTheRowThatNoLongerFitsAsNotReportedAndSaysWhy()
    {
        using var client = service.Client(service.FinanceKey);
        (await client.PostAsync("/api/targets", Seed.Form(Seed.Text(2029)))).EnsureSuccessStatusCode();
        await ActualsFiles.UploadAsync(client, 2029, "year-end", ActualsFiles.Form(ActualsFiles.Bytes(ActualsFiles.YearEndFile), ActualsFiles.YearEndFile));
        // Version 2 of “通创荟” renames the indicator the upload's line 12 reports.
        var renamed = Seed.Text(2029).Replace("\t招引科创项目数\t", "\t招引科技项目数\t", StringComparison.Ordinal);
        (await client.PostAsync("/api/targets", Seed.Form(renamed))).EnsureSuccessStatusCode();

        var run = await Runs.StartAndWaitAsync(service, client, 2029, "year-end");

        var status = await Json.ReadAsync(await client.GetAsync($"/api/evaluations/{run}"));
        Assert.Equal(1, (int?)status["withProblems"]);
        var problem = Assert.Single(status["problems"]!.AsArray())!;
        Assert.Equal(TongChuangHui, (string?)problem["project"]);
        Assert.Equal(("actuals-year-end.csv", 12, "三级指标"), ((string?)problem["file"], (int?)problem["line"], (string?)problem["field"]));
        Assert.Equal("项目““通创荟”和科技招商经费专项”当前的规则中没有指标“产出指标/数量指标/招引科创项目数”（目标表在上传后重新导入），按未填报计",
            (string?)problem["message"]);
        var e = (await Json.ReadAsync(await client.GetAsync($"/api/evaluations?run={run}"))).AsArray()
            .Single(x => (string?)x!["project"] == TongChuangHui)!;
        Assert.Equal(["产出指标/数量指标/招引科技项目数"], e["missing"]!.AsArray().Select(m => (string)m!).ToArray());
        // 90.15046296296296 without the 17.708333333333332 of the renamed indicator.
        Assert.Equal(72.44212962962963, (double)e["totalScore"]!, Tolerance);
        Assert.Equal(2, await Database.ScalarAsync<int>(service.ConnectionString,
            "SELECT s.version FROM evaluation_results r JOIN rule_sets s ON s.id = r.rule_set_id JOIN projects p ON p.id = r.project_id WHERE r.run_id = @run AND p.name = @name",
            new { run, name = TongChuangHui }));
    }

    [Fact]
    public async Task Results_DepartmentKeys_SeeOnlyTheirOwnProjects()
    {
        using var own = service.Client(service.DepartmentKey);
        using var other = service.Client(service.OtherDepartmentKey);

        var ownResults = (await Json.ReadAsync(await own.GetAsync("/api/evaluations?year=2026&period=year-end"))).AsArray();
        var otherResults = (await Json.ReadAsync(await other.GetAsync("/api/evaluations?year=2026&period=year-end"))).AsArray();
        var otherStatus = await Json.ReadAsync(await other.GetAsync($"/api/evaluations/{service.YearEndRun}"));

        Assert.Equal(12, ownResults.Count);
        Assert.Empty(otherResults);
        Assert.Equal(0, (int?)otherStatus["projects"]);
        Assert.Equal(0, (int?)otherStatus["results"]);
    }

    [Fact]
    public async Task Results_NoSucceededRun_Is404AndUnknownRunIs404()
    {
        using var client = service.Client(service.FinanceKey);

        var noRun = await client.GetAsync("/api/evaluations?year=2031&period=year-end");
        var unknown = await client.GetAsync("/api/evaluations?run=999999");

        Assert.Equal(HttpStatusCode.NotFound, noRun.StatusCode);
        Assert.Equal("2031 年度绩效自评还没有成功完成的评分：请先发起评分（POST /api/evaluations）", (string?)(await Json.ReadAsync(noRun))["detail"]);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("评分运行 999999 不存在", (string?)(await Json.ReadAsync(unknown))["detail"]);
    }

    [Theory]
    [InlineData("/api/evaluations?year=2031&period=year-end", "2031 年度没有任何项目：请先导入目标表（POST /api/targets）")]
    [InlineData("/api/evaluations?year=2026&period=year-end&scheme=nonesuch", "没有评分方案“nonesuch”；可用的方案：decision-process、default、time-progress")]
    [InlineData("/api/evaluations?year=2026&period=year-end&scheme=../rules", "没有评分方案“../rules”；可用的方案：decision-process、default、time-progress")]
    [InlineData("/api/evaluations?year=2026&period=autumn", "参数 period 的值“autumn”应为 mid-year（绩效运行监控）或 year-end（绩效自评）")]
    [InlineData("/api/evaluations?year=2026&period=year-end&asOf=31.12.2026", "参数 asOf 的值“31.12.2026”应为日期 YYYY-MM-DD（例如 2026-06-30）")]
    public async Task Start_BadRequest_Is400NamingTheProblemAndCreatesNoRun(string path, string detail)
    {
        using var client = service.Client(service.FinanceKey);
        var runs = await Database.ScalarAsync<long>(service.ConnectionString, "SELECT count(*) FROM evaluation_runs");

        var response = await client.PostAsync(path, null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(detail, (string?)(await Json.ReadAsync(response))["detail"]);
        Assert.Equal(runs, await Database.ScalarAsync<long>(service.ConnectionString, "SELECT count(*) FROM evaluation_runs"));
    }

    [Fact]
    public async Task Report_Html_IsTheSelfEvaluationTableOfEveryProject()
    {
        using var client = service.Client(service.AuditorKey);

        var response = await client.GetAsync($"/api/reports?year=2026&period=year-end&run={service.YearEndRun}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("项目支出绩效自评表", html);
        Assert.Contains(TongChuangHui, html);
        Assert.Contains("产学研合作交流专项", html);
        Assert.Contains("90.15", html);
    }

    [Fact]
    public async Task Report_XlsxForOneProject_HasItsSheetWithTheTotal()
    {
        using var client = service.Client(service.DepartmentKey);
        var project = await ProjectIdAsync(TongChuangHui);

        var response = await client.GetAsync($"/api/reports?year=2026&period=year-end&project={project}&format=xlsx&run={service.YearEndRun}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", response.Content.Headers.ContentType?.MediaType);
        using var workbook = new XLWorkbook(new MemoryStream(await response.Content.ReadAsByteArrayAsync()));
        Assert.Equal(["汇总", TongChuangHui], workbook.Worksheets.Select(w => w.Name));
        var total = workbook.Worksheet(TongChuangHui).RowsUsed().First(r => r.Cell(1).GetString() == "总分");
        Assert.Equal(90.15, Math.Round(total.Cell(8).GetValue<double>(), 2));
    }

    [Fact]
    public async Task Report_Json_IsTheResultsJsonForTheDepartment()
    {
        using var client = service.Client(service.DepartmentKey);

        var report = await client.GetStringAsync($"/api/reports?year=2026&period=mid-year&department=南通市科学技术局&format=json&run={service.MidYearRun}");
        var results = await client.GetStringAsync($"/api/evaluations?run={service.MidYearRun}");

        Assert.Equal(results, report);
        Assert.Equal(12, JsonNode.Parse(report)!.AsArray().Count);
    }

    [Fact]
    public async Task Report_ProjectAndDepartmentTogether_Is400()
    {
        using var client = service.Client(service.FinanceKey);

        var response = await client.GetAsync("/api/reports?year=2026&period=year-end&project=1&department=南通市科学技术局");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("参数 project 与 department 至多给一个", (string?)(await Json.ReadAsync(response))["detail"]);
    }

    [Fact]
    public async Task Report_UnknownFormat_Is400ListingTheFormats()
    {
        using var client = service.Client(service.FinanceKey);

        var response = await client.GetAsync("/api/reports?year=2026&period=year-end&format=pdf");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("参数 format 的值“pdf”应为 json、html、xlsx", (string?)(await Json.ReadAsync(response))["detail"]);
    }

    private async Task<long> ProjectIdAsync(string name) =>
        await Database.ScalarAsync<long>(service.ConnectionString, "SELECT id FROM projects WHERE year = 2026 AND name = @name", new { name });

    private static async Task<double> TotalAsync(HttpClient client, long run) =>
        (double)(await Json.ReadAsync(await client.GetAsync($"/api/evaluations?run={run}"))).AsArray()
            .Single(e => (string?)e!["project"] == TongChuangHui)!["totalScore"]!;

    private async Task<(List<string> Results, List<string> Scores)> ResultRowsAsync(long run)
    {
        var results = await Database.QueryAsync<string>(service.ConnectionString,
            """
            SELECT concat_ws('|', project_id, rule_set_id, upload_id, total, grade, warning, result::text, problems::text)
            FROM evaluation_results WHERE run_id = @run ORDER BY project_id
            """, new { run });
        var scores = await Database.QueryAsync<string>(service.ConnectionString,
            """
            SELECT concat_ws('|', r.project_id, s.position, s.indicator_path, s.target, s.actual, s.points, s.score, s.status, s.warning, s.explanation)
            FROM indicator_scores s JOIN evaluation_results r ON r.id = s.result_id WHERE r.run_id = @run ORDER BY r.project_id, s.position
            """, new { run });
        return (results, scores);
    }
}
