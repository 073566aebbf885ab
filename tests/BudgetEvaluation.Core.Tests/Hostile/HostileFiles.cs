using BudgetEvaluation.Core.Actuals;
using BudgetEvaluation.Core.Import;
using BudgetEvaluation.Core.Targets;

namespace BudgetEvaluation.Core.Tests.Hostile;

/// <summary>
/// Builds the hostile-file corpus at run time (nothing large is committed): minimal XLSX packages written by hand,
/// so that cells, sizes and references can be whatever an attacker chooses.
/// </summary>
internal static partial class HostileFiles
{
    public const string FlatHeader = "年度,主管部门,项目名称,二级指标,三级指标,半年指标值,全年指标值,全年预算数";

    /// <summary>Rows of the flat target form for <paramref name="projects"/> projects of <paramref name="indicators"/> indicators each.</summary>
    public static IEnumerable<string> FlatRows(int projects, int indicators)
    {
        yield return FlatHeader;
        for (var p = 0; p < projects; p++)
        {
            for (var i = 0; i < indicators; i++)
                yield return $"2026,南通市科学技术局,项目{p},数量指标,指标{i},≥{i + 1}个,≥{2 * i + 2}个,100";
        }
    }

    /// <summary>Every error of every table in a target file, read through the dispatch the import verb uses.</summary>
    public static (List<TableImport> Tables, List<ImportError> Errors) ReadTargets(string path)
    {
        var tables = TargetFiles.Read(path).ToList();
        return (tables, tables.SelectMany(t => t.Errors).ToList());
    }

    /// <summary>An actuals file read and matched against the committed seed rules at year-end.</summary>
    public static (List<ActualRow> Rows, List<ImportError> Errors) ReadActuals(string path)
    {
        var (rows, errors) = ActualsFile.Read(path);
        if (errors.Count > 0)
            return (rows, errors);
        var set = ActualsSet.Match(rows, Seed.Projects, Period.YearEnd, Path.GetFileName(path));
        return (rows, set.Errors);
    }

    /// <summary>Bytes allocated on this thread and others while <paramref name="action"/> runs.</summary>
    public static long Allocated(Action action)
    {
        var before = GC.GetTotalAllocatedBytes(precise: true);
        action();
        return GC.GetTotalAllocatedBytes(precise: true) - before;
    }
}
