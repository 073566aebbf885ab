using System.Globalization;
using BudgetEvaluation.Data;
using Microsoft.Extensions.Http.Resilience;
using Npgsql;
using Polly;

namespace BudgetEvaluation.Jobs.Sources;

public static class SourceServices
{
    /// <summary>
    /// Registers each configured pull source as an <see cref="IActualsSource"/>: the drop folder if it has a path,
    /// and one <see cref="HttpFeedSource"/> per feed, each with its own HTTP client (time-out per attempt, retries
    /// with exponential back-off). Nothing configured registers nothing.
    /// </summary>
    public static IServiceCollection AddActualsSources(this IServiceCollection services, SourcesOptions options)
    {
        services.AddSingleton<PullIntake>();
        if (options.DropFolder.Enabled)
        {
            services.AddSingleton<IActualsSource>(sp => new DropFolderSource(
                options.DropFolder, options.MaxFileBytes, sp.GetRequiredService<PullIntake>(), sp.GetRequiredService<ProjectStore>(),
                sp.GetRequiredService<NpgsqlDataSource>(), sp.GetService<TimeProvider>() ?? TimeProvider.System,
                sp.GetRequiredService<ILogger<DropFolderSource>>()));
        }
        for (var i = 0; i < options.HttpFeeds.Count; i++)
        {
            var feed = options.HttpFeeds[i];
            Validate(feed, i);
            var clientName = string.Create(CultureInfo.InvariantCulture, $"budgeteval-feed-{i}");
            services.AddHttpClient(clientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
                // Header values never reach the log, whatever the level: the key travels in one.
                .RedactLoggedHeaders(_ => true)
                .AddResilienceHandler(clientName, pipeline =>
                {
                    if (feed.Retries > 0)
                    {
                        pipeline.AddRetry(new HttpRetryStrategyOptions
                        {
                            MaxRetryAttempts = feed.Retries,
                            BackoffType = DelayBackoffType.Exponential,
                            UseJitter = true,
                            Delay = feed.RetryDelay,
                            // A Retry-After the feed sends is honoured, but not beyond this.
                            MaxDelay = feed.RetryDelay * 8 + TimeSpan.FromSeconds(30),
                        });
                    }
                    pipeline.AddTimeout(new HttpTimeoutStrategyOptions { Timeout = feed.Timeout });
                });
            services.AddSingleton<IActualsSource>(sp => new HttpFeedSource(
                feed, clientName, options.MaxFileBytes, sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredService<PullIntake>(),
                sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<ILogger<HttpFeedSource>>()));
        }
        return services;
    }

    /// <summary>A feed missing what it needs stops the start-up with a message naming the setting.</summary>
    private static void Validate(HttpFeedOptions feed, int index)
    {
        var setting = string.Create(CultureInfo.InvariantCulture, $"BudgetEvaluation:Sources:HttpFeeds:{index}");
        if (string.IsNullOrWhiteSpace(feed.Department))
            throw new InvalidOperationException($"配置 {setting}:Department 为空：请填写该数据源所属的主管部门");
        if (!Uri.TryCreate(feed.Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new InvalidOperationException($"配置 {setting}:Url 不是有效的 http/https 地址（主管部门“{feed.Department}”）");
        if (feed.Timeout <= TimeSpan.Zero || feed.Retries < 0 || feed.RetryDelay <= TimeSpan.Zero)
            throw new InvalidOperationException($"配置 {setting}（主管部门“{feed.Department}”）：Timeout 和 RetryDelay 须大于 0，Retries 不能为负数");
    }
}
