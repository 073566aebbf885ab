using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using BudgetEvaluation.Tests.Infrastructure;

namespace BudgetEvaluation.Tests;

/// <summary>POST /api/targets and the project reads. Each test imports the seed under its own fiscal year.</summary>
public class TargetsApiTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private const string ChangedProject = "“通创荟”和科技招商经费专项";

    [Fact]
    public async Task PostTargets_Seed_CreatesTwelveProjectsAtVersionOne()
    {
        using var client = service.Client(service.FinanceKey);

        var response = await client.PostAsync("/api/targets", Seed.Form(Seed.Text(2026)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Json.ReadAsync(response);
        Assert.Equal(12, (int?)body["created"]);
        Assert.Equal(0, (int?)body["versioned"]);
        Assert.Equal(0, (int?)body["unchanged"]);
        var projects = (await Json.ReadAsync(await client.GetAsync("/api/projects?year=2026"))).AsArray();
        Assert.Equal(12, projects.Count);
        Assert.All(projects, p => Assert.Equal(1, (int?)p!["version"]));
        Assert.All(projects, p => Assert.Equal("南通市科学技术局", (string?)p!["department"]));
        Assert.Contains(projects, p => (string?)p!["name"] == "办公设备购置");
        Assert.Contains(projects, p => (string?)p!["name"] == "产学研合作交流专项");
    }

    [Fact]
    public async Task PostTargets_IdenticalFileAgain_CreatesNoVersion()
    {
        using var client = service.Client(service.FinanceKey);
        await client.PostAsync("/api/targets", Seed.Form(Seed.Text(2027)));

        var again = await Json.ReadAsync(await client.PostAsync("/api/targets", Seed.Form(Seed.Text(2027))));

        Assert.Equal(0, (int?)again["created"]);
        Assert.Equal(0, (int?)again["versioned"]);
        Assert.Equal(12, (int?)again["unchanged"]);
        var versions = await Database.ScalarAsync<long>(service.ConnectionString,
            "SELECT count(*) FROM rule_sets r JOIN projects p ON p.id = r.project_id WHERE p.year = 2027");
        Assert.Equal(12, versions);
    }

    [Fact]
    public async Task PostTargets_ChangedTarget_CreatesVersionTwoAndKeepsVersionOne()
    {
        using var client = service.Client(service.FinanceKey);
        await client.PostAsync("/api/targets", Seed.Form(Seed.Text(2028)));
        var changed = Seed.Text(2028).Replace("≥900个\t≥1800个", "≥900个\t≥2000个", StringComparison.Ordinal);

        var body = await Json.ReadAsync(await client.PostAsync("/api/targets", Seed.Form(changed)));

        Assert.Equal(1, (int?)body["versioned"]);
        Assert.Equal(11, (int?)body["unchanged"]);
        var project = body["projects"]!.AsArray().Single(p => (string?)p!["change"] == "versioned")!;
        Assert.Equal(ChangedProject, (string?)project["name"]);
        Assert.Equal(2, (int?)project["version"]);

        var id = (long)project["id"]!;
        var detail = await Json.ReadAsync(await client.GetAsync($"/api/projects/{id}"));
        Assert.Equal(2, (int?)detail["version"]);
        Assert.Equal([1, 2], detail["versions"]!.AsArray().Select(v => (int)v!["version"]!).ToArray());
        Assert.Contains("≥2000个", detail["rules"]!.ToJsonString(RelaxedJson));
        var version1 = await client.GetStringAsync($"/api/projects/{id}/rules/1");
        var version2 = await client.GetStringAsync($"/api/projects/{id}/rules/2");
        Assert.Contains("≥1800个", JsonNode.Parse(version1)!.ToJsonString(RelaxedJson));
        Assert.DoesNotContain("≥2000个", JsonNode.Parse(version1)!.ToJsonString(RelaxedJson));
        Assert.Contains("≥2000个", JsonNode.Parse(version2)!.ToJsonString(RelaxedJson));
    }

    [Fact]
    public async Task PostTargets_RawBodyWithFileName_ImportsAndRecordsTheName()
    {
        using var client = service.Client(service.FinanceKey);
        var content = new StringContent(Seed.Text(2029), Encoding.UTF8, "text/plain");

        var response = await client.PostAsync("/api/targets?fileName=科技局目标表.txt", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Json.ReadAsync(response);
        Assert.Equal("科技局目标表.txt", (string?)body["file"]);
        Assert.Equal(12, (int?)body["created"]);
        var sources = await Database.QueryAsync<string>(service.ConnectionString,
            "SELECT DISTINCT r.source_file FROM rule_sets r JOIN projects p ON p.id = r.project_id WHERE p.year = 2029");
        Assert.Equal(["科技局目标表.txt"], sources);
    }

    [Fact]
    public async Task PostTargets_Success_LeavesOneAuditEntryNamingTheFinanceKey()
    {
        using var client = service.Client(service.FinanceKey);
        var fileName = "audit-2032.txt";

        await client.PostAsync("/api/targets", Seed.Form(Seed.Text(2032), fileName));

        var entries = await Database.QueryAsync<(string Actor, string Role, string Outcome)>(service.ConnectionString,
            "SELECT actor, role, outcome FROM audit_log WHERE action = 'targets.import' AND subject = @fileName", new { fileName });
        var entry = Assert.Single(entries);
        Assert.StartsWith("key:", entry.Actor);
        Assert.Equal("finance", entry.Role);
        Assert.Equal("succeeded", entry.Outcome);
    }

    [Fact]
    public async Task GetProject_UnknownId_Is404WithChineseProblem()
    {
        using var client = service.Client(service.FinanceKey);

        var response = await client.GetAsync("/api/projects/999999");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await Json.ReadAsync(response);
        Assert.Equal("未找到", (string?)problem["title"]);
        Assert.Equal("项目 999999 不存在", (string?)problem["detail"]);
    }

    [Fact]
    public async Task GetProjects_BadYear_Is400NamingTheValue()
    {
        using var client = service.Client(service.FinanceKey);

        var response = await client.GetAsync("/api/projects?year=二〇二六");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("参数 year 的值“二〇二六”不是有效的年度（例如 2026）", (string?)(await Json.ReadAsync(response))["detail"]);
    }

    private static readonly System.Text.Json.JsonSerializerOptions RelaxedJson = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
