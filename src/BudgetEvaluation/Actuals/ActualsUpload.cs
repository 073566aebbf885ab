using BudgetEvaluation.Core.Actuals;
using BudgetEvaluation.Core.Import;
using BudgetEvaluation.Core.Rules;
using BudgetEvaluation.Core.Targets;
using BudgetEvaluation.Data;
using BudgetEvaluation.Targets;

namespace BudgetEvaluation.Actuals;

/// <summary>What an upload brought for one project: its rows, and the indicators still without an actual.</summary>
/// <param name="Reported">Indicators with an actual (预算执行率 counts once the spending row has an amount).</param>
/// <param name="MissingIndicators">Indicators left without an actual (一级/二级/三级), which score as 未填报.</param>
public sealed record ProjectCoverage(
    long ProjectId, string Department, string Project, int Rows, int Indicators, int Reported, int Missing, bool SpendingReported,
    IReadOnlyList<string> MissingIndicators);

/// <summary>A project in the caller's scope that the upload has no row for (its earlier actuals, if any, stay current).</summary>
public sealed record ProjectReference(long Id, string Department, string Name);

/// <summary>The outcome of an upload of actuals.</summary>
public abstract record UploadOutcome
{
    /// <summary>Stored: the upload and, per project, what it covers.</summary>
    public sealed record Accepted(UploadSummary Upload, IReadOnlyList<ProjectCoverage> Projects, IReadOnlyList<ProjectReference> ProjectsNotInUpload) : UploadOutcome;

    /// <summary>Nothing stored: every error of the file, by line.</summary>
    public sealed record Rejected(IReadOnlyList<ImportError> Errors) : UploadOutcome;

    /// <summary>Nothing stored: a department's file names projects of other departments (the rows listed).</summary>
    public sealed record Foreign(IReadOnlyList<ImportError> Rows) : UploadOutcome;

    /// <summary>The year has no projects (in the caller's scope) to match against.</summary>
    public sealed record NoProjects : UploadOutcome;
}

/// <summary>
/// Checks an actuals file against the current rules of its year with Core's readers (<see cref="ActualsFile"/>,
/// <see cref="ActualsJson"/>) and matcher (<see cref="ActualsSet"/>), then stores it whole through
/// <see cref="ActualsStore.SaveAsync"/> — or nothing, if any row has an error.
/// </summary>
public sealed class ActualsUpload(StoredProjects projects, ActualsStore actuals, AuditLog audit)
{
    /// <summary>The rows of an upload: JSON by extension or content type, else CSV/XLSX by extension.</summary>
    public static (List<ActualRow> Rows, List<ImportError> Errors) Read(NewUpload upload) =>
        ActualsJson.IsJson(upload.FileName, upload.ContentType)
            ? ActualsJson.Read(upload.Content, upload.FileName)
            : ActualsFile.Read(new MemoryStream(upload.Content, writable: false), upload.FileName);

    /// <param name="departmentId">A department caller's own department: its file may name only that department's projects.</param>
    public async Task<UploadOutcome> ProcessAsync(NewUpload upload, long? departmentId, Actor actor, CancellationToken cancellationToken = default)
    {
        var own = await projects.LoadAsync(upload.Year, departmentId, cancellationToken: cancellationToken);
        var (rows, errors) = Read(upload);
        var set = ActualsSet.Match(rows, own.Select(p => p.Rules).ToList(), upload.Period, upload.FileName);

        if (departmentId is not null)
        {
            var foreign = await ForeignRowsAsync(rows, set, departmentId.Value, upload, actor.Department, cancellationToken);
            if (foreign.Count > 0)
                return new UploadOutcome.Foreign(foreign);
        }
        if (own.Count == 0)
            return new UploadOutcome.NoProjects();

        errors.AddRange(set.Errors);
        if (errors.Count == 0 && set.Rows.Count == 0)
            errors.Add(new ImportError(upload.FileName, 0, "文件", "文件中没有任何实际完成值行"));
        if (errors.Count > 0)
        {
            var sorted = errors.OrderBy(e => e.Line).ToList();
            await audit.WriteAsync(actor, "actuals.upload", AuditOutcome.Rejected, upload.FileName,
                new { upload.Year, period = upload.Period.Code(), file = upload.FileName, errors = sorted.Count }, cancellationToken);
            return new UploadOutcome.Rejected(sorted);
        }

        // Core hands back the RulesProject it matched; the very instance identifies the stored project.
        var byRules = own.ToDictionary<LoadedProject, RulesProject, LoadedProject>(p => p.Rules, p => p, ReferenceEqualityComparer.Instance);
        var records = set.Rows.Select(r => new ActualRowRecord(
            r.Row.Line, byRules[r.Project].ProjectId, r.IndicatorPath, r.Row.Value,
            NullIfEmpty(r.Row.Deviation), NullIfEmpty(r.Row.DeviationType), NullIfEmpty(r.Row.Likelihood))).ToList();
        var summary = await actuals.SaveAsync(upload, records, actor, cancellationToken);

        var covered = set.Rows.GroupBy(r => byRules[r.Project].ProjectId).ToDictionary(g => g.Key, g => g.Count());
        var coverage = own.Where(p => covered.ContainsKey(p.ProjectId)).Select(p => Coverage(p, set, covered[p.ProjectId])).ToList();
        var notInUpload = own.Where(p => !covered.ContainsKey(p.ProjectId))
            .Select(p => new ProjectReference(p.ProjectId, p.Rules.Project.Department, p.Rules.Project.Name)).ToList();
        return new UploadOutcome.Accepted(summary, coverage, notInUpload);
    }

    /// <summary>
    /// Rows that name no project of the caller's department but one of another department. Rows matching nothing
    /// anywhere stay ordinary row errors (their suggestions name only the caller's own projects). The other
    /// departments' rules are loaded only when some row found no project of the caller's.
    /// </summary>
    private async Task<List<ImportError>> ForeignRowsAsync(
        List<ActualRow> rows, ActualsSet own, long departmentId, NewUpload upload, string? department, CancellationToken cancellationToken)
    {
        var unmatched = own.Errors.Where(e => e.Field == ActualsColumns.Project).Select(e => e.Line).ToHashSet();
        var candidates = rows.Where(r => unmatched.Contains(r.Line)).ToList();
        if (candidates.Count == 0)
            return [];
        var others = (await projects.LoadAsync(upload.Year, cancellationToken: cancellationToken)).Where(p => p.DepartmentId != departmentId).ToList();
        if (others.Count == 0)
            return [];
        var elsewhere = ActualsSet.Match(candidates, others.Select(p => p.Rules).ToList(), upload.Period, upload.FileName);
        var nowhere = elsewhere.Errors.Where(e => e.Field == ActualsColumns.Project).Select(e => e.Line).ToHashSet();
        return candidates.Where(r => !nowhere.Contains(r.Line))
            .Select(r => new ImportError(upload.FileName, r.Line, ActualsColumns.Project,
                $"项目“{r.Project}”不属于您的主管部门（{department}），只能填报本部门的项目"))
            .ToList();
    }

    private static ProjectCoverage Coverage(LoadedProject project, ActualsSet set, int rows)
    {
        var actuals = set.For(project.Rules);
        var missing = project.Rules.Table.Indicators
            .Where(i => !actuals.Indicators.ContainsKey(i.Path) && !(i.Name == IndicatorTree.BudgetExecutionRate && actuals.Spent is not null))
            .Select(i => i.Path)
            .ToList();
        var total = project.Rules.Table.Indicators.Count;
        var p = project.Rules.Project;
        return new ProjectCoverage(project.ProjectId, p.Department, p.Name, rows, total, total - missing.Count, missing.Count, actuals.Spent is not null, missing);
    }

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;
}
