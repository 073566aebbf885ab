using System.Net;
using BudgetEvaluation.Tests.Infrastructure;

namespace BudgetEvaluation.Tests;

/// <summary>Department scope in detail; every endpoint × every caller is <see cref="AccessMatrixTests"/>.</summary>
public class ScopeTests(AccessFixture service) : IClassFixture<AccessFixture>
{
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
}
