using BudgetEvaluation.Tests.Infrastructure;

namespace BudgetEvaluation.Tests;

/// <summary>The host as <c>serve</c> runs it on its own local cluster: demo data loaded at start-up.</summary>
public sealed class DemoFixture : ServiceFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("BudgetEvaluation:LoadDemoData", "true"),
        new("BudgetEvaluation:SeedFile", Seed.Path),
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
}
