using System.Net;
using System.Text;
using BudgetEvaluation.Data;
using BudgetEvaluation.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace BudgetEvaluation.Tests;

/// <summary>A host logging everything, at every level (Trace), into <see cref="CapturedLogs"/>; started with a bootstrap key.</summary>
public sealed class LoggedFixture : ServiceFixture
{
    public const string BootstrapKey = "bootstrap-key-that-must-never-be-logged-0123456789";

    public CapturedLogs Logs { get; } = new();

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("BUDGETEVAL_BOOTSTRAP_KEY", BootstrapKey),
        new("BudgetEvaluation:Web:SignInPermitLimit", "1000"),
        // appsettings.json quiets these categories; here everything is kept.
        new("Logging:LogLevel:Default", "Trace"),
        new("Logging:LogLevel:Microsoft.AspNetCore", "Trace"),
        new("Logging:LogLevel:Hangfire", "Trace"),
        new("Logging:LogLevel:Npgsql", "Trace"),
        new("Logging:LogLevel:Microsoft.AspNetCore.DataProtection", "Trace"),
    ];

    protected override void ConfigureLogging(ILoggingBuilder logging)
    {
        logging.SetMinimumLevel(LogLevel.Trace);
        logging.AddProvider(Logs);
    }
}

/// <summary>
/// Nothing secret or personal reaches the logs: a full flow (keys created, bootstrap key, a wrong key, sign-in on the
/// pages, target, rules and actuals uploads carrying a person's name and phone number, a rejected upload, a run, a
/// report) through a host logging at Trace, then every captured entry is searched.
/// </summary>
public class LogSecretsTests(LoggedFixture service) : IClassFixture<LoggedFixture>
{
    private const string Contact = "王小明 13912345678";
    private const string Deviation = "联系人李四，电话13700001111，身份证320601199001011234";
    private const string KeyHolder = "张三丰";
    private const string WrongKey = "bek_this-key-does-not-exist-but-was-typed-0001";

    [Fact]
    public async Task FullFlow_AtTraceLevel_LogsNoKeyNoDatabasePasswordAndNoPersonalData()
    {
        var (_, namedKey) = await service.App.Services.GetRequiredService<ApiKeyStore>().CreateAsync(Roles.Department, ServiceFixture.Department, KeyHolder, Actor.System);
        using var finance = service.Client(service.FinanceKey);
        using var bootstrap = service.Client(LoggedFixture.BootstrapKey);
        using var wrong = service.Client(WrongKey);
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/api/projects")).StatusCode);

        var seed = Seed.Text(2026).Replace("项目负责人/ 联系电话\t00", "项目负责人/ 联系电话\t" + Contact, StringComparison.Ordinal);
        Assert.Contains(Contact, seed);
        var targets = await bootstrap.PostAsync("/api/targets", Seed.Form(seed));
        Assert.Equal(HttpStatusCode.OK, targets.StatusCode);
        var rulesFile = await Database.ScalarAsync<string>(service.ConnectionString,
            "SELECT rules_text FROM rule_sets WHERE strpos(rules_text, @Contact) > 0", new { Contact });
        Assert.Equal(HttpStatusCode.OK, (await finance.PostAsync("/api/rules", new StringContent(rulesFile, Encoding.UTF8, "application/json"))).StatusCode);

        var actuals = ActualsFiles.Text(ActualsFiles.YearEndFile)
            .Replace("办公设备购置,产出指标,数量指标,设备购置采购数量,37台,", "办公设备购置,产出指标,数量指标,设备购置采购数量,37台," + Deviation, StringComparison.Ordinal);
        Assert.Contains(Deviation, actuals);
        using var department = service.Client(namedKey);
        await ActualsFiles.UploadAsync(department, 2026, "year-end", ActualsFiles.Form(actuals, "actuals.csv"));
        var rejected = await department.PostAsync("/api/actuals?year=2026&period=year-end",
            ActualsFiles.Form(actuals.Replace("37台," + Deviation, "很多," + Deviation, StringComparison.Ordinal), "bad.csv"));
        Assert.Equal(HttpStatusCode.BadRequest, rejected.StatusCode);

        var run = await Runs.StartAndWaitAsync(service, finance, 2026, "year-end");
        Assert.Equal(HttpStatusCode.OK, (await department.GetAsync($"/api/reports?year=2026&period=year-end&run={run}")).StatusCode);

        using var page = await PageClient.SignInAsync(service.BaseAddress, namedKey);
        var (dashboard, _) = await page.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        using var guess = new PageClient(service.BaseAddress);
        Assert.Equal(HttpStatusCode.OK, (await guess.PostFormAsync("/signin", new() { ["Key"] = WrongKey })).StatusCode);

        var password = new NpgsqlConnectionStringBuilder(service.ConnectionString).Password!;
        var secrets = new Dictionary<string, string>
        {
            ["finance key"] = service.FinanceKey,
            ["department key"] = service.DepartmentKey,
            ["other department key"] = service.OtherDepartmentKey,
            ["auditor key"] = service.AuditorKey,
            ["named key"] = namedKey,
            ["bootstrap key"] = LoggedFixture.BootstrapKey,
            ["mistyped key"] = WrongKey,
            ["database password"] = password,
            ["contact"] = "13912345678",
            ["contact name"] = "王小明",
            ["deviation phone"] = "13700001111",
            ["identity number"] = "320601199001011234",
            ["key holder"] = KeyHolder,
        };
        var entries = service.Logs.Entries.ToList();
        // The capture works: the flow was logged, down to the SQL the stores ran and the requests served.
        Assert.True(entries.Count > 500, $"only {entries.Count} entries captured");
        Assert.Contains(entries, e => e.Contains("Npgsql", StringComparison.Ordinal) && e.Contains("INSERT INTO actual_rows", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.Contains("/api/actuals", StringComparison.Ordinal));
        var leaks = secrets
            .SelectMany(s => entries.Where(e => e.Contains(s.Value, StringComparison.Ordinal)).Select(e => $"{s.Key} in: {e}"))
            .ToList();
        Assert.True(leaks.Count == 0, string.Join("\n\n", leaks.Take(5)));
    }
}
