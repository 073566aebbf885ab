namespace BudgetEvaluation.Core.Rules;

/// <summary>
/// The reported actual of one indicator, as rule expressions see it (local param <c>actual</c>, picked by the rule's
/// position out of the workflow input <c>actuals</c>).
/// Quantities are in the target's unit; percentages are in percent (96.3 for 96.3%).
/// </summary>
public sealed record ActualInput
{
    public double Value { get; init; }
    public string Unit { get; init; } = "";
    /// <summary>Qualitative band: 达成, 部分达成, 未达成, or empty for a quantity.</summary>
    public string Band { get; init; } = "";
    /// <summary>True when a qualitative actual carries a percentage inside its band (<c>部分达成 75%</c>).</summary>
    public bool HasPercent { get; init; }
    public double Percent { get; init; }
}

/// <summary>What the scoring run supplies to every rule (input <c>context</c>).</summary>
public sealed record RuleContext
{
    /// <summary>Each rule's points (分值) under the scheme in use, by rule position; empty in mid-year monitoring.</summary>
    public double[] Points { get; init; } = [];
    /// <summary>序时进度 at the review date, 0..1.</summary>
    public double TimeProgress { get; init; }
    /// <summary>Scheme option: score 反向 misses as points × (1 − (actual − target)/target) instead of target/actual.</summary>
    public bool LinearNegativeMiss { get; init; }
}

/// <summary>Names shared by the rules generator and the evaluator.</summary>
public static class RuleNames
{
    public const string ActualsInput = "actuals";
    public const string ContextInput = "context";
    public const string Met = "达成";
    public const string PartlyMet = "部分达成";
    public const string NotMet = "未达成";

    public static string Workflow(int year, string department, string project, Targets.Period period) =>
        $"{year}/{department}/{project}/{Targets.PeriodNames.Code(period)}";

    /// <summary><see cref="Workflow"/> written into a buffer (false when it does not fit): looked up per project, never kept.</summary>
    public static bool TryWriteWorkflow(Span<char> destination, int year, string department, string project, Targets.Period period, out int written) =>
        destination.TryWrite($"{year}/{department}/{project}/{Targets.PeriodNames.Code(period)}", out written);
}
