using System.Text.Json;
using BudgetEvaluation.Core.Targets;
using RulesEngine.Models;

namespace BudgetEvaluation.Core.Rules;

/// <summary>A project as its rules file states it: the target table read back from the file, and its workflows.</summary>
public sealed record RulesProject(TargetTable Table, IReadOnlyList<Workflow> Workflows, string Source)
{
    private string? _fingerprint;

    /// <summary>
    /// SHA-256 of the rules file's text (of the serialized workflows when built otherwise): identifies the rules across
    /// loads, so compiled rules can be reused by a later run over the same files (<see cref="RuleRunners"/>).
    /// </summary>
    public string Fingerprint
    {
        get => _fingerprint ??= RuleRunners.Hash(JsonSerializer.Serialize(Workflows));
        internal init => _fingerprint = value;
    }

    public Project Project => Table.Project;

    public string WorkflowName(Period period) => RuleNames.Workflow(Project.Year, Project.Department, Project.Name, period);

    public Workflow? WorkflowFor(Period period)
    {
        var name = WorkflowName(period);
        foreach (var workflow in Workflows)
        {
            if (workflow.WorkflowName == name)
                return workflow;
        }
        return null;
    }

    /// <summary>The rule of an indicator in a period's workflow.</summary>
    public Rule? RuleFor(Period period, string indicatorPath) =>
        WorkflowFor(period)?.Rules.FirstOrDefault(r => r.RuleName == indicatorPath);

    /// <summary>Per period, each rule's bands by rule name: read once, as every actuals row of a qualitative indicator asks.</summary>
    private readonly Dictionary<string, IReadOnlyDictionary<string, (double Low, double High)>>?[] _bands = new Dictionary<string, IReadOnlyDictionary<string, (double, double)>>?[2];

    private static readonly IReadOnlyDictionary<string, (double Low, double High)> NoBands = new Dictionary<string, (double, double)>();

    /// <summary>The qualitative bands the rule declares, in percent: band → (low, high).</summary>
    public IReadOnlyDictionary<string, (double Low, double High)> Bands(Period period, string indicatorPath)
    {
        var byRule = _bands[(int)period];
        if (byRule is null)
        {
            byRule = new Dictionary<string, IReadOnlyDictionary<string, (double, double)>>(StringComparer.Ordinal);
            foreach (var rule in WorkflowFor(period)?.Rules ?? [])
                byRule.TryAdd(rule.RuleName ?? "", BandsOf(rule));
            // Built whole before it is published: a project read by two threads at once builds it twice, harmlessly.
            _bands[(int)period] = byRule;
        }
        return byRule.GetValueOrDefault(indicatorPath) ?? NoBands;
    }

    private static IReadOnlyDictionary<string, (double Low, double High)> BandsOf(Rule rule)
    {
        var result = new Dictionary<string, (double, double)>();
        var declared = rule.Properties?.GetValueOrDefault("bands");
        // RulesFile reads values as plain dictionaries and lists; workflows deserialized elsewhere carry JsonElements.
        if (declared is IDictionary<string, object?> plain)
        {
            foreach (var (band, limits) in plain)
            {
                if (limits is IList<object?> { Count: 2 } pair && pair[0] is double low && pair[1] is double high)
                    result[band] = (low, high);
            }
        }
        if (declared is JsonElement { ValueKind: JsonValueKind.Object } bands)
        {
            foreach (var band in bands.EnumerateObject())
            {
                if (band.Value.ValueKind == JsonValueKind.Array && band.Value.GetArrayLength() == 2)
                    result[band.Name] = (band.Value[0].GetDouble(), band.Value[1].GetDouble());
            }
        }
        return result;
    }

    public static RulesProject Parse(string json, string source) => Parse(json, source, RuleRunners.Hash(json));

    /// <param name="fingerprint">The text's SHA-256 in hex when already known (stored beside it), so it is not hashed again.</param>
    public static RulesProject Parse(string json, string source, string fingerprint) =>
        new(RulesFile.Read(json), RulesFile.Workflows(json), source) { Fingerprint = fingerprint.ToUpperInvariant() };

    /// <summary>Loads every rules file under a folder (or one file), in path order.</summary>
    public static List<RulesProject> LoadAll(string pathOrDirectory)
    {
        var projects = new List<RulesProject>();
        foreach (var file in RulesFile.FilesUnder(pathOrDirectory))
        {
            try
            {
                projects.Add(Parse(File.ReadAllText(file), file));
            }
            catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException or KeyNotFoundException)
            {
                throw new FormatException($"规则文件“{file}”无法读取：{ex.Message}", ex);
            }
        }
        return projects;
    }
}
