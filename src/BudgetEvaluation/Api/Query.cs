using System.Globalization;
using BudgetEvaluation.Core.Targets;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BudgetEvaluation.Api;

/// <summary>Query parameters shared by the endpoints, read with Chinese messages (400 on a bad value).</summary>
public static class Query
{
    /// <summary>A required <c>year</c>: null when valid, else the 400 to return.</summary>
    public static ProblemHttpResult? Year(string? text, out int year)
    {
        year = 0;
        if (string.IsNullOrWhiteSpace(text))
            return Problems.BadRequest("缺少参数 year（年度，例如 2026）");
        if (!ProjectsApi.TryParseYear(text, out var parsed) || parsed is null)
            return Problems.BadRequest($"参数 year 的值“{text}”不是有效的年度（例如 2026）");
        year = parsed.Value;
        return null;
    }

    /// <summary>A required <c>period</c>: <c>mid-year</c> (绩效运行监控) or <c>year-end</c> (绩效自评).</summary>
    public static ProblemHttpResult? Period(string? text, out Period period)
    {
        period = default;
        if (string.IsNullOrWhiteSpace(text))
            return Problems.BadRequest("缺少参数 period：mid-year（绩效运行监控）或 year-end（绩效自评）");
        if (!PeriodNames.TryParse(text, out period))
            return Problems.BadRequest($"参数 period 的值“{text}”应为 mid-year（绩效运行监控）或 year-end（绩效自评）");
        return null;
    }

    /// <summary>An optional date <c>yyyy-MM-dd</c>.</summary>
    public static ProblemHttpResult? Date(string name, string? text, out DateOnly? date)
    {
        date = null;
        if (string.IsNullOrWhiteSpace(text))
            return null;
        if (!DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            return Problems.BadRequest($"参数 {name} 的值“{text}”应为日期 YYYY-MM-DD（例如 2026-06-30）");
        date = parsed;
        return null;
    }

    /// <summary>An optional id (<c>project</c>, <c>run</c>).</summary>
    public static ProblemHttpResult? Id(string name, string? text, out long? id)
    {
        id = null;
        if (string.IsNullOrWhiteSpace(text))
            return null;
        if (!long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed <= 0)
            return Problems.BadRequest($"参数 {name} 的值“{text}”应为正整数编号");
        id = parsed;
        return null;
    }
}
