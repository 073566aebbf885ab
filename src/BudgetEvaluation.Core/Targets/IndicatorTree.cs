namespace BudgetEvaluation.Core.Targets;

/// <summary>The national framework's 一级 categories and the 二级 subcategories under each (DOMAIN §2).</summary>
public static class IndicatorTree
{
    public const string Decision = "决策";
    public const string Process = "过程";
    public const string Output = "产出指标";
    public const string Effect = "效益指标";
    public const string Satisfaction = "满意度指标";

    /// <summary>The 三级 common indicator whose actual is computed from spending, not reported.</summary>
    public const string BudgetExecutionRate = "预算执行率";

    public static readonly IReadOnlyList<string> Categories = [Decision, Process, Output, Effect, Satisfaction];

    public static readonly IReadOnlyDictionary<string, string> CategoryOfSubcategory = new Dictionary<string, string>
    {
        ["项目立项"] = Decision,
        ["绩效目标"] = Decision,
        ["资金投入"] = Decision,
        ["资金管理"] = Process,
        ["组织实施"] = Process,
        ["数量指标"] = Output,
        ["质量指标"] = Output,
        ["时效指标"] = Output,
        ["成本指标"] = Output,
        ["经济效益"] = Effect,
        ["社会效益"] = Effect,
        ["生态效益"] = Effect,
        ["可持续影响"] = Effect,
        ["服务对象满意度"] = Satisfaction,
    };

    public static IEnumerable<string> SubcategoriesOf(string category) =>
        CategoryOfSubcategory.Where(kv => kv.Value == category).Select(kv => kv.Key);

    /// <summary>Accepts the short forms people write (产出, 效益, 满意度) for the official category names.</summary>
    public static string? NormalizeCategory(string text)
    {
        var t = text.Trim();
        foreach (var c in Categories)
        {
            if (t == c || (c.EndsWith("指标") && t == c[..^2]))
                return c;
        }
        return null;
    }
}
