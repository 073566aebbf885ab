using BudgetEvaluation.Tests.Infrastructure;

namespace BudgetEvaluation.Tests;

/// <summary>The host as <c>serve</c> runs it on its own local cluster: demo data loaded at start-up.</summary>
public sealed class DemoFixture : ServiceFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("BudgetEvaluation:LoadDemoData", "true"),
        new("BudgetEvaluation:SeedFile", Seed.Path),
        new("BudgetEvaluation:DemoFolder", ActualsFiles.Folder),
    ];
}

public class DemoDataTests(DemoFixture service) : IClassFixture<DemoFixture>
{
    [Fact]
    public async Task Start_WithDemoData_ImportsTheSeedsTwelveProjectsAsTheSystem()
    {
        var projects = await Database.QueryAsync<string>(service.ConnectionString,
            "SELECT p.name FROM projects p JOIN rule_sets r ON r.project_id = p.id WHERE p.year = 2026 AND r.version = 1 AND r.created_by = 'system' ORDER BY p.id");

        Assert.Equal(12, projects.Count);
        Assert.Equal("“通创荟”和科技招商经费专项", projects[0]);
        Assert.Equal("产学研合作交流专项", projects[^1]);
        Assert.Equal(1, await Database.ScalarAsync<long>(service.ConnectionString,
            "SELECT count(*) FROM audit_log WHERE actor = 'system' AND action = 'targets.import' AND subject = '000_39cb5bcb496eb896.txt'"));
    }

    [Fact]
    public async Task Start_WithDemoData_CreatesOneDemoKeyPerRole()
    {
        var roles = await Database.QueryAsync<string>(service.ConnectionString,
            "SELECT role FROM api_keys WHERE name = 'demo' ORDER BY role");

        Assert.Equal(["auditor", "department", "finance"], roles);
    }

    [Fact]
    public async Task Start_WithDemoData_UploadsActualsForBothPeriodsAndScoresEachOnce()
    {
        var uploads = await Database.QueryAsync<(string Period, string FileName, string UploadedBy, int Rows)>(service.ConnectionString,
            """
            SELECT u.period, u.file_name, u.uploaded_by, count(r.line)::int FROM actuals_uploads u JOIN actual_rows r ON r.upload_id = u.id
            WHERE u.source = 'demo' GROUP BY u.id ORDER BY u.id
            """);
        var runs = await Database.QueryAsync<(string Period, string Status, string RequestedBy)>(service.ConnectionString,
            "SELECT period, status, requested_by FROM evaluation_runs ORDER BY id");

        Assert.Equal([("year-end", "actuals-year-end.csv", "system", 179), ("mid-year", "actuals-mid-year.csv", "system", 179)], uploads);
        Assert.Equal([("year-end", "succeeded", "system"), ("mid-year", "succeeded", "system")], runs);
    }

    [Fact]
    public async Task Start_WithDemoData_ResultsAndReportsHaveContentAtOnce()
    {
        using var client = service.Client(service.FinanceKey);

        var yearEnd = (await Json.ReadAsync(await client.GetAsync("/api/evaluations?year=2026&period=year-end"))).AsArray();
        var midYear = (await Json.ReadAsync(await client.GetAsync("/api/evaluations?year=2026&period=mid-year"))).AsArray();
        var report = await client.GetAsync("/api/reports?year=2026&period=mid-year");

        Assert.Equal(12, yearEnd.Count);
        var tongChuangHui = yearEnd.Single(e => (string?)e!["project"] == "“通创荟”和科技招商经费专项")!;
        Assert.Equal(90.15046296296296, (double)tongChuangHui["totalScore"]!, 1e-9);
        Assert.Equal("优", (string?)tongChuangHui["grade"]);
        Assert.Equal(12, midYear.Count);
        Assert.Equal(System.Net.HttpStatusCode.OK, report.StatusCode);
        Assert.Contains("项目支出绩效运行监控表", await report.Content.ReadAsStringAsync());
    }
}
