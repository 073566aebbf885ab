using BudgetEvaluation.Data;
using BudgetEvaluation.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BudgetEvaluation.Api;

/// <summary>Missing actuals (催报) and opening or closing fiscal years, which decides the scheduled runs.</summary>
public static class RemindersApi
{
    public static IEndpointRouteBuilder MapRemindersApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/reminders", RemindersAsync)
            .WithTags("评分").RequireAuthorization()
            .WithSummary("尚缺实际完成值的主管部门与项目（未上传，或列出未填报的指标），及截止日期（若已配置）；主管部门只含本部门");
        routes.MapPut("/api/years/{year:int}", SetOpenAsync)
            .WithTags("评分").RequireAuthorization(Policies.Finance)
            .WithSummary("开放（open=true）或关闭（open=false）年度：开放的年度有定时的半年监控与年终评分");
        return routes;
    }

    public static async Task<Results<Ok<ReminderReport>, ProblemHttpResult>> RemindersAsync(
        string? year, string? period, Caller caller, MissingActualsReport report, CancellationToken cancellationToken)
    {
        if (Query.Year(year, out var fiscalYear) is { } badYear)
            return badYear;
        if (Query.Period(period, out var p) is { } badPeriod)
            return badPeriod;
        return TypedResults.Ok(await report.BuildAsync(fiscalYear, p, caller.Scope, cancellationToken));
    }

    /// <summary>The open years after the change, each with its recurring jobs registered.</summary>
    public sealed record OpenYears(IReadOnlyList<int> Years);

    public static async Task<Results<Ok<OpenYears>, ProblemHttpResult>> SetOpenAsync(
        int year, string? open, Caller caller, FiscalYearStore years, ScheduleRegistration schedules, CancellationToken cancellationToken)
    {
        if (year is < 2000 or > 2100)
            return Problems.BadRequest($"年度 {year} 应在 2000 至 2100 之间");
        if (!bool.TryParse(open, out var isOpen))
            return Problems.BadRequest($"参数 open 的值“{open}”应为 true（开放）或 false（关闭）");
        await years.SetOpenAsync(year, isOpen, caller.Actor, cancellationToken);
        return TypedResults.Ok(new OpenYears(await schedules.SyncAsync(cancellationToken)));
    }
}
