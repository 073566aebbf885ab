using System.Text.Json.Serialization;

namespace BudgetEvaluation.Core.Review;

/// <summary>How serious a review finding is. Only <see cref="Error"/> fails a review.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Severity>))]
public enum Severity
{
    /// <summary>The table contradicts itself or sets a target that cannot fail: it must be corrected.</summary>
    [JsonStringEnumMemberName("错误")]
    Error,

    /// <summary>Probably a mistake; the reviewer should ask the department.</summary>
    [JsonStringEnumMemberName("警告")]
    Warning,

    /// <summary>Worth a look; often acceptable.</summary>
    [JsonStringEnumMemberName("提示")]
    Hint,
}

public static class SeverityNames
{
    public static string Chinese(this Severity severity) => severity switch
    {
        Severity.Error => "错误",
        Severity.Warning => "警告",
        _ => "提示",
    };
}

/// <summary>One finding of the target quality review (绩效目标审核).</summary>
/// <param name="Indicator">The 三级 indicator; the 一级 category for a category finding; the funds field for a funds finding.</param>
/// <param name="Rule">The rule id: the RuleName <c>一级/二级/三级</c>, the 一级 category, or <see cref="TargetReview.FundsRule"/>.</param>
/// <param name="Check">A stable code for the check, e.g. <c>half-year-above-full-year</c>.</param>
public sealed record Finding(
    int Year,
    string Department,
    string Project,
    string Indicator,
    string Rule,
    string Check,
    Severity Severity,
    string Message);
