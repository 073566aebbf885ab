using BudgetEvaluation.Core.Rules;
using BudgetEvaluation.Targets;
using BudgetEvaluation.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace BudgetEvaluation.Tests.RunJobs;

/// <summary>Rules packed for loading (migration 0005): stored with every rule set, read by runs, rebuilt when missing.</summary>
public partial class RunTests
{
    private async Task<List<(long Id, byte[]? Packed)>> PacksAsync(int year) =>
        await Database.QueryAsync<(long, byte[]?)>(service.ConnectionString,
            """
            SELECT r.id, k.packed FROM rule_sets r JOIN projects p ON p.id = r.project_id LEFT JOIN rule_packs k ON k.rule_set_id = r.id
            WHERE p.year = @year ORDER BY r.id
            """, new { year });

    [Fact]
    public async Task Import_StoresACurrentPackWithEveryRuleSet()
    {
        await service.ImportAsync(2070, yearEnd: false);

        var packs = await PacksAsync(2070);

        Assert.Equal(12, packs.Count);
        Assert.All(packs, p => Assert.True(p.Packed is not null && RulesPack.IsCurrent(p.Packed), $"rule set {p.Id} has no current pack"));
    }

    [Fact]
    public async Task Run_RulesReadFromTheirTextInsteadOfPacks_StoresTheSameRows()
    {
        await service.ImportAsync(2071);
        var fromPacks = await RowsAsync((long)(await service.RunAsync(2071, "year-end"))["id"]!);

        // As rows stored before packs existed: the run reads the JSON text.
        await Database.ExecuteAsync(service.ConnectionString,
            "DELETE FROM rule_packs k USING rule_sets r, projects p WHERE r.id = k.rule_set_id AND p.id = r.project_id AND p.year = 2071");
        var view = await service.RunAsync(2071, "year-end");
        var fromText = await RowsAsync((long)view["id"]!);

        Assert.Equal("succeeded", (string?)view["status"]);
        Assert.Equal(12, fromText.Count);
        Assert.Equal(fromPacks, fromText);
        Assert.Contains(fromText, row => row.StartsWith(TongChuangHui + "|", StringComparison.Ordinal) && row.Contains("|90.15|优|", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PackMissing_RuleSetsWithoutOrWithAnOldPack_GetTheSamePackAnImportWrites()
    {
        await service.ImportAsync(2072, yearEnd: false);
        var imported = await PacksAsync(2072);
        await Database.ExecuteAsync(service.ConnectionString,
            "DELETE FROM rule_packs k USING rule_sets r, projects p WHERE r.id = k.rule_set_id AND p.id = r.project_id AND p.year = 2072 AND r.id % 2 = 0");
        // A pack of another format version counts as missing.
        await Database.ExecuteAsync(service.ConnectionString,
            "UPDATE rule_packs k SET packed = '\\x4245504b00'::bytea FROM rule_sets r, projects p WHERE r.id = k.rule_set_id AND p.id = r.project_id AND p.year = 2072 AND r.id % 2 = 1");

        var packed = await service.App.Services.GetRequiredService<RulePacks>().PackMissingAsync(CancellationToken.None);

        Assert.True(packed >= 12, $"{packed} packed");
        static List<string> Hex(List<(long Id, byte[]? Packed)> packs) => packs.Select(p => $"{p.Id}:{Convert.ToHexString(p.Packed ?? [])}").ToList();
        Assert.Equal(Hex(imported), Hex(await PacksAsync(2072)));
    }
}
