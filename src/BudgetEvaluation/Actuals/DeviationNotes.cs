using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using BudgetEvaluation.Core.Actuals;
using BudgetEvaluation.Core.Targets;
using BudgetEvaluation.Data;
using BudgetEvaluation.Targets;

namespace BudgetEvaluation.Actuals;

/// <summary>A 偏差原因分析及改进措施 written for one indicator of a project (mid-year also 偏差原因类型 and 完成目标可能性).</summary>
/// <param name="Path">一级/二级/三级 of the indicator.</param>
public sealed record DeviationNote(long ProjectId, string Path, string Deviation, string DeviationType = "", string Likelihood = "");

/// <summary>
/// Stores reasons written on a page as a new version of the actuals. Actuals are append-only uploads, and a project's
/// current actuals are its rows in the latest upload that has any; so the edit becomes an upload (source
/// <see cref="Source"/>) of each touched project's current rows with the reasons put in, checked and stored by
/// <see cref="ActualsUpload"/> exactly like a file: one history, one validation.
/// </summary>
public sealed class DeviationNotes(StoredProjects projects, ActualsStore actuals, ActualsUpload uploads)
{
    /// <summary>The <c>source</c> of uploads written on the pages.</summary>
    public const string Source = "web";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        // The stored file stays readable Chinese when downloaded.
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
    };

    /// <summary>
    /// The new version, or null when no note differs from the current actuals (nothing stored). Notes for projects
    /// outside <paramref name="departmentId"/> are ignored.
    /// </summary>
    public async Task<UploadOutcome?> SaveAsync(
        int year, Period period, IReadOnlyList<DeviationNote> notes, long? departmentId, Actor actor, CancellationToken cancellationToken = default)
    {
        var current = await actuals.CurrentRowsAsync(year, period, departmentId, cancellationToken: cancellationToken);
        var rowsByProject = current.ToLookup(r => r.ProjectId);
        var changed = notes.Where(n => Differs(n, rowsByProject[n.ProjectId].FirstOrDefault(r => r.IndicatorPath == n.Path))).ToList();
        if (changed.Count == 0)
            return null;

        var loaded = (await projects.LoadAsync(year, departmentId, cancellationToken: cancellationToken)).ToDictionary(p => p.ProjectId);
        var file = new List<Dictionary<string, string>>();
        foreach (var projectId in changed.Select(n => n.ProjectId).Distinct())
        {
            if (!loaded.TryGetValue(projectId, out var project))
                continue;
            var edits = changed.Where(n => n.ProjectId == projectId).ToDictionary(n => n.Path, StringComparer.Ordinal);
            foreach (var row in rowsByProject[projectId])
            {
                var edit = edits.GetValueOrDefault(row.IndicatorPath);
                edits.Remove(row.IndicatorPath);
                file.Add(Row(project, row.IndicatorPath, row.RawValue,
                    edit?.Deviation ?? row.DeviationReason ?? "", edit?.DeviationType ?? row.DeviationType ?? "", edit?.Likelihood ?? row.Likelihood ?? "", period));
            }
            // An indicator without a stored row (预算执行率 is computed from the spending row) gets a row with its note only.
            foreach (var edit in edits.Values)
                file.Add(Row(project, edit.Path, "", edit.Deviation, edit.DeviationType, edit.Likelihood, period));
        }
        if (file.Count == 0)
            return null;
        var content = JsonSerializer.SerializeToUtf8Bytes(file, Json);
        var name = string.Create(CultureInfo.InvariantCulture, $"网页填写偏差原因_{year}_{period.Code()}.json");
        return await uploads.ProcessAsync(new NewUpload(year, period, name, "application/json", content, Source), departmentId, actor, cancellationToken);
    }

    private static bool Differs(DeviationNote note, CurrentActualRow? row) =>
        note.Deviation != (row?.DeviationReason ?? "") || note.DeviationType != (row?.DeviationType ?? "") || note.Likelihood != (row?.Likelihood ?? "");

    /// <summary>A row of the actuals JSON form, naming its project and indicator in full as the current rules spell them.</summary>
    private static Dictionary<string, string> Row(LoadedProject project, string path, string value, string deviation, string type, string likelihood, Period period)
    {
        var p = project.Rules.Project;
        // A path no longer in the rules (targets re-imported) is written as stored: the upload's check names the row,
        // as it would a file's.
        var parts = path.Split('/');
        var (category, subcategory, name) = ActualsSet.RowNames(path, project.Rules.Table.Indicators.FirstOrDefault(i => i.Path == path))
            ?? (parts[0], parts.Length > 2 ? parts[1] : "", parts[^1]);
        var row = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ActualsColumns.Year] = p.Year.ToString(CultureInfo.InvariantCulture),
            [ActualsColumns.Department] = p.Department,
            [ActualsColumns.Project] = p.Name,
            [ActualsColumns.Category] = category,
            [ActualsColumns.Subcategory] = subcategory,
            [ActualsColumns.Indicator] = name,
            [ActualsColumns.Value] = value,
            [ActualsColumns.Deviation] = deviation,
        };
        if (period == Period.MidYear)
        {
            row[ActualsColumns.DeviationType] = type;
            row[ActualsColumns.Likelihood] = likelihood;
        }
        return row;
    }
}
