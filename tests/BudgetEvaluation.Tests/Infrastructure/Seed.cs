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

    /// <summary>The departments of <see cref="ThreeDepartments"/>, four tables each in the seed's order.</summary>
    public static readonly string[] Departments = ["南通市科学技术局", "南通市财政局", "南通市工业和信息化局"];

    /// <summary>
    /// The seed with its twelve tables spread over three 主管部门: tables 1–4 stay with 南通市科学技术局 (“通创荟”, 物业管理费,
    /// 网络设备设施运行与维护费, 水电费补差), 5–8 go to 南通市财政局 (科创办推进专项, 办公设备购置, 科技创新双月例会专项,
    /// 科研机构建设专项), 9–12 to 南通市工业和信息化局 (引进国外智力专项, 科技创新体系建设专项, 高新技术发展专项, 产学研合作交流专项).
    /// </summary>
    public static string ThreeDepartments(int year)
    {
        var table = 0;
        return System.Text.RegularExpressions.Regex.Replace(Text(year), @"主管部门(\s*)南通市科学技术局",
            m => $"主管部门{m.Groups[1].Value}{Departments[table++ / 4]}");
    }

    /// <summary>A multipart form with the text as its one file.</summary>
    public static MultipartFormDataContent Form(string text, string fileName = FileName)
    {
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" };
        return new MultipartFormDataContent { { file, "file", fileName } };
    }
}
