namespace BudgetEvaluation.Api;

/// <summary>A file sent to the API, either as the one file of a multipart form or as the raw request body.</summary>
public sealed record Upload(string FileName, string? ContentType, byte[] Content)
{
    private static readonly Dictionary<string, string> Extensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ["text/plain"] = ".txt",
        ["text/tab-separated-values"] = ".tsv",
        ["text/csv"] = ".csv",
        ["application/json"] = ".json",
        ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"] = ".xlsx",
    };

    /// <summary>Content types a file may be sent with as the raw request body.</summary>
    public static readonly string[] RawContentTypes =
    [
        "text/plain", "text/tab-separated-values", "text/csv", "application/json",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/octet-stream",
    ];

    /// <summary>
    /// Reads the file. A raw body takes its name from <c>?fileName=</c>, else <paramref name="defaultName"/> with the
    /// extension of its content type. Size is limited by the server (413 beyond the limit).
    /// </summary>
    public static async Task<(Upload? Upload, string? Error)> ReadAsync(HttpRequest request, string defaultName, CancellationToken cancellationToken)
    {
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(cancellationToken);
            if (form.Files.Count == 0)
                return (null, "请求中没有文件：请用 multipart/form-data 的 file 字段上传，或直接把文件作为请求体发送");
            if (form.Files.Count > 1)
                return (null, $"一次只能上传一个文件，请求中有 {form.Files.Count} 个");
            var file = form.Files[0];
            using var buffer = new MemoryStream();
            await file.CopyToAsync(buffer, cancellationToken);
            if (buffer.Length == 0)
                return (null, $"文件“{file.FileName}”是空的");
            return (new Upload(SafeFileName(file.FileName, file.ContentType, defaultName), file.ContentType, buffer.ToArray()), null);
        }
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, cancellationToken);
        if (body.Length == 0)
            return (null, "请求体为空：请上传文件");
        return (new Upload(SafeFileName(request.Query["fileName"], request.ContentType, defaultName), request.ContentType, body.ToArray()), null);
    }

    /// <summary>The bare file name (no folders, no characters a file system refuses), with an extension.</summary>
    public static string SafeFileName(string? name, string? contentType, string defaultName)
    {
        var bare = Path.GetFileName((name ?? "").Replace('\\', '/'));
        bare = new string(bare.Where(c => !char.IsControl(c) && c is not ('/' or ':' or '*' or '?' or '"' or '<' or '>' or '|')).ToArray()).Trim().Trim('.');
        if (bare.Length > 120)
            bare = bare[^120..];
        if (bare.Length == 0)
            bare = defaultName;
        if (Path.GetExtension(bare).Length == 0)
        {
            var mediaType = (contentType ?? "").Split(';')[0].Trim();
            bare += Extensions.GetValueOrDefault(mediaType, ".txt");
        }
        return bare;
    }
}
