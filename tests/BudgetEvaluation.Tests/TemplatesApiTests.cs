using System.Net;
using BudgetEvaluation.Tests.Infrastructure;
using ClosedXML.Excel;

namespace BudgetEvaluation.Tests;

/// <summary>GET /api/templates: the fill-in table, scoped to the caller's department, read back by the upload.</summary>
public class TemplatesApiTests(ActualsFixture service) : IClassFixture<ActualsFixture>
{
    private const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    [Fact]
    public async Task Template_FinanceWholeYear_HasTheSpendingRowAndEveryIndicatorOfEachProject()
    {
        using var client = service.Client(service.FinanceKey);

        var response = await client.GetAsync("/api/templates?year=2026&period=year-end");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(XlsxType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("绩效自评实际完成值填报模板_2026.xlsx", response.Content.Headers.ContentDisposition?.FileNameStar);
        using var workbook = new XLWorkbook(new MemoryStream(await response.Content.ReadAsByteArrayAsync()));
        var sheet = workbook.Worksheet("绩效自评实际完成值");
        Assert.Equal(["年度", "主管部门", "项目名称", "一级指标", "二级指标", "三级指标", "全年指标值", "实际完成值", "偏差原因分析及改进措施"],
            sheet.Row(1).CellsUsed().Select(c => c.GetString()));
        // The year-end fixture's 179 rows (each project's spending row and its indicators) plus what it leaves out:
        // the twelve 预算执行率 rows and 科研机构建设专项's 省市项目立项数.
        Assert.Equal(1 + 192, sheet.RowsUsed().Count());
        Assert.Equal(["2026", "南通市科学技术局", "“通创荟”和科技招商经费专项", "项目资金", "", "执行数", "全年预算数 135万元"],
            Enumerable.Range(1, 7).Select(c => sheet.Cell(2, c).GetString()));
    }

    [Fact]
    public async Task Template_Department_GetsOnlyItsOwnProjects()
    {
        using var client = service.Client(service.OtherDepartmentKey);

        var response = await client.GetAsync("/api/templates?year=2027&period=mid-year");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("绩效运行监控实际完成值填报模板_2027_南通市财政局.xlsx", response.Content.Headers.ContentDisposition?.FileNameStar);
        using var workbook = new XLWorkbook(new MemoryStream(await response.Content.ReadAsByteArrayAsync()));
        var sheet = workbook.Worksheet("绩效运行监控实际完成值");
        Assert.Equal(["年度", "主管部门", "项目名称", "一级指标", "二级指标", "三级指标", "半年指标值", "实际完成值", "偏差原因分析及改进措施", "偏差原因类型", "完成目标可能性"],
            sheet.Row(1).CellsUsed().Select(c => c.GetString()));
        // “通创荟”: the spending row and its 15 indicators.
        var rows = sheet.RowsUsed().Skip(1).ToList();
        Assert.Equal(16, rows.Count);
        Assert.All(rows, r => Assert.Equal("“通创荟”和科技招商经费专项", r.Cell(3).GetString()));
    }

    [Fact]
    public async Task Template_DepartmentNamingAnotherDepartment_Is403()
    {
        using var client = service.Client(service.OtherDepartmentKey);

        var response = await client.GetAsync("/api/templates?year=2027&period=year-end&department=南通市科学技术局");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("主管部门“南通市科学技术局”不是您的主管部门（南通市财政局）", (string?)(await Json.ReadAsync(response))["detail"]);
    }

    [Fact]
    public async Task Template_UnknownDepartment_Is404()
    {
        using var client = service.Client(service.AuditorKey);

        var response = await client.GetAsync("/api/templates?year=2026&period=year-end&department=南通市教育局");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("没有主管部门“南通市教育局”的项目", (string?)(await Json.ReadAsync(response))["detail"]);
    }

    [Fact]
    public async Task Template_Csv_IsTheSameTableAsCsv()
    {
        using var client = service.Client(service.OtherDepartmentKey);

        var response = await client.GetAsync("/api/templates?year=2027&period=year-end&format=csv");

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).TrimEnd().Split('\n');
        Assert.Equal("年度,主管部门,项目名称,一级指标,二级指标,三级指标,全年指标值,实际完成值,偏差原因分析及改进措施", lines[0].Trim('\uFEFF', '\r'));
        Assert.Equal(17, lines.Length);
    }

    [Fact]
    public async Task Template_FilledIn_UploadsBackAsXlsx()
    {
        using var client = service.Client(service.OtherDepartmentKey);
        var template = await client.GetByteArrayAsync("/api/templates?year=2027&period=year-end");
        using var filled = new MemoryStream();
        using (var workbook = new XLWorkbook(new MemoryStream(template)))
        {
            var sheet = workbook.Worksheet(1);
            foreach (var row in sheet.RowsUsed().Skip(1))
            {
                if (row.Cell(6).GetString() == "执行数")
                    row.Cell(8).SetValue("130");
                if (row.Cell(6).GetString() == "招引科创项目数")
                    row.Cell(8).SetValue("1700个");
            }
            workbook.SaveAs(filled);
        }

        var response = await client.PostAsync("/api/actuals?year=2027&period=year-end",
            ActualsFiles.Form(filled.ToArray(), "filled.xlsx", XlsxType));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var coverage = Assert.Single((await Json.ReadAsync(response))["coverage"]!.AsArray())!;
        // Every template row is kept (16); reported: 招引科创项目数 and 预算执行率 (from the spending row).
        Assert.Equal(16, (int?)coverage["rows"]);
        Assert.Equal(2, (int?)coverage["reported"]);
        Assert.Equal(13, (int?)coverage["missing"]);
    }
}
