using System.Net;
using Microsoft.AspNetCore.Diagnostics;

namespace BudgetEvaluation.Web;

/// <summary>Answers given before any page runs (bodiless errors, the rate limit), as small pages a person can read.</summary>
public static class StatusPages
{
    /// <summary>
    /// A bodiless error of a page (an expired form's antiforgery token, an unknown address) in Chinese; outside the
    /// pages nothing is written, so the service's problem details answer as before.
    /// </summary>
    public static async Task WriteAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        if (!SecurityHeaders.IsPage(http.Request.Path))
            return;
        var status = http.Response.StatusCode;
        var (title, message) = status switch
        {
            400 => ("请求无效", "表单已过期或内容无效，请返回上一页刷新后重试。"),
            404 => ("页面不存在", $"没有这个地址：{http.Request.Path}"),
            413 => ("文件过大", "上传的内容超过了服务允许的大小上限，请拆分文件后分批上传。"),
            405 => ("不支持的请求方法", $"地址 {http.Request.Path} 不支持 {http.Request.Method} 请求。"),
            _ => ($"出错了（{status}）", "请求未能完成，请稍后重试；如果问题持续，请联系管理员。"),
        };
        await WriteAsync(http, status, title, message, "/", "返回绩效看板");
    }

    /// <summary>Writes a page with one message and one link.</summary>
    public static Task WriteAsync(HttpContext http, int status, string title, string message, string link, string linkText)
    {
        http.Response.ContentType = "text/html; charset=utf-8";
        return http.Response.WriteAsync($"""
            <!DOCTYPE html>
            <html lang="zh-CN"><head><meta charset="utf-8"><title>{E(title)} · {WebText.Product}</title>
            <link rel="stylesheet" href="{E(Assets.Url("site.css"))}"></head>
            <body><main class="wrap page"><section class="refusal" role="alert">
            <p class="refusal-code">{status}</p><h1>{E(title)}</h1><p>{E(message)}</p>
            <p><a class="btn" href="{E(link)}">{E(linkText)}</a></p>
            </section></main></body></html>
            """, http.RequestAborted);
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
