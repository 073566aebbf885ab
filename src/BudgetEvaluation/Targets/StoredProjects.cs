using System.Globalization;
using BudgetEvaluation.Core.Rules;
using BudgetEvaluation.Core.Targets;
using BudgetEvaluation.Data;

namespace BudgetEvaluation.Targets;

/// <summary>A project's stored rules read back into Core's model, with the ids a result records.</summary>
public sealed record LoadedProject(StoredRules Stored, RulesProject Rules)
{
    public long ProjectId => Stored.ProjectId;

    public long DepartmentId => Stored.DepartmentId;
}

/// <summary>Loads the current rules of a year's projects as Core reads a rules file (<see cref="RulesProject.Parse(string, string)"/>).</summary>
public sealed class StoredProjects(ProjectStore projects)
{
    /// <summary>Every project of the year (optionally one department's), with the rules current now or at <paramref name="at"/>.</summary>
    public async Task<IReadOnlyList<LoadedProject>> LoadAsync(int year, long? departmentId = null, DateTime? at = null, CancellationToken cancellationToken = default)
    {
        var stored = await projects.CurrentRulesAsync(year, departmentId, at, cancellationToken);
        return stored.Select(s => new LoadedProject(s, Read(s))).ToList();
    }

    /// <summary>
    /// Core's model of stored rules: unpacked when the row has a current pack (a tenth of the JSON's cost), else
    /// parsed from the text. Throws <see cref="FormatException"/> (or <see cref="System.Text.Json.JsonException"/>)
    /// when neither can be read.
    /// </summary>
    /// <param name="period">Only that period's workflow, when the rules come from a pack (<see cref="RulesPack.Unpack"/>).</param>
    public static RulesProject Read(StoredRules rules, Period? period = null) =>
        rules.Packed is { } packed
            ? RulesPack.Unpack(packed, Source(rules), rules.Sha256, period)
            : RulesProject.Parse(rules.RulesText ?? throw new FormatException($"{Source(rules)}没有规则文件文本"), Source(rules), rules.Sha256);

    /// <summary>How Core names the rules in its messages: the project and version, as the API shows them.</summary>
    public static string Source(StoredRules rules) => string.Create(CultureInfo.InvariantCulture, $"项目 {rules.ProjectId} 第 {rules.Version} 版规则");
}
