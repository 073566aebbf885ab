using System.Text.Json.Nodes;
using BudgetEvaluation.Core.Actuals;
using BudgetEvaluation.Core.Rules;
using BudgetEvaluation.Core.Scoring;
using BudgetEvaluation.Core.Targets;

namespace BudgetEvaluation.Core.Tests.Scoring;

/// <summary>The repository's committed rules, schemes and fixtures, and small helpers to score them.</summary>
internal static class ScoringFixtures
{
    public const string TongChuangHui = "“通创荟”和科技招商经费专项";
    public const string IndustryResearch = "产学研合作交流专项";
    public const string OfficeEquipment = "办公设备购置";
    public const string ForeignExperts = "引进国外智力专项";
    public const string Utilities = "水电费补差";
    public const string PropertyManagement = "物业管理费";
    public const string InnovationOffice = "科创办推进专项";
    public const string InnovationSystem = "科技创新体系建设专项";
    public const string BimonthlyMeeting = "科技创新双月例会专项";
    public const string ResearchInstitutes = "科研机构建设专项";
    public const string Network = "网络设备设施运行与维护费";
    public const string HighTech = "高新技术发展专项";

    public const string YearEndActuals = "actuals-year-end.csv";
    public const string MidYearActuals = "actuals-mid-year-golden.csv";

    /// <summary>The repository root: the test runs from bin/, so walk up to the solution file.</summary>
    public static string RepoRoot { get; } = FindRoot();

    public static string RulesDirectory => Path.Combine(RepoRoot, "rules");

    public static string Scheme(string fileName) => Path.Combine(RepoRoot, "schemes", fileName);

    public static string Fixture(string fileName) => Path.Combine(RepoRoot, "tests", "BudgetEvaluation.Core.Tests", "Fixtures", fileName);

    public static List<RulesProject> SeedProjects() => RulesProject.LoadAll(RulesDirectory);

    /// <summary>Scores a fixture file against the seed rules (or <paramref name="projects"/>); the fixture must have no errors.</summary>
    public static async Task<List<ProjectEvaluation>> ScoreAsync(string fixture, Period period, ScoringScheme? scheme = null, DateOnly? asOf = null, IReadOnlyList<RulesProject>? projects = null)
    {
        var (evaluations, errors) = await ScoringRun.RunAsync(projects ?? SeedProjects(), Fixture(fixture), period, scheme ?? ScoringScheme.Default, asOf);
        Assert.Empty(errors);
        return evaluations;
    }

    /// <summary>Scores in-memory rows, for synthetic cases that need no file.</summary>
    public static async Task<List<ProjectEvaluation>> ScoreRowsAsync(IReadOnlyList<RulesProject> projects, IEnumerable<ActualRow> rows, Period period, ScoringScheme? scheme = null, DateOnly? asOf = null)
    {
        var set = ActualsSet.Match(rows, projects, period, "rows.csv");
        Assert.Empty(set.Errors);
        return await new Evaluator(scheme ?? ScoringScheme.Default).EvaluateAsync(projects, set, period, asOf);
    }

    public static ProjectEvaluation Project(this IEnumerable<ProjectEvaluation> evaluations, string name) =>
        evaluations.Single(e => e.Project == name);

    public static IndicatorResult Indicator(this ProjectEvaluation evaluation, string name) =>
        evaluation.Indicators.Single(i => i.Indicator == name);

    /// <summary>A copy of the seed rules folder in a fresh temporary directory, for tests that edit rules files.</summary>
    public static string CopyRules()
    {
        var target = Path.Combine(Path.GetTempPath(), "budgeteval-rules-" + Guid.NewGuid().ToString("N"));
        foreach (var file in Directory.EnumerateFiles(RulesDirectory, "*.json", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(target, Path.GetRelativePath(RulesDirectory, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
        return target;
    }

    /// <summary>The rules file of a seed project inside a rules folder.</summary>
    public static string RulesFileOf(string rulesDirectory, string project) =>
        Path.Combine(rulesDirectory, "2026", "南通市科学技术局", project + ".json");

    /// <summary>Edits one rule of one workflow in a rules file, in place.</summary>
    public static void EditRule(string file, Period period, string indicatorPath, Action<JsonObject> edit)
    {
        var root = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
        var workflow = root["workflows"]!.AsArray().Select(w => w!.AsObject())
            .Single(w => ((string)w["WorkflowName"]!).EndsWith("/" + period.Code(), StringComparison.Ordinal));
        var rule = workflow["Rules"]!.AsArray().Select(r => r!.AsObject()).Single(r => (string)r["RuleName"]! == indicatorPath);
        edit(rule);
        File.WriteAllText(file, root.ToJsonString());
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BudgetEvaluation.sln")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException($"BudgetEvaluation.sln not found above {AppContext.BaseDirectory}");
    }
}
