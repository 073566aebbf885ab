using System.Globalization;
using BudgetEvaluation.Core.Targets;
using BudgetEvaluation.Data;

namespace BudgetEvaluation.Web;

/// <summary>Chinese words the pages share.</summary>
public static class WebText
{
    public const string Product = "项目支出绩效评价系统";

    public static string Role(string? role) => role switch
    {
        Roles.Finance => "财政局",
        Roles.Department => "主管部门",
        Roles.Auditor => "审计（只读）",
        _ => "未知角色",
    };

    public static string Period(Period period) => period == Core.Targets.Period.MidYear ? "绩效运行监控（半年）" : "绩效自评（全年）";

    /// <summary>A time in the service's local time, to the minute.</summary>
    public static string Time(DateTime? time) =>
        time is { } t ? t.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "—";

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Where an upload of actuals came from: a file, the pages' 偏差原因 form, or a pull source by name.</summary>
    public static string Source(string source) => source switch
    {
        "upload" => "上传文件",
        Actuals.DeviationNotes.Source => "网页填写",
        _ => source,
    };

    /// <summary>A scoring run's status.</summary>
    public static string RunStatus(string status) => status switch
    {
        Data.RunStatus.Queued => "排队中",
        Data.RunStatus.Running => "评分中",
        Data.RunStatus.Succeeded => "已完成",
        Data.RunStatus.Failed => "失败",
        _ => status,
    };

    /// <summary>Who did something, from an audit actor id (<c>key:3</c>, <c>system</c>, <c>cli:root</c>).</summary>
    public static string Actor(string actor) => actor switch
    {
        "system" => "系统",
        _ when actor.StartsWith("key:", StringComparison.Ordinal) => $"密钥 #{actor[4..]}",
        _ when actor.StartsWith("cli:", StringComparison.Ordinal) => $"命令行（{actor[4..]}）",
        _ => actor,
    };
}
