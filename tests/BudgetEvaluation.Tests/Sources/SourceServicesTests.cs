using BudgetEvaluation.Hosting;
using BudgetEvaluation.Jobs.Sources;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace BudgetEvaluation.Tests.Sources;

/// <summary>Which sources the configuration registers.</summary>
public class SourceServicesTests(SourcesFixture db) : IClassFixture<SourcesFixture>
{
    [Fact]
    public async Task AddActualsSources_NothingConfigured_RegistersNoSource()
    {
        await using var services = db.Services(new SourcesOptions());

        Assert.Empty(services.GetServices<IActualsSource>());
    }

    [Fact]
    public async Task AddActualsSources_FolderAndTwoFeeds_RegistersEachAsASource()
    {
        using var drop = new DropFolder();
        var options = drop.Options();
        options.HttpFeeds.Add(new HttpFeedOptions { Department = SourcesFixture.Science, Url = "http://127.0.0.1:9/a", Key = "k" });
        options.HttpFeeds.Add(new HttpFeedOptions { Department = SourcesFixture.Finance, Url = "https://feed.example/b" });
        await using var services = db.Services(options);

        Assert.Equal(["drop-folder", "http-feed:南通市科学技术局", "http-feed:南通市财政局"],
            services.GetServices<IActualsSource>().Select(s => s.Name).ToArray());
    }

    [Fact]
    public void AddActualsSources_FeedWithoutUrl_StopsNamingTheSetting()
    {
        var options = new SourcesOptions { HttpFeeds = [new HttpFeedOptions { Department = SourcesFixture.Science, Url = "feed" }] };

        var ex = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddActualsSources(options));

        Assert.Equal("配置 BudgetEvaluation:Sources:HttpFeeds:0:Url 不是有效的 http/https 地址（主管部门“南通市科学技术局”）", ex.Message);
    }

    [Fact]
    public void ServiceOptions_SourcesSettings_BindFolderAndFeedsWithTheirDefaults()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["BudgetEvaluation:Sources:DropFolder:Path"] = "/srv/drop",
            ["BudgetEvaluation:Sources:DropFolder:SettleTime"] = "00:00:00",
            ["BudgetEvaluation:Sources:HttpFeeds:0:Department"] = "南通市科学技术局",
            ["BudgetEvaluation:Sources:HttpFeeds:0:Url"] = "https://kjj.example/api/actuals",
            ["BudgetEvaluation:Sources:HttpFeeds:0:Key"] = "k1",
            ["BudgetEvaluation:Sources:HttpFeeds:1:Department"] = "南通市财政局",
            ["BudgetEvaluation:Sources:HttpFeeds:1:Url"] = "https://czj.example/actuals",
            ["BudgetEvaluation:Sources:HttpFeeds:1:Timeout"] = "00:00:05",
            ["BudgetEvaluation:Sources:HttpFeeds:1:Retries"] = "0",
        }).Build();

        var sources = configuration.GetSection(ServiceOptions.Section).Get<ServiceOptions>()!.Sources;

        Assert.Equal(("/srv/drop", null, null, TimeSpan.Zero),
            (sources.DropFolder.Path, sources.DropFolder.ProcessedPath, sources.DropFolder.RejectedPath, sources.DropFolder.SettleTime));
        Assert.Equal(
            [("南通市科学技术局", "https://kjj.example/api/actuals", "k1", TimeSpan.FromSeconds(30), 3), ("南通市财政局", "https://czj.example/actuals", "", TimeSpan.FromSeconds(5), 0)],
            sources.HttpFeeds.Select(f => (f.Department, f.Url, f.Key, f.Timeout, f.Retries)).ToArray());
        Assert.Equal(10 * 1024 * 1024, sources.MaxFileBytes);
    }

    [Fact]
    public void AppSettings_Defaults_ConfigureNoSource()
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json")).Build();

        var sources = configuration.GetSection(ServiceOptions.Section).Get<ServiceOptions>()!.Sources;

        Assert.False(sources.DropFolder.Enabled);
        Assert.Empty(sources.HttpFeeds);
    }
}
