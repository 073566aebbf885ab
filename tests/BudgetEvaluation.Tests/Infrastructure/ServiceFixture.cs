using System.Net.Http.Headers;
using BudgetEvaluation.Data;
using BudgetEvaluation.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BudgetEvaluation.Tests.Infrastructure;

/// <summary>
/// The real service (the host <c>serve</c> runs) on a free loopback port over a fresh database, with one key per role.
/// </summary>
public class ServiceFixture : IAsyncLifetime
{
    public const string Department = "南通市科学技术局";
    public const string OtherDepartment = "南通市财政局";

    /// <summary>The request size limit the tests run with.</summary>
    public const long MaxRequestBytes = 1024 * 1024;

    public string ConnectionString { get; private set; } = "";
    public WebApplication App { get; private set; } = null!;
    public Uri BaseAddress { get; private set; } = null!;
    public string FinanceKey { get; private set; } = "";
    public string DepartmentKey { get; private set; } = "";
    public string OtherDepartmentKey { get; private set; } = "";
    public string AuditorKey { get; private set; } = "";

    /// <summary>Settings a derived fixture adds or overrides.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings() => [];

    /// <summary>The empty database the service runs on: by default one in the test run's shared cluster.</summary>
    protected virtual Task<string> CreateDatabaseAsync() => PostgresServer.CreateDatabaseAsync();

    /// <summary>Log providers a derived fixture adds (the host logs nowhere otherwise).</summary>
    protected virtual void ConfigureLogging(ILoggingBuilder logging)
    {
    }

    /// <summary>Services a derived fixture adds or replaces (a clock, a pull source) before the host is built.</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>Data a derived fixture loads once the service runs.</summary>
    protected virtual Task LoadAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        ConnectionString = await CreateDatabaseAsync();
        var builder = ServiceHost.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:BudgetEvaluation"] = ConnectionString,
            [ServiceOptions.BootstrapKeyVariable] = "",
            ["BudgetEvaluation:MaxRequestBytes"] = MaxRequestBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["BudgetEvaluation:Jobs:WorkerCount"] = "2",
            ["BudgetEvaluation:Jobs:QueuePollInterval"] = "00:00:00.200",
            ["BudgetEvaluation:Jobs:SchedulePollingInterval"] = "00:00:01",
        });
        builder.Configuration.AddInMemoryCollection(Settings());
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        ConfigureLogging(builder.Logging);
        ConfigureServices(builder.Services);
        App = ServiceHost.Build(builder);
        await App.StartAsync();
        BaseAddress = new Uri(App.Urls.Single());

        var keys = App.Services.GetRequiredService<ApiKeyStore>();
        FinanceKey = (await keys.CreateAsync(Roles.Finance, null, "test", Actor.System)).Key;
        DepartmentKey = (await keys.CreateAsync(Roles.Department, Department, "test", Actor.System)).Key;
        OtherDepartmentKey = (await keys.CreateAsync(Roles.Department, OtherDepartment, "test", Actor.System)).Key;
        AuditorKey = (await keys.CreateAsync(Roles.Auditor, null, "test", Actor.System)).Key;
        await LoadAsync();
    }

    /// <summary>A client sending <paramref name="key"/> in X-Api-Key (none when null).</summary>
    public HttpClient Client(string? key)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        if (key is not null)
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    public virtual async Task DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
