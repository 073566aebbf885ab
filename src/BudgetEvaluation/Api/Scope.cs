using BudgetEvaluation.Data;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BudgetEvaluation.Api;

/// <summary>The department a request is limited to.</summary>
public static class Scope
{
    /// <summary>
    /// The department filter for <c>?department=</c> (a 主管部门 name): a department key gets its own (naming another
    /// is 403); finance and auditors get the one named (404 if unknown), or none for everything.
    /// </summary>
    public static async Task<(long? DepartmentId, ProblemHttpResult? Problem)> DepartmentAsync(
        string? department, Caller caller, ProjectStore projects, AuditLog audit, HttpContext context, CancellationToken cancellationToken)
    {
        var name = department?.Trim() ?? "";
        if (caller.IsDepartment)
        {
            if (name.Length > 0 && name != caller.Department)
                return (null, await Problems.ForbiddenAsync(context, audit, caller, $"主管部门“{name}”不是您的主管部门（{caller.Department}）"));
            return (caller.DepartmentId, null);
        }
        if (name.Length == 0)
            return (null, null);
        var id = await projects.DepartmentIdAsync(name, cancellationToken);
        return id is null ? (null, Problems.NotFound($"没有主管部门“{name}”的项目")) : (id, null);
    }
}
