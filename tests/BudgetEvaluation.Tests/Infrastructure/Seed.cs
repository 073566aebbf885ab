using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace BudgetEvaluation.Tests.Infrastructure;

/// <summary>The seed's twelve target tables, optionally moved to another fiscal year so tests sharing a database stay apart.</summary>
public static class Seed
{
    public const string FileName = "000_39cb5bcb496eb896.txt";

    public static string Path => System.IO.Path.Combine(AppContext.BaseDirectory, "seeds", FileName);

    public static string Text(int year = 2026) =>
        File.ReadAllText(Path).Replace("2026年度", year.ToString(CultureInfo.InvariantCulture) + "年度", StringComparison.Ordinal);

    /// <summary>A multipart form with the text as its one file.</summary>
    public static MultipartFormDataContent Form(string text, string fileName = FileName)
    {
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" };
        return new MultipartFormDataContent { { file, "file", fileName } };
    }
}
