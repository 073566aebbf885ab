using BudgetEvaluation.Core.Rules;
using BudgetEvaluation.Core.Scoring;
using BudgetEvaluation.Core.Targets;

namespace BudgetEvaluation.Core.Tests.Reports;

/// <summary>The seed's twelve projects scored once with the committed rules and the year-end and mid-year fixtures.</summary>
public sealed class SeedEvaluations : IAsyncLifetime
{
    /// <summary>The repository root: the folder holding BudgetEvaluation.sln, found upwards from the test binaries.</summary>
    public static string RepoRoot { get; } = FindRoot();

    public static string Fixture(string name) => Path.Combine(RepoRoot, "tests", "BudgetEvaluation.Core.Tests", "Fixtures", name);

    public List<ProjectEvaluation> YearEnd { get; private set; } = [];

    public List<ProjectEvaluation> MidYear { get; private set; } = [];

    public async Task InitializeAsync()
    {
        var projects = RulesProject.LoadAll(Path.Combine(RepoRoot, "rules"));
        YearEnd = await Score(projects, "actuals-year-end.csv", Period.YearEnd);
        MidYear = await Score(projects, "actuals-mid-year.csv", Period.MidYear);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public ProjectEvaluation YearEndOf(string project) => YearEnd.Single(e => e.Project == project);

    public ProjectEvaluation MidYearOf(string project) => MidYear.Single(e => e.Project == project);

    private static async Task<List<ProjectEvaluation>> Score(List<RulesProject> projects, string fixture, Period period)
    {
        var (evaluations, errors) = await ScoringRun.RunAsync(projects, Fixture(fixture), period, ScoringScheme.Default);
        if (errors.Count > 0)
            throw new InvalidOperationException($"{fixture}: {string.Join("; ", errors)}");
        return evaluations;
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

[CollectionDefinition(Name)]
public sealed class SeedReportsCollection : ICollectionFixture<SeedEvaluations>
{
    public const string Name = "seed reports";
}
