using BudgetEvaluation.Core.Rules;

namespace BudgetEvaluation.Core.Tests;

/// <summary>The repository's committed seed rules (rules/2026/南通市科学技术局), loaded once.</summary>
public static class Seed
{
    private static readonly Lazy<IReadOnlyList<RulesProject>> Loaded = new(() => RulesProject.LoadAll(RulesDirectory));

    /// <summary>The repository root: the folder holding BudgetEvaluation.sln above the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    public static string RulesDirectory => Path.Combine(Root, "rules");

    public static IReadOnlyList<RulesProject> Projects => Loaded.Value;

    public static RulesProject Project(string name) => Projects.Single(p => p.Project.Name == name);

    public static string Fixture(string name) => Path.Combine(Root, "tests", "BudgetEvaluation.Core.Tests", "Fixtures", name);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BudgetEvaluation.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("BudgetEvaluation.sln not found above " + AppContext.BaseDirectory);
    }
}
