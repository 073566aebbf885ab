using System.Globalization;
using BudgetEvaluation.Core.Targets;
using BudgetEvaluation.Tests.Infrastructure;

namespace BudgetEvaluation.Tests.Web;

/// <summary>
/// The seed's twelve projects for 2026, the last three moved to <see cref="ServiceFixture.OtherDepartment"/> so that
/// two departments have projects, each period uploaded and scored by Core's evaluator; and the same projects for
/// 2027 with no run at all.
/// </summary>
public class WebFixture : ServiceFixture
{
    public const int Year = 2026;
    public const int YearWithoutRuns = 2027;

    /// <summary>The first seed project that moves to the other department; it and every table after it move.</summary>
    public const string FirstMovedProject = "科技创新体系建设专项";

    public static readonly string[] MovedProjects = ["科技创新体系建设专项", "高新技术发展专项", "产学研合作交流专项"];

    /// <summary>2026 project ids by name.</summary>
    public IReadOnlyDictionary<string, long> Projects { get; private set; } = new Dictionary<string, long>();

    public long YearEndRun { get; private set; }

    public long MidYearRun { get; private set; }

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [new("BudgetEvaluation:Web:SignInPermitLimit", "1000")];

    protected override async Task LoadAsync()
    {
        using var client = Client(FinanceKey);
        foreach (var year in new[] { Year, YearWithoutRuns })
        {
            var response = await client.PostAsync("/api/targets", Seed.Form(SplitSeed(year)));
            response.EnsureSuccessStatusCode();
            if (year == Year)
            {
                Projects = (await Json.ReadAsync(response))["projects"]!.AsArray()
                    .ToDictionary(p => (string)p!["name"]!, p => (long)p!["id"]!);
            }
        }
        YearEndRun = await Evaluations.RunAsync(App.Services, Year, Period.YearEnd, "actuals-year-end.csv");
        MidYearRun = await Evaluations.RunAsync(App.Services, Year, Period.MidYear, "actuals-mid-year-golden.csv");
    }

    /// <summary>The seed for a year with its last tables (from <see cref="FirstMovedProject"/> on) under the other department.</summary>
    public static string SplitSeed(int year)
    {
        var text = Seed.Text(year);
        var cut = text.IndexOf("项目名称\t" + FirstMovedProject, StringComparison.Ordinal);
        if (cut < 0)
            throw new InvalidOperationException($"seed has no table {FirstMovedProject}");
        return text[..cut] + text[cut..].Replace(Department, OtherDepartment, StringComparison.Ordinal);
    }

    public string ProjectPath(string name, string? period = null) =>
        $"/projects/{Projects[name].ToString(CultureInfo.InvariantCulture)}" + (period is null ? "" : "?period=" + period);
}
