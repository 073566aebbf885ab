using System.Globalization;
using BudgetEvaluation.Tests.Infrastructure;

namespace BudgetEvaluation.Tests.Web;

/// <summary>
/// The seed's twelve projects, the last three moved to <see cref="ServiceFixture.OtherDepartment"/> so that two
/// departments have projects, loaded the way the service is used: targets and actuals through the API, scores by
/// the service's own evaluation job (<c>POST /api/evaluations</c>). 2026 has both periods uploaded and scored; 2027
/// has targets only; <see cref="WorkflowYear"/> is left to the department's workflow test (template, uploads,
/// reasons); <see cref="RunYear"/> has year-end actuals but no run, for the test that starts one on the pages.
/// </summary>
public class WebFixture : ServiceFixture
{
    public const int Year = 2026;
    public const int YearWithoutRuns = 2027;
    public const int WorkflowYear = 2028;
    public const int RunYear = 2029;

    /// <summary>The first seed project that moves to the other department; it and every table after it move.</summary>
    public const string FirstMovedProject = "科技创新体系建设专项";

    public static readonly string[] MovedProjects = ["科技创新体系建设专项", "高新技术发展专项", "产学研合作交流专项"];

    /// <summary>Project ids by year and name.</summary>
    public IReadOnlyDictionary<(int Year, string Name), long> ProjectIds { get; private set; } = new Dictionary<(int, string), long>();

    /// <summary>2026 project ids by name.</summary>
    public IReadOnlyDictionary<string, long> Projects { get; private set; } = new Dictionary<string, long>();

    public long YearEndRun { get; private set; }

    public long MidYearRun { get; private set; }

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [new("BudgetEvaluation:Web:SignInPermitLimit", "1000")];

    protected override async Task LoadAsync()
    {
        using var client = Client(FinanceKey);
        var ids = new Dictionary<(int, string), long>();
        foreach (var year in new[] { Year, YearWithoutRuns, WorkflowYear, RunYear })
        {
            var response = await client.PostAsync("/api/targets", Seed.Form(SplitSeed(year)));
            response.EnsureSuccessStatusCode();
            foreach (var project in (await Json.ReadAsync(response))["projects"]!.AsArray())
                ids[(year, (string)project!["name"]!)] = (long)project["id"]!;
        }
        ProjectIds = ids;
        Projects = ids.Where(kv => kv.Key.Item1 == Year).ToDictionary(kv => kv.Key.Item2, kv => kv.Value);

        await ActualsFiles.UploadAsync(client, Year, "year-end", FixtureForm("actuals-year-end.csv"));
        await ActualsFiles.UploadAsync(client, Year, "mid-year", FixtureForm("actuals-mid-year-golden.csv"));
        YearEndRun = await Runs.StartAndWaitAsync(this, client, Year, "year-end");
        MidYearRun = await Runs.StartAndWaitAsync(this, client, Year, "mid-year");
        await ActualsFiles.UploadAsync(client, RunYear, "year-end", FixtureForm("actuals-year-end.csv"));
    }

    /// <summary>A Core test fixture of actuals (no 年度 column: it fits any year) as an upload form.</summary>
    private static MultipartFormDataContent FixtureForm(string name) =>
        ActualsFiles.Form(File.ReadAllBytes(ActualsFiles.Fixture(name)), name);

    /// <summary>The seed for a year with its last tables (from <see cref="FirstMovedProject"/> on) under the other department.</summary>
    public static string SplitSeed(int year)
    {
        var text = Seed.Text(year);
        var cut = text.IndexOf("项目名称\t" + FirstMovedProject, StringComparison.Ordinal);
        if (cut < 0)
            throw new InvalidOperationException($"seed has no table {FirstMovedProject}");
        return text[..cut] + text[cut..].Replace(Department, OtherDepartment, StringComparison.Ordinal);
    }

    public string ProjectPath(string name, string? period = null, int year = Year) =>
        $"/projects/{ProjectIds[(year, name)].ToString(CultureInfo.InvariantCulture)}" + (period is null ? "" : "?period=" + period);
}
