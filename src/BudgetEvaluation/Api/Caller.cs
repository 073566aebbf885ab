using System.Globalization;
using System.Security.Claims;
using BudgetEvaluation.Data;

namespace BudgetEvaluation.Api;

/// <summary>The API key behind a request: its role and, for a department key, its 主管部门.</summary>
public sealed record Caller(long KeyId, string Role, long? DepartmentId, string? Department)
{
    public const string DepartmentIdClaim = "budgeteval:department_id";
    public const string DepartmentClaim = "budgeteval:department";

    public Actor Actor => new($"key:{KeyId.ToString(CultureInfo.InvariantCulture)}", Role, Department);

    public bool IsFinance => Role == Roles.Finance;

    /// <summary>A department key, limited to its own projects.</summary>
    public bool IsDepartment => Role == Roles.Department;

    /// <summary>Whether the caller may see (and, by role, change) what belongs to this department.</summary>
    public bool CanAccess(long departmentId) => !IsDepartment || DepartmentId == departmentId;

    /// <summary>The department filter for queries: the caller's own department, or null for everything.</summary>
    public long? Scope => IsDepartment ? DepartmentId : null;

    public static Caller? From(ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true
            || !long.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), CultureInfo.InvariantCulture, out var keyId))
            return null;
        long? departmentId = long.TryParse(user.FindFirstValue(DepartmentIdClaim), CultureInfo.InvariantCulture, out var d) ? d : null;
        return new Caller(keyId, user.FindFirstValue(ClaimTypes.Role) ?? "", departmentId, user.FindFirstValue(DepartmentClaim));
    }

    /// <summary>Minimal-API binding: endpoints that require authorization take a <see cref="Caller"/> parameter.</summary>
    public static ValueTask<Caller?> BindAsync(HttpContext context) => ValueTask.FromResult(From(context.User));
}
