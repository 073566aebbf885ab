using System.Text.Json.Nodes;
using BudgetEvaluation.Core.Rules;
using BudgetEvaluation.Core.Targets;

namespace BudgetEvaluation.Core.Tests.Rules;

/// <summary>Rules generated for every target form compile and run; expression text does not depend on target values.</summary>
public sealed class RuleGeneratorTests
{
    private static Indicator Row(string category, string subcategory, string name, string mid, string full, decimal? weight = null, decimal? tolerance = null) =>
        new(category, subcategory, name, TargetNotation.Parse(mid, name), TargetNotation.Parse(full, name), weight, tolerance);

    /// <summary>A table with every form the seed lacks: strict comparisons, exact point targets, extreme values, weights.</summary>
    private static TargetTable EveryForm() => new(
        new Project
        {
            Year = 2026,
            Name = "全部指标形式",
            Department = "测试部门",
            Funds = new Funds { Total = 10m, AnnualBudget = 10m, MidYearPlannedSpend = 5m },
        },
        [
            Row("过程", "资金管理", "资金到位率", "序时进度", "序时进度"),
            Row("过程", "资金管理", "预算执行率", "=50%", "=100%", weight: 10m),
            Row("产出指标", "数量指标", "服务面积", "=2517.03平方米", "=2517.03平方米", tolerance: 0.5m),
            Row("产出指标", "数量指标", "新增企业数", ">0个", ">10个"),
            Row("产出指标", "数量指标", "极大目标", "≥0个", "≥100000000000000000000个"),
            Row("产出指标", "质量指标", "极小目标", "≥0.000001%", "≥0.5%"),
            Row("产出指标", "质量指标", "差错率", "<5%", "<1%"),
            Row("产出指标", "质量指标", "安全事故数", "=0起", "=0起"),
            Row("产出指标", "时效指标", "完成时间", "不超过6月", "≤12月"),
            Row("产出指标", "成本指标", "单位成本", "≤5万元", "≤10万元", weight: 7.5m),
            Row("效益指标", "社会效益", "报告", "=1项报告、应急预案报告", "=3项报告、应急预案报告"),
            Row("效益指标", "可持续影响", "合作", "在平台上启动合作", "在平台上深化合作"),
            Row("满意度指标", "服务对象满意度", "服务对象满意度", "≥85%", "≥90%"),
            Row("决策", "项目立项", "立项程序规范性", "规范", "规范"),
        ]);

    [Fact]
    public async Task Validate_RulesForEveryTargetForm_CompileAndRun()
    {
        using var dir = new TempDirectory();
        var path = RulesFile.Write(dir.Path, EveryForm());

        var (files, rules, failures) = await RulesValidator.ValidateAsync([path]);

        Assert.Empty(failures);
        Assert.Equal(1, files);
        Assert.Equal(28, rules);
    }

    [Fact]
    public void Serialize_RulesForEveryTargetForm_RoundTrip()
    {
        var json = RulesFile.Serialize(EveryForm());

        Assert.Equal(json, RulesFile.Serialize(RulesFile.Read(json)));
    }

    [Fact]
    public void Rule_ExplicitWeight_IsWrittenOnlyWhereSet()
    {
        var yearEnd = JsonNode.Parse(RulesFile.Serialize(EveryForm()))!["workflows"]![1]!["Rules"]!.AsArray();

        var weighted = yearEnd.Single(r => (string)r!["RuleName"]! == "产出指标/成本指标/单位成本")!["Properties"]!;
        var unweighted = yearEnd.Single(r => (string)r!["RuleName"]! == "产出指标/时效指标/完成时间")!["Properties"]!;

        Assert.Equal(7.5m, (decimal)weighted["weight"]!);
        Assert.Null(unweighted["weight"]);
    }

    [Fact]
    public void Rule_EqualZeroTarget_IsMetOnlyAtOrBelowZeroAtYearEndButReachedByZeroAtMidYear()
    {
        var workflows = JsonNode.Parse(RulesFile.Serialize(EveryForm()))!["workflows"]!.AsArray();
        JsonNode RuleOf(int workflow) => workflows[workflow]!["Rules"]!.AsArray().Single(r => (string)r!["RuleName"]! == "产出指标/质量指标/安全事故数")!;

        Assert.Equal("actual.Value <= target", (string)RuleOf(1)["Expression"]!);
        Assert.Equal("actual.Value >= target", (string)RuleOf(0)["Expression"]!);
        Assert.Equal("equal", (string)RuleOf(1)["Properties"]!["direction"]!);
    }

    [Fact]
    public void SeedRules_ShareAHandfulOfExpressionTexts()
    {
        // Target values live in local params, so 100 000 projects compile the same few expressions.
        var expressions = TestFiles.SeedProjects
            .Select(p => JsonNode.Parse(File.ReadAllText(TestFiles.CommittedRulesFile(p)))!)
            .SelectMany(root => root["workflows"]!.AsArray())
            .SelectMany(w => w!["Rules"]!.AsArray())
            .Select(r => (string)r!["Expression"]!)
            .Distinct()
            .Order(StringComparer.Ordinal);

        Assert.Equal(["actual.Band == \"达成\"", "actual.Value <= target", "actual.Value >= target"], expressions);
    }
}
