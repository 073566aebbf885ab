using System.Net;
using BudgetEvaluation.Tests.Infrastructure;

namespace BudgetEvaluation.Tests;

/// <summary>The seed imported once (2026, 南通市科学技术局), its year-end actuals uploaded and scored, for the access matrix.</summary>
public sealed class ScopeFixture : ServiceFixture
{
    public long ProjectId { get; private set; }
    public long UploadId { get; private set; }
    public long RunId { get; private set; }

    protected override async Task LoadAsync()
    {
        using var client = Client(FinanceKey);
        var response = await client.PostAsync("/api/targets", Seed.Form(Seed.Text(2026)));
        response.EnsureSuccessStatusCode();
        ProjectId = (long)(await Json.ReadAsync(response))["projects"]![0]!["id"]!;
        UploadId = await ActualsFiles.UploadAsync(client, 2026, "year-end", ActualsFiles.Form(ActualsFiles.Bytes(ActualsFiles.YearEndFile), ActualsFiles.YearEndFile));
        RunId = await Runs.StartAndWaitAsync(this, client, 2026, "year-end");
    }
}

/// <summary>Each endpoint × each role, own and other department.</summary>
public class ScopeTests(ScopeFixture service) : IClassFixture<ScopeFixture>
{
    public static TheoryData<string, string, string, HttpStatusCode> Matrix()
    {
        var data = new TheoryData<string, string, string, HttpStatusCode>();
        void Row(string method, string path, HttpStatusCode anonymous, HttpStatusCode finance, HttpStatusCode auditor, HttpStatusCode own, HttpStatusCode other)
        {
            data.Add("anonymous", method, path, anonymous);
            data.Add("finance", method, path, finance);
            data.Add("auditor", method, path, auditor);
            data.Add("department", method, path, own);
            data.Add("other-department", method, path, other);
        }
        const HttpStatusCode ok = HttpStatusCode.OK, unauthorized = HttpStatusCode.Unauthorized, forbidden = HttpStatusCode.Forbidden,
            accepted = HttpStatusCode.Accepted, notFound = HttpStatusCode.NotFound;
        Row("GET", "/api/projects?year=2026", unauthorized, ok, ok, ok, ok);
        Row("GET", "/api/projects/{project}", unauthorized, ok, ok, ok, forbidden);
        Row("GET", "/api/projects/{project}/rules/1", unauthorized, ok, ok, ok, forbidden);
        Row("POST", "/api/targets", unauthorized, ok, forbidden, forbidden, forbidden);
        Row("GET", "/hangfire", unauthorized, ok, ok, forbidden, forbidden);
        Row("GET", "/api/templates?year=2026&period=year-end", unauthorized, ok, ok, ok, notFound);
        Row("GET", "/api/templates?year=2026&period=year-end&department=南通市科学技术局", unauthorized, ok, ok, ok, forbidden);
        // Each refused role's upload names only 南通市科学技术局's project; 南通市财政局 may not write it.
        Row("POST", "/api/actuals?year=2026&period=mid-year", unauthorized, ok, forbidden, ok, forbidden);
        Row("GET", "/api/actuals?year=2026&period=year-end", unauthorized, ok, ok, ok, ok);
        Row("GET", "/api/actuals?year=2026&period=year-end&project={project}", unauthorized, ok, ok, ok, forbidden);
        Row("GET", "/api/actuals/uploads/{upload}/file", unauthorized, ok, ok, ok, forbidden);
        Row("POST", "/api/evaluations?year=2026&period=mid-year", unauthorized, accepted, forbidden, forbidden, forbidden);
        Row("GET", "/api/evaluations/{run}", unauthorized, ok, ok, ok, ok);
        Row("GET", "/api/evaluations?year=2026&period=year-end", unauthorized, ok, ok, ok, ok);
        Row("GET", "/api/reminders?year=2026&period=mid-year", unauthorized, ok, ok, ok, ok);
        Row("PUT", "/api/years/2026?open=true", unauthorized, ok, forbidden, forbidden, forbidden);
        // A report of nothing is no report: the other department has no project in scope.
        Row("GET", "/api/reports?year=2026&period=year-end&format=json", unauthorized, ok, ok, ok, notFound);
        Row("GET", "/api/reports?year=2026&period=year-end&project={project}", unauthorized, ok, ok, ok, forbidden);
        Row("GET", "/api/reports?year=2026&period=year-end&department=南通市科学技术局&format=xlsx", unauthorized, ok, ok, ok, forbidden);
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Endpoint_ByRole_AnswersWithTheExpectedStatus(string role, string method, string path, HttpStatusCode expected)
    {
        using var client = service.Client(KeyFor(role));
        var request = new HttpRequestMessage(new HttpMethod(method), path
            .Replace("{project}", Id(service.ProjectId), StringComparison.Ordinal)
            .Replace("{upload}", Id(service.UploadId), StringComparison.Ordinal)
            .Replace("{run}", Id(service.RunId), StringComparison.Ordinal));
        var uploadName = $"scope-{role}.csv";
        if (method == "POST" && path.StartsWith("/api/targets", StringComparison.Ordinal))
            // Finance imports 2030; the refused roles send 2031, which must never be stored.
            request.Content = Seed.Form(Seed.Text(role == "finance" ? 2030 : 2031));
        if (method == "POST" && path.StartsWith("/api/actuals", StringComparison.Ordinal))
            request.Content = ActualsFiles.Form("项目名称,一级指标,三级指标,实际完成值\n“通创荟”和科技招商经费专项,项目资金,执行数,13.5\n", uploadName);
        var runs = await Database.ScalarAsync<long>(service.ConnectionString, "SELECT count(*) FROM evaluation_runs");

        var response = await client.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        if ((int)expected >= 400)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(runs, await Database.ScalarAsync<long>(service.ConnectionString, "SELECT count(*) FROM evaluation_runs"));
        }
        Assert.Equal(0, await Database.ScalarAsync<long>(service.ConnectionString, "SELECT count(*) FROM projects WHERE year = 2031"));
        if (request.Content is MultipartFormDataContent && path.StartsWith("/api/actuals", StringComparison.Ordinal))
        {
            Assert.Equal(expected == HttpStatusCode.OK ? 1 : 0,
                await Database.ScalarAsync<long>(service.ConnectionString, "SELECT count(*) FROM actuals_uploads WHERE file_name = @uploadName", new { uploadName }));
        }
    }

    [Fact]
    public async Task ListProjects_Department_SeesOnlyItsOwnProjects()
    {
        using var own = service.Client(service.DepartmentKey);
        using var other = service.Client(service.OtherDepartmentKey);

        var ownProjects = (await Json.ReadAsync(await own.GetAsync("/api/projects?year=2026"))).AsArray();
        var otherProjects = (await Json.ReadAsync(await other.GetAsync("/api/projects?year=2026"))).AsArray();

        Assert.Equal(12, ownProjects.Count);
        Assert.Empty(otherProjects);
    }

    [Fact]
    public async Task GetProject_OtherDepartment_Is403AndLeavesOnlyTheAuditEntry()
    {
        using var client = service.Client(service.OtherDepartmentKey);
        var path = $"/api/projects/{service.ProjectId}";

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await Json.ReadAsync(response);
        Assert.Equal("无权访问", (string?)problem["title"]);
        Assert.Equal($"项目 {service.ProjectId} 不属于您的主管部门（南通市财政局）", (string?)problem["detail"]);
        var entries = await Database.QueryAsync<(string Role, string Department, string Outcome)>(service.ConnectionString,
            "SELECT role, department, outcome FROM audit_log WHERE action = 'request.refused' AND subject = @subject", new { subject = "GET " + path });
        Assert.Contains(("department", "南通市财政局", "forbidden"), entries);
    }

    [Fact]
    public async Task PostTargets_Auditor_Is403NamingTheRole()
    {
        using var client = service.Client(service.AuditorKey);

        var response = await client.PostAsync("/api/targets", Seed.Form(Seed.Text(2031)));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("角色“审计（auditor）”无权执行此操作：POST /api/targets", (string?)(await Json.ReadAsync(response))["detail"]);
    }

    [Fact]
    public async Task Results_OtherDepartment_IsAnEmptyList()
    {
        using var other = service.Client(service.OtherDepartmentKey);

        var results = await Json.ReadAsync(await other.GetAsync("/api/evaluations?year=2026&period=year-end"));

        Assert.Empty(results.AsArray());
    }

    private static string Id(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private string? KeyFor(string role) => role switch
    {
        "finance" => service.FinanceKey,
        "auditor" => service.AuditorKey,
        "department" => service.DepartmentKey,
        "other-department" => service.OtherDepartmentKey,
        _ => null,
    };
}
