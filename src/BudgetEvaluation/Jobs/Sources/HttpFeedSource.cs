using System.Globalization;
using System.Net;
using BudgetEvaluation.Core.Import;
using BudgetEvaluation.Core.Targets;
using Npgsql;
using Polly.Timeout;

namespace BudgetEvaluation.Jobs.Sources;

/// <summary>
/// One department's HTTP feed: <c>GET {Url}?year=&amp;period=</c> with <c>X-Api-Key</c>, answering actuals JSON in the
/// upload API's form (<see cref="Actuals.ActualsJson"/>), stored like an upload. Time-outs and retries with back-off
/// are the named client's resilience handler (<see cref="SourceServices.AddActualsSources"/>).
/// </summary>
/// <remarks>
/// Unreachable after the retries (connection refused, time-out, 408, 429, 5xx) → <see cref="SourceUnavailableException"/>,
/// so the department's job retries later. Any other refusal (401, 403, 404, …) or a body that is not valid actuals is
/// a rejected <see cref="PulledFile"/>: retrying would not change it. 204 means the feed has nothing yet.
/// </remarks>
public sealed partial class HttpFeedSource(
    HttpFeedOptions feed,
    string clientName,
    long maxResponseBytes,
    IHttpClientFactory clients,
    PullIntake intake,
    NpgsqlDataSource dataSource,
    ILogger<HttpFeedSource> logger) : IActualsSource
{
    public const string ApiKeyHeader = "X-Api-Key";

    public string Name { get; } = "http-feed:" + feed.Department;

    /// <summary>The feed's address for messages: scheme, host and path, never a query (which might carry a secret).</summary>
    private string Address { get; } = Uri.TryCreate(feed.Url, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Path) : feed.Url;

    public async Task<IReadOnlyList<PulledFile>> PullAsync(PullRequest request, CancellationToken cancellationToken)
    {
        if (!FileOwner.Same(feed.Department, request.Department))
            return [];
        await using var pullLock = await PullLock.AcquireAsync(dataSource, Name, cancellationToken);
        var fileName = string.Create(CultureInfo.InvariantCulture, $"{feed.Department}-{request.Year}-{request.Period.Code()}.json");

        var (status, content) = await FetchAsync(request, cancellationToken);
        if (status == HttpStatusCode.NoContent)
            return [];
        if (content is null)
        {
            Log.Refused(logger, feed.Department, (int)status);
            return [PullIntake.Rejected(Name, fileName, [new ImportError(fileName, 0, "HTTP", Refusal(status, request))])];
        }
        if (content.Length > maxResponseBytes)
        {
            return [PullIntake.Rejected(Name, fileName, [new ImportError(fileName, 0, "文件", string.Create(CultureInfo.InvariantCulture,
                $"数据源“{Address}”的应答过大（超过 {maxResponseBytes} 字节），未保存任何数据"))])];
        }

        var pulled = await intake.StoreAsync(Name, request, fileName, "application/json", content, cancellationToken);
        Log.Pulled(logger, feed.Department, pulled.Outcome, pulled.UploadId, pulled.Errors.Count);
        return [pulled];
    }

    /// <summary>The status and, on success, the body (at most one byte past the limit, so an oversize body is seen without reading it all).</summary>
    private async Task<(HttpStatusCode Status, byte[]? Content)> FetchAsync(PullRequest request, CancellationToken cancellationToken)
    {
        var separator = feed.Url.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        using var message = new HttpRequestMessage(HttpMethod.Get,
            string.Create(CultureInfo.InvariantCulture, $"{feed.Url}{separator}year={request.Year}&period={request.Period.Code()}"));
        if (feed.Key.Length > 0)
            message.Headers.TryAddWithoutValidation(ApiKeyHeader, feed.Key);
        try
        {
            using var client = clients.CreateClient(clientName);
            using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (IsTransient(response.StatusCode))
                throw Unavailable(request, string.Create(CultureInfo.InvariantCulture, $"{Again}返回 {(int)response.StatusCode} {response.ReasonPhrase}"));
            if (!response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.NoContent)
                return (response.StatusCode, null);

            // The body gets its own time-out: the handler's covers each attempt until the headers.
            using var bodyTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bodyTimeout.CancelAfter(feed.Timeout);
            await using var body = await response.Content.ReadAsStreamAsync(bodyTimeout.Token);
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(chunk, bodyTimeout.Token)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > maxResponseBytes)
                    break;
            }
            return (response.StatusCode, buffer.ToArray());
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested
            && ex is HttpRequestException or TimeoutRejectedException or OperationCanceledException or IOException)
        {
            throw Unavailable(request, ex switch
            {
                TimeoutRejectedException or OperationCanceledException => string.Create(CultureInfo.InvariantCulture,
                    $"{Again}超时（每次 {feed.Timeout.TotalSeconds:0.###} 秒）"),
                HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } => $"{Again}无法连接（{ex.Message}）",
                _ => $"{Again}失败（{ex.Message}）",
            }, ex);
        }
    }

    /// <summary>How a failure after the retries begins: <c>重试 3 次后仍</c>.</summary>
    private string Again => feed.Retries > 0 ? string.Create(CultureInfo.InvariantCulture, $"重试 {feed.Retries} 次后仍") : "";

    /// <summary>The statuses the resilience handler retries; still one of them afterwards means the feed is down.</summary>
    private static bool IsTransient(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    private SourceUnavailableException Unavailable(PullRequest request, string why, Exception? inner = null)
    {
        Log.Unavailable(logger, feed.Department, Address, why);
        return new SourceUnavailableException(Name,
            $"主管部门“{request.Department}”的实际完成值数据源“{Address}”暂不可用：{why}", inner);
    }

    private string Refusal(HttpStatusCode status, PullRequest request) => status switch
    {
        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => string.Create(CultureInfo.InvariantCulture,
            $"数据源“{Address}”拒绝了密钥（{(int)status} {status}）：请检查配置 BudgetEvaluation:Sources:HttpFeeds 中主管部门“{feed.Department}”的 Key，未保存任何数据"),
        HttpStatusCode.NotFound => string.Create(CultureInfo.InvariantCulture,
            $"数据源“{Address}”没有 {request.Year} 年度{request.Period.Chinese()}的数据（404），未保存任何数据"),
        _ => string.Create(CultureInfo.InvariantCulture, $"数据源“{Address}”拒绝了请求（{(int)status} {status}），未保存任何数据"),
    };

    private static partial class Log
    {
        [LoggerMessage(1511, LogLevel.Information, "HTTP feed of {Department}: {Outcome}, upload {UploadId}, {Errors} errors")]
        public static partial void Pulled(ILogger logger, string department, string outcome, long? uploadId, int errors);

        [LoggerMessage(1512, LogLevel.Warning, "HTTP feed of {Department} at {Address} unavailable: {Reason}")]
        public static partial void Unavailable(ILogger logger, string department, string address, string reason);

        [LoggerMessage(1513, LogLevel.Warning, "HTTP feed of {Department} refused the request with status {Status}")]
        public static partial void Refused(ILogger logger, string department, int status);
    }
}
