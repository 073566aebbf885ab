using System.Text.Json.Nodes;
using BudgetEvaluation.Core.Rules;
using BudgetEvaluation.Core.Scoring;
using BudgetEvaluation.Core.Targets;
using static BudgetEvaluation.Core.Tests.Scoring.ScoringFixtures;

namespace BudgetEvaluation.Core.Tests.Scoring;

/// <summary>
/// The rules files are the single source of truth: editing a rule's expression in a copy of the seed rules changes
/// the score, which proves no second copy of the target or formula lives in C#.
/// </summary>
public sealed class RulesEnginePathTests
{
    private const double Tolerance = 1e-9;
    private const string Recruited = "产出指标/数量指标/招引科创项目数";

    [Fact]
    public async Task Score_OnFailureExpressionHalvedInRulesFile_HalvesTheIndicatorScore()
    {
        var scored = await ScoreEditedAsync(TongChuangHui, Period.YearEnd, Recruited, rule =>
        {
            var context = rule["Actions"]!["OnFailure"]!["Context"]!.AsObject();
            context["Expression"] = $"({(string)context["Expression"]!}) * 0.5";
        });
        var e = scored.Project(TongChuangHui);

        // Unedited: 18.75 × 1700 ÷ 1800 = 17.708333333333332; edited: × 0.5 = 8.854166666666666.
        Assert.Equal(8.854166666666666, e.Indicator("招引科创项目数").Score, Tolerance);
        // 9.62962962962963 + 8.854166666666666 + 18.75 + 18.75 + 25.3125 = 81.2962962962963 → 良 (was 优).
        Assert.Equal(81.2962962962963, e.TotalScore!.Value, Tolerance);
        Assert.Equal("良", e.Grade);
    }

    [Fact]
    public async Task Score_TargetLocalParamLoweredInRulesFile_MakesTheIndicatorMet()
    {
        var scored = await ScoreEditedAsync(TongChuangHui, Period.YearEnd, Recruited, rule =>
            rule["LocalParams"]!.AsArray().Single(p => (string)p!["Name"]! == "target")!["Expression"] = "1700.0");
        var e = scored.Project(TongChuangHui);

        // 1700个 now reaches the rule's target 1700: full 18.75.
        Assert.Equal(18.75, e.Indicator("招引科创项目数").Score, Tolerance);
        Assert.Equal(Statuses.Met, e.Indicator("招引科创项目数").Status);
        // 9.62962962962963 + 18.75 × 3 + 25.3125 = 91.19212962962963.
        Assert.Equal(91.19212962962963, e.TotalScore!.Value, Tolerance);
    }

    [Fact]
    public async Task Score_PartlyShareChangedInRulesFile_ChangesTheDefaultBandScore()
    {
        var scored = await ScoreEditedAsync(Network, Period.YearEnd, "效益指标/经济效益/对信息系统可用性及稳定性的改善或提升程度", rule =>
            rule["LocalParams"]!.AsArray().Single(p => (string)p!["Name"]! == "partlyShare")!["Expression"] = "0.6");
        var e = scored.Project(Network);

        // 部分达成 without a percentage now takes 60%: 33.75 × 0.6 = 20.25; total 10 + 56.25 + 20.25 = 86.5.
        Assert.Equal(20.25, e.Indicator("对信息系统可用性及稳定性的改善或提升程度").Score, Tolerance);
        Assert.Equal(86.5, e.TotalScore!.Value, Tolerance);
    }

    [Fact]
    public async Task MidYear_HalfYearTargetRaisedInRulesFile_ChangesCompletionAndWarning()
    {
        var scored = await ScoreEditedAsync(TongChuangHui, Period.MidYear, Recruited, rule =>
            rule["LocalParams"]!.AsArray().Single(p => (string)p!["Name"]! == "target")!["Expression"] = "1000.0", MidYearActuals);
        var row = scored.Project(TongChuangHui).Indicator("招引科创项目数");

        // 950 ÷ 1000 = 95% → yellow (was 950 ÷ 900 = 105.6%, green).
        Assert.Equal(0.95, row.Completion!.Value, Tolerance);
        Assert.Equal(Warnings.Yellow, row.Warning);
    }

    private static async Task<List<ProjectEvaluation>> ScoreEditedAsync(string project, Period period, string rulePath, Action<JsonObject> edit, string? fixture = null)
    {
        var rules = CopyRules();
        try
        {
            EditRule(RulesFileOf(rules, project), period, rulePath, edit);
            return await ScoreAsync(fixture ?? YearEndActuals, period, projects: RulesProject.LoadAll(rules));
        }
        finally
        {
            Directory.Delete(rules, recursive: true);
        }
    }
}
