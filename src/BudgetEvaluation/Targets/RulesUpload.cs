using System.Text;
using System.Text.Json;
using BudgetEvaluation.Core.Import;
using BudgetEvaluation.Core.Rules;
using BudgetEvaluation.Core.Targets;
using BudgetEvaluation.Data;

namespace BudgetEvaluation.Targets;

/// <summary>A rules file checked for upload: its project's table and text, or every reason it was refused.</summary>
public sealed record RulesFileCheck(TargetTable? Table, string Text, IReadOnlyList<RuleFailure> Failures)
{
    public bool Succeeded => Failures.Count == 0 && Table is not null;
}

/// <summary>
/// A rules file (the <see cref="RulesFile"/> format of <c>rules/&lt;年度&gt;/&lt;主管部门&gt;/&lt;项目名称&gt;.json</c>) sent to the
/// service. Rule expressions are code, so the file is checked before anything of it is stored or compiled:
/// <see cref="RuleSafety"/> first (nothing is compiled before it passes), then its shape as a project's rules
/// (<see cref="RulesFile.Read"/>, the two workflows named for the project, one rule per indicator), then
/// <see cref="RulesValidator"/> compiles and probes it. Only then is it stored, as the next rules version of its project.
/// </summary>
public sealed class RulesUpload(ProjectStore projects)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Every check, in order; the first stage with failures ends the check (later stages would only repeat them).</summary>
    public static async Task<RulesFileCheck> CheckAsync(byte[] content, string fileName)
    {
        string text;
        try
        {
            text = StrictUtf8.GetString(content);
        }
        catch (DecoderFallbackException)
        {
            return Refused(fileName, "", "规则文件不是 UTF-8 编码的文本（JSON 文件应为 UTF-8）");
        }
        if (text.Length > 0 && text[0] == '\uFEFF')
            text = text[1..];
        // PostgreSQL cannot store NUL in text or jsonb; a rules file has no use for control characters either.
        if (text.Contains('\0', StringComparison.Ordinal) || text.Contains("\\u0000", StringComparison.OrdinalIgnoreCase))
            return Refused(fileName, text, "规则文件含有 NUL 字符，文件可能已损坏");

        var unsafeRules = RuleSafety.Check(text, fileName);
        if (unsafeRules.Count > 0)
            return new RulesFileCheck(null, text, unsafeRules);

        TargetTable table;
        try
        {
            table = RulesFile.Read(text);
        }
        catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException or ArgumentException or KeyNotFoundException)
        {
            return Refused(fileName, text, $"无法读取规则文件：{ex.Message}");
        }
        var shape = Shape(table, RulesFile.Workflows(text), fileName);
        if (shape.Count > 0)
            return new RulesFileCheck(null, text, shape);

        var (_, failures) = await RulesValidator.ValidateTextAsync(text, fileName);
        return new RulesFileCheck(failures.Count == 0 ? table : null, text, failures);
    }

    /// <summary>Stores a checked file; see <see cref="ProjectStore.SaveRulesFileAsync"/>.</summary>
    public Task<SavedProject> SaveAsync(RulesFileCheck check, string fileName, Actor actor, CancellationToken cancellationToken = default) =>
        check.Succeeded
            ? projects.SaveRulesFileAsync(check.Table!, check.Text, fileName, actor, cancellationToken)
            : throw new InvalidOperationException("a refused rules file cannot be stored");

    /// <summary>
    /// What scoring relies on and the database requires: a year and names it can store, exactly the project's two
    /// workflows (scoring finds them by name), and in each one rule per indicator, named by its path.
    /// </summary>
    private static List<RuleFailure> Shape(TargetTable table, IReadOnlyList<RulesEngine.Models.Workflow> workflows, string fileName)
    {
        var failures = new List<RuleFailure>();
        void Fail(string workflow, string rule, string message) => failures.Add(new RuleFailure(fileName, workflow, rule, message));
        var project = table.Project;
        if (project.Year is < 2000 or > 2100)
            Fail("", "", $"project 的 year 应为 2000 至 2100 之间的年度，实际为 {project.Year}");
        foreach (var (field, value) in new[] { ("project 的 department（主管部门）", project.Department), ("project 的 name（项目名称）", project.Name) })
        {
            if (string.IsNullOrWhiteSpace(value))
                Fail("", "", $"{field}不能为空");
            else if (InputLimits.FormulaLikeName(fileName, 0, field, value) is { } formula)
                Fail("", "", formula.Message);
        }
        if (table.Indicators.Count is 0 or > InputLimits.MaxIndicatorsPerProject)
            Fail("", "", $"规则文件应有 1 至 {InputLimits.MaxIndicatorsPerProject} 个指标，实际为 {table.Indicators.Count} 个");
        if (failures.Count > 0)
            return failures;

        var expected = new[] { Period.MidYear, Period.YearEnd }.Select(p => RuleNames.Workflow(project.Year, project.Department, project.Name, p)).ToList();
        foreach (var workflow in workflows.Where(w => !expected.Contains(w.WorkflowName)))
            Fail(workflow.WorkflowName ?? "", "", $"工作流名称与 project 不符：应为“{string.Join("”或“", expected)}”（年度/主管部门/项目名称/期间）");
        var paths = table.Indicators.Select(i => i.Path).ToList();
        foreach (var name in expected)
        {
            var matching = workflows.Where(w => w.WorkflowName == name).ToList();
            if (matching.Count != 1)
            {
                Fail(name, "", matching.Count == 0 ? "缺少该工作流" : $"该工作流出现了 {matching.Count} 次");
                continue;
            }
            var rules = (matching[0].Rules ?? []).Select(r => r.RuleName ?? "").ToList();
            foreach (var duplicate in rules.GroupBy(r => r, StringComparer.Ordinal).Where(g => g.Count() > 1))
                Fail(name, duplicate.Key, $"规则名称出现了 {duplicate.Count()} 次");
            foreach (var extra in rules.Except(paths, StringComparer.Ordinal))
                Fail(name, extra, "规则名称不是任何指标的“一级指标/二级指标/三级指标”（应与年度工作流中规则的 Properties 一致）");
            foreach (var missing in paths.Except(rules, StringComparer.Ordinal))
                Fail(name, missing, "缺少该指标的规则");
        }
        return failures;
    }

    private static RulesFileCheck Refused(string fileName, string text, string message) =>
        new(null, text, [new RuleFailure(fileName, "", "", message)]);
}
