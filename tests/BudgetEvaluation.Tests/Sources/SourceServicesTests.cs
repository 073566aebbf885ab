using BudgetEvaluation.Jobs.Sources;
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
}
