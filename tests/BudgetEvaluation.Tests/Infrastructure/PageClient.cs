using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace BudgetEvaluation.Tests.Infrastructure;

/// <summary>A browser without a browser: cookies, form posts with the page's antiforgery token, HTML parsed by AngleSharp; no redirects followed.</summary>
public sealed class PageClient : IDisposable
{
    private static readonly HtmlParser Parser = new();

    public CookieContainer Cookies { get; } = new();

    public HttpClient Http { get; }

    public PageClient(Uri baseAddress) =>
        Http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false }) { BaseAddress = baseAddress };

    /// <summary>A client signed in with <paramref name="key"/>.</summary>
    public static async Task<PageClient> SignInAsync(Uri baseAddress, string key)
    {
        var client = new PageClient(baseAddress);
        var response = await client.PostFormAsync("/signin", new() { ["Key"] = key });
        if (response.StatusCode != HttpStatusCode.Redirect)
            throw new InvalidOperationException($"sign-in answered {(int)response.StatusCode}");
        return client;
    }

    public async Task<(HttpResponseMessage Response, IDocument Document)> GetAsync(string path)
    {
        var response = await Http.GetAsync(path);
        return (response, Parser.ParseDocument(await response.Content.ReadAsStringAsync()));
    }

    /// <summary>Posts a form the way the page does: first reads the page for its antiforgery token.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string path, Dictionary<string, string> fields, bool withToken = true)
    {
        if (withToken)
        {
            var (_, page) = await GetAsync(path);
            fields["__antiforgery"] = page.QuerySelector("input[name=__antiforgery]")?.GetAttribute("value")
                ?? throw new InvalidOperationException($"{path} has no antiforgery field");
        }
        return await Http.PostAsync(path, new FormUrlEncodedContent(fields));
    }

    /// <summary>Posts a multipart form (a file upload) with the antiforgery token of the page at <paramref name="path"/>.</summary>
    public async Task<(HttpResponseMessage Response, IDocument Document)> PostMultipartAsync(string path, MultipartFormDataContent content, bool withToken = true)
    {
        if (withToken)
        {
            var (_, page) = await GetAsync(path);
            content.Add(new StringContent(page.QuerySelector("input[name=__antiforgery]")?.GetAttribute("value")
                ?? throw new InvalidOperationException($"{path} has no antiforgery field")), "__antiforgery");
        }
        var response = await Http.PostAsync(path, content);
        return (response, Parser.ParseDocument(await response.Content.ReadAsStringAsync()));
    }

    public void Dispose() => Http.Dispose();
}

public static class DocumentExtensions
{
    /// <summary>The trimmed text of every element matching <paramref name="selector"/>.</summary>
    public static List<string> Texts(this IDocument document, string selector) =>
        document.QuerySelectorAll(selector).Select(e => e.TextContent.Trim()).ToList();
}
