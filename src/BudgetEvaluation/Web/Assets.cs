using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using BudgetEvaluation.Core.Reports;
using Microsoft.Net.Http.Headers;

namespace BudgetEvaluation.Web;

/// <summary>
/// The pages' styles and images, embedded in the executable and served from <c>/assets</c>, so the service needs no
/// CDN and no files beside it. URLs carry a content hash, so browsers may keep them for a year.
/// </summary>
public static class Assets
{
    private sealed record Asset(byte[] Content, string ContentType, string Hash);

    private static readonly FrozenDictionary<string, Asset> All = Load();

    /// <summary>The URL of an asset, versioned by its content.</summary>
    public static string Url(string name) =>
        All.TryGetValue(name, out var asset)
            ? $"/assets/{name}?v={asset.Hash}"
            : throw new ArgumentException($"no embedded asset {name}", nameof(name));

    public static IEndpointConventionBuilder MapAssets(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/assets/{name}", (string name, HttpContext context) =>
        {
            if (!All.TryGetValue(name, out var asset))
                return Results.NotFound();
            var etag = new EntityTagHeaderValue($"\"{asset.Hash}\"");
            context.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
            context.Response.Headers.ETag = etag.ToString();
            if (context.Request.Headers.IfNoneMatch.ToString() == etag.ToString())
                return Results.StatusCode(StatusCodes.Status304NotModified);
            return Results.Bytes(asset.Content, asset.ContentType);
        }).AllowAnonymous().ExcludeFromDescription();

    private static FrozenDictionary<string, Asset> Load()
    {
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        var assembly = typeof(Assets).Assembly;
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("assets/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var name = resource["assets/".Length..];
            assets[name] = Create(buffer.ToArray(), name);
        }
        // The official tables' styles come from the report itself, so the pages and the report never drift apart.
        assets["report.css"] = Create(Encoding.UTF8.GetBytes(HtmlReport.Styles), "report.css");
        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static Asset Create(byte[] content, string name) =>
        new(content, ContentType(name), Convert.ToHexStringLower(SHA256.HashData(content))[..16]);

    private static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".css" => "text/css; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        ".woff2" => "font/woff2",
        _ => "application/octet-stream",
    };
}
