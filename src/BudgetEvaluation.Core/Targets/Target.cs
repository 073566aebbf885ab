namespace BudgetEvaluation.Core.Targets;

/// <summary>The written forms a target takes (DOMAIN §3).</summary>
public enum TargetForm
{
    /// <summary>Comparison, number and unit: <c>≥1800个</c>, <c>≤1年</c>, <c>=2517.03平方米</c>.</summary>
    Quantity,
    /// <summary>Comparison and percent: <c>≥90%</c>, bare <c>100%</c>.</summary>
    Percent,
    /// <summary>Number followed by a description: <c>=3项报告、应急预案报告、安全巡检报告</c>.</summary>
    QuantityWithDescription,
    /// <summary>序时进度: the share of the year gone by at the review date.</summary>
    TimeProgress,
    /// <summary>A single qualitative word: 规范, 较高, 完成.</summary>
    QualitativeWord,
    /// <summary>A descriptive sentence, judged qualitatively.</summary>
    Descriptive,
}

/// <summary>How a quantitative target is compared: positive (more is better), negative (less is better) or a point value.</summary>
public enum Direction
{
    Positive,
    Negative,
    /// <summary><c>=</c>: scored as "reach the value" unless the rule is marked exact.</summary>
    Equal,
    Qualitative,
}

/// <summary>A parsed target. <see cref="Text"/> is kept verbatim; the rest is what the notation means.</summary>
public sealed record Target(
    string Text,
    TargetForm Form,
    Direction Direction,
    string Comparison,
    decimal? Value,
    string Unit,
    string Description)
{
    public bool IsQuantitative => Form is TargetForm.Quantity or TargetForm.Percent or TargetForm.QuantityWithDescription or TargetForm.TimeProgress;

    public bool IsPercent => Unit == "%";
}
