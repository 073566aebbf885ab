using System.Globalization;
using System.Net;
using System.Text;
using BudgetEvaluation.Tests.Infrastructure;

namespace BudgetEvaluation.Tests;

/// <summary>
/// The seed as 2026 (all twelve projects 南通市科学技术局's), and as 2027 with its first project,
/// “通创荟”和科技招商经费专项, moved to 南通市财政局 so that department scope can be tried on uploads.
/// </summary>
public sealed class ActualsFixture : ServiceFixture
{
    public const string TongChuangHui = "“通创荟”和科技招商经费专项";

    protected override async Task LoadAsync()
    {
        using var client = Client(FinanceKey);
        (await client.PostAsync("/api/targets", Seed.Form(Seed.Text(2026)))).EnsureSuccessStatusCode();
        (await client.PostAsync("/api/targets", Seed.Form(SplitSeed(2027)))).EnsureSuccessStatusCode();
    }

    /// <summary>The seed with its first table under 南通市财政局.</summary>
    public static string SplitSeed(int year)
    {
        var text = Seed.Text(year);
        const string department = "主管部门\t" + Department;
        var at = text.IndexOf(department, StringComparison.Ordinal);
        return text[..at] + "主管部门\t" + OtherDepartment + text[(at + department.Length)..];
    }

    public async Task<long> ProjectIdAsync(int year, string name) =>
        await Database.ScalarAsync<long>(ConnectionString, "SELECT id FROM projects WHERE year = @year AND name = @name", new { year, name });
}

/// <summary>POST and GET /api/actuals: all-or-nothing uploads, versions, JSON rows, size limit and department scope.</summary>
public class ActualsApiTests(ActualsFixture service) : IClassFixture<ActualsFixture>
{
    private const string TongChuangHui = ActualsFixture.TongChuangHui;

    [Fact]
    public async Task Upload_YearEndFixture_StoresEveryRowAndSummarizesEachProject()
    {
        using var client = service.Client(service.FinanceKey);
        var bytes = ActualsFiles.Bytes(ActualsFiles.YearEndFile);

        var response = await client.PostAsync("/api/actuals?year=2026&period=year-end", ActualsFiles.Form(bytes, ActualsFiles.YearEndFile));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Json.ReadAsync(response);
        var id = (long)body["upload"]!["id"]!;
        Assert.Equal(179, (int?)body["rows"]);
        Assert.Equal(12, (int?)body["projects"]);
        // The fixture leaves out one indicator: 科研机构建设专项's 省市项目立项数.
        Assert.Equal(1, (int?)body["missing"]);
        var research = body["coverage"]!.AsArray().Single(c => (string?)c!["project"] == "科研机构建设专项")!;
        Assert.Equal("产出指标/质量指标/省市项目立项数", (string?)Assert.Single(research["missingIndicators"]!.AsArray()));
        Assert.Equal($"/api/actuals/uploads/{id}/file", (string?)body["download"]);
        var coverage = body["coverage"]!.AsArray().Single(c => (string?)c!["project"] == TongChuangHui)!;
        // 14 indicator rows and the spending row; 预算执行率 comes from the spending row.
        Assert.Equal(15, (int?)coverage["rows"]);
        Assert.Equal(15, (int?)coverage["indicators"]);
        Assert.Equal(15, (int?)coverage["reported"]);
        Assert.Equal(0, (int?)coverage["missing"]);
        Assert.True((bool?)coverage["spendingReported"]);
        Assert.Empty(body["projectsNotInUpload"]!.AsArray());
        Assert.Equal(179, await Database.ScalarAsync<long>(service.ConnectionString, "SELECT count(*) FROM actual_rows WHERE upload_id = @id", new { id }));
        Assert.Equal(bytes, await Database.ScalarAsync<byte[]>(service.ConnectionString, "SELECT content FROM actuals_uploads WHERE id = @id", new { id }));
        Assert.Equal(1, await Database.ScalarAsync<long>(service.ConnectionString,
            "SELECT count(*) FROM audit_log WHERE action = 'actuals.upload' AND outcome = 'succeeded' AND subject = @subject AND role = 'finance'",
            new { subject = $"actuals_upload:{id}" }));
    }

    [Fact]
    public async Task Upload_TwoBadRows_StoresNothingAndListsEveryErrorWithRowAndColumn()
    {
        using var client = service.Client(service.DepartmentKey);
        var bad = ActualsFiles.Text(ActualsFiles.YearEndFile)
            .Replace("招引科创项目数,1700个,", "招引科创项目数,很多,", StringComparison.Ordinal)
            .Replace("办公设备购置,产出指标,质量指标,设备购置验收合格率,", "办公设备购置,产出指标,质量指标,设备验收合格率,", StringComparison.Ordinal);
        var uploads = await Database.ScalarAsync<long>(service.ConnectionString, "SELECT count(*) FROM actuals_uploads");

        var response = await client.PostAsync("/api/actuals?year=2026&period=year-end", ActualsFiles.Form(bad, "bad.csv"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await Json.ReadAsync(response);
        Assert.Equal("实际完成值文件“bad.csv”有 2 个错误，未保存任何数据", (string?)problem["detail"]);
        var errors = problem["errors"]!.AsArray();
        Assert.Equal(2, errors.Count);
        Assert.Equal(("bad.csv", 12, "实际完成值"), ((string?)errors[0]!["file"], (int?)errors[0]!["line"], (string?)errors[0]!["field"]));
        Assert.Equal("项目““通创荟”和科技招商经费专项”指标“招引科创项目数”：应为数值（目标为“≥1800个”），实际为“很多”", (string?)errors[0]!["message"]);
        Assert.Equal(("bad.csv", 43, "三级指标"), ((string?)errors[1]!["file"], (int?)errors[1]!["line"], (string?)errors[1]!["field"]));
        Assert.StartsWith("项目“办公设备购置”没有三级指标“设备验收合格率”；最接近的是：“设备购置验收合格率”", (string?)errors[1]!["message"]);
        Assert.Equal(uploads, await Database.ScalarAsync<long>(service.ConnectionString, "SELECT count(*) FROM actuals_uploads"));
        Assert.Equal(0, await Database.ScalarAsync<long>(service.ConnectionString, "SELECT count(*) FROM actuals_uploads WHERE file_name = 'bad.csv'"));
        Assert.Equal(1, await Database.ScalarAsync<long>(service.ConnectionString,
            "SELECT count(*) FROM audit_log WHERE action = 'actuals.upload' AND outcome = 'rejected' AND subject = 'bad.csv' AND role = 'department'"));
    }

    [Fact]
    public async Task Upload_TwoVersions_KeepsBothAndTheSecondIsCurrent()
    {
        using var client = service.Client(service.DepartmentKey);
        var firstBytes = ActualsFiles.Bytes(ActualsFiles.MidYearFile);
        var first = await ActualsFiles.UploadAsync(client, 2026, "mid-year", ActualsFiles.Form(firstBytes, "first.csv"));
        var secondText = string.Join("\n", ActualsFiles.Text(ActualsFiles.MidYearFile).Split('\n')
            .Where((line, i) => i == 0 || line.StartsWith(TongChuangHui, StringComparison.Ordinal)))
            .Replace("招引科创项目数,850个,", "招引科创项目数,900个,", StringComparison.Ordinal);
        var second = await ActualsFiles.UploadAsync(client, 2026, "mid-year", ActualsFiles.Form(secondText, "second.csv"));
        var project = await service.ProjectIdAsync(2026, TongChuangHui);

        var view = await Json.ReadAsync(await client.GetAsync($"/api/actuals?year=2026&period=mid-year&project={project}"));
        var all = await Json.ReadAsync(await client.GetAsync("/api/actuals?year=2026&period=mid-year"));
        var original = await client.GetAsync($"/api/actuals/uploads/{first}/file");

        var current = Assert.Single(view["projects"]!.AsArray())!;
        Assert.Equal(second, (long?)current["uploadId"]);
        Assert.Equal("second.csv", (string?)current["fileName"]);
        var count = current["values"]!.AsArray().Single(v => (string?)v!["indicator"] == "产出指标/数量指标/招引科创项目数")!;
        Assert.Equal("900个", (string?)count["value"]);
        Assert.Equal([second, first], view["uploads"]!.AsArray().Select(u => (long)u!["id"]!).ToArray());
        // The second upload names only “通创荟”: every other project keeps the first upload's actuals.
        var property = all["projects"]!.AsArray().Single(p => (string?)p!["name"] == "物业管理费")!;
        Assert.Equal(first, (long?)property["uploadId"]);
        Assert.Equal(HttpStatusCode.OK, original.StatusCode);
        Assert.Equal(firstBytes, await original.Content.ReadAsByteArrayAsync());
        Assert.Equal("first.csv", original.Content.Headers.ContentDisposition?.FileNameStar);
    }

    [Fact]
    public async Task Upload_JsonRowsWithChineseAndCamelCaseNames_IsStoredLikeAFile()
    {
        using var client = service.Client(service.DepartmentKey);
        const string json = """
            [
              {"项目名称": "物业管理费", "一级指标": "项目资金", "三级指标": "执行数", "实际完成值": 20},
              {"project": "物业管理费", "category": "产出指标", "indicator": "物业服务面积", "value": "2600平方米", "deviation": "新增会议室"}
            ]
            """;

        // With a byte order mark, as Windows editors save it.
        var content = new ByteArrayContent([.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(json)]);
        content.Headers.ContentType = new("application/json");

        var response = await client.PostAsync("/api/actuals?year=2027&period=year-end", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Json.ReadAsync(response);
        var id = (long)body["upload"]!["id"]!;
        Assert.Equal("actuals.json", (string?)body["upload"]!["fileName"]);
        Assert.Equal(2, (int?)body["rows"]);
        var rows = await Database.QueryAsync<(int Line, string Path, string Value, string? Deviation)>(service.ConnectionString,
            "SELECT line, indicator_path, raw_value, deviation_reason FROM actual_rows WHERE upload_id = @id ORDER BY line", new { id });
        Assert.Equal([(1, "项目资金/执行数", "20", null), (2, "产出指标/数量指标/物业服务面积", "2600平方米", "新增会议室")], rows);
        Assert.Equal("application/json", await Database.ScalarAsync<string>(service.ConnectionString,
            "SELECT content_type FROM actuals_uploads WHERE id = @id", new { id }));
    }

    [Fact]
    public async Task Upload_JsonWithErrors_NamesEachRowByItsPositionInTheArray()
    {
        using var client = service.Client(service.FinanceKey);
        const string json = """
            [
              {"project": "物业管理费", "category": "项目资金", "indicator": "执行数", "value": "二十"},
              {"project": "物业管理费", "indicator": "物业服务面积", "valu": "2600平方米"},
              "物业管理费"
            ]
            """;

        var response = await client.PostAsync("/api/actuals?year=2027&period=year-end&fileName=feed.json", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await Json.ReadAsync(response))["errors"]!.AsArray().Select(e => (string)e!["text"]!).ToArray();
        Assert.Equal(
            [
                "feed.json 第1行 [实际完成值]：项目“物业管理费”执行数“二十”应为金额（万元），如“130”或“130万元”",
                "feed.json 第2行 [valu]：未知字段“valu”；可用字段：年度、主管部门、项目名称、一级指标、二级指标、三级指标、实际完成值、偏差原因分析及改进措施、偏差原因类型、完成目标可能性（或 year、department、project、category、subcategory、indicator、value、deviation、deviationType、likelihood）",
                "feed.json 第3行 [行]：第 3 个元素应为对象，实际为 String",
            ],
            errors);
        Assert.Equal(0, await Database.ScalarAsync<long>(service.ConnectionString, "SELECT count(*) FROM actuals_uploads WHERE file_name = 'feed.json'"));
    }

    [Fact]
    public async Task Upload_OverTheSizeLimit_Is413AndStoresNothing()
    {
        using var client = service.Client(service.FinanceKey);
        var tooLarge = new ByteArrayContent(new byte[ServiceFixture.MaxRequestBytes + 1]);
        tooLarge.Headers.ContentType = new("text/csv");

        var response = await client.PostAsync("/api/actuals?year=2026&period=year-end&fileName=huge.csv", tooLarge);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal($"请求体超过上限 {ServiceFixture.MaxRequestBytes} 字节", (string?)(await Json.ReadAsync(response))["detail"]);
        Assert.Equal(0, await Database.ScalarAsync<long>(service.ConnectionString, "SELECT count(*) FROM actuals_uploads WHERE file_name = 'huge.csv'"));
    }

    [Fact]
    public async Task Upload_DepartmentFileNamingAnotherDepartmentsProject_Is403AndStoresNothing()
    {
        // 2027: “通创荟” is 南通市财政局's; the file holds its 15 rows and the other eleven projects'.
        using var client = service.Client(service.DepartmentKey);

        var response = await client.PostAsync("/api/actuals?year=2027&period=year-end",
            ActualsFiles.Form(ActualsFiles.Bytes(ActualsFiles.YearEndFile), "mixed.csv"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var detail = (string?)(await Json.ReadAsync(response))["detail"];
        Assert.StartsWith("文件“mixed.csv”中有 15 行填报了其他主管部门的项目，未保存任何数据。" +
            "第2行：项目““通创荟”和科技招商经费专项”不属于您的主管部门（南通市科学技术局），只能填报本部门的项目；第3行：", detail);
        Assert.Equal(0, await Database.ScalarAsync<long>(service.ConnectionString, "SELECT count(*) FROM actuals_uploads WHERE file_name = 'mixed.csv'"));
        Assert.Equal(1, await Database.ScalarAsync<long>(service.ConnectionString,
            "SELECT count(*) FROM audit_log WHERE outcome = 'forbidden' AND department = '南通市科学技术局' AND subject = 'POST /api/actuals'"));
    }

    [Fact]
    public async Task Upload_EachDepartmentItsOwnProjects_IsAccepted()
    {
        var lines = ActualsFiles.Text(ActualsFiles.YearEndFile).Split('\n');
        var ownRows = string.Join("\n", lines.Where((line, i) => i == 0 || !line.StartsWith(TongChuangHui, StringComparison.Ordinal)));
        var otherRows = string.Join("\n", lines.Where((line, i) => i == 0 || line.StartsWith(TongChuangHui, StringComparison.Ordinal)));
        using var own = service.Client(service.DepartmentKey);
        using var other = service.Client(service.OtherDepartmentKey);

        var ownResponse = await Json.ReadAsync(await own.PostAsync("/api/actuals?year=2027&period=year-end", ActualsFiles.Form(ownRows, "own.csv")));
        var otherResponse = await Json.ReadAsync(await other.PostAsync("/api/actuals?year=2027&period=year-end", ActualsFiles.Form(otherRows, "other.csv")));
        var otherView = await Json.ReadAsync(await other.GetAsync("/api/actuals?year=2027&period=year-end"));

        Assert.Equal(11, (int?)ownResponse["projects"]);
        Assert.Equal(164, (int?)ownResponse["rows"]);
        Assert.Equal(1, (int?)otherResponse["projects"]);
        Assert.Equal(15, (int?)otherResponse["rows"]);
        Assert.Equal([TongChuangHui], otherView["projects"]!.AsArray().Select(p => (string)p!["name"]!).ToArray());
        Assert.All(otherView["uploads"]!.AsArray(), u => Assert.NotEqual("own.csv", (string?)u!["fileName"]));
    }

    [Fact]
    public async Task Download_FinanceUploadSpanningDepartments_IsRefusedToEachDepartment()
    {
        using var finance = service.Client(service.FinanceKey);
        var id = await ActualsFiles.UploadAsync(finance, 2027, "year-end", ActualsFiles.Form(ActualsFiles.Bytes(ActualsFiles.YearEndFile), "bureau.csv"));
        using var own = service.Client(service.DepartmentKey);
        using var other = service.Client(service.OtherDepartmentKey);
        using var auditor = service.Client(service.AuditorKey);

        var ownResponse = await own.GetAsync($"/api/actuals/uploads/{id}/file");
        var otherResponse = await other.GetAsync($"/api/actuals/uploads/{id}/file");
        var auditorResponse = await auditor.GetAsync($"/api/actuals/uploads/{id}/file");

        Assert.Equal(HttpStatusCode.Forbidden, ownResponse.StatusCode);
        Assert.Equal($"上传 {id} 含有其他主管部门的数据，您的主管部门（南通市科学技术局）无权下载", (string?)(await Json.ReadAsync(ownResponse))["detail"]);
        Assert.Equal(HttpStatusCode.Forbidden, otherResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, auditorResponse.StatusCode);
        Assert.Equal(ActualsFiles.Bytes(ActualsFiles.YearEndFile), await auditorResponse.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("/api/actuals?year=2031&period=year-end", "2031 年度没有任何项目：请先导入目标表（POST /api/targets）")]
    [InlineData("/api/actuals?period=year-end", "缺少参数 year（年度，例如 2026）")]
    [InlineData("/api/actuals?year=2026", "缺少参数 period：mid-year（绩效运行监控）或 year-end（绩效自评）")]
    public async Task Upload_BadParameters_Is400(string path, string detail)
    {
        using var client = service.Client(service.FinanceKey);

        var response = await client.PostAsync(path, ActualsFiles.Form(ActualsFiles.Bytes(ActualsFiles.YearEndFile), "params.csv"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(detail, (string?)(await Json.ReadAsync(response))["detail"]);
    }

    [Fact]
    public async Task Upload_DepartmentWithoutProjectsThatYear_Is400()
    {
        // 2026 has no project of 南通市财政局, and the row names none of another department either.
        using var client = service.Client(service.OtherDepartmentKey);

        var response = await client.PostAsync("/api/actuals?year=2026&period=year-end",
            ActualsFiles.Form("项目名称,一级指标,三级指标,实际完成值\n财政专项,项目资金,执行数,10\n", "none.csv"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("2026 年度没有您主管部门（南通市财政局）的项目", (string?)(await Json.ReadAsync(response))["detail"]);
    }

    [Fact]
    public async Task GetActuals_UnknownUpload_Is404()
    {
        using var client = service.Client(service.FinanceKey);

        var response = await client.GetAsync("/api/actuals/uploads/999999/file");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("上传 999999 不存在", (string?)(await Json.ReadAsync(response))["detail"]);
    }

    [Fact]
    public async Task GetProject_CurrentRules_CarryTheTargetReviewFindings()
    {
        using var client = service.Client(service.DepartmentKey);
        var project = await service.ProjectIdAsync(2026, TongChuangHui);

        var detail = await Json.ReadAsync(await client.GetAsync($"/api/projects/{project}"));

        var findings = detail["findings"]!.AsArray()
            .Select(f => ((string?)f!["severity"], (string?)f["rule"], (string?)f["check"]))
            .ToArray();
        Assert.Equal(
            [
                ("警告", "产出指标/时效指标/科创大赛省赛和国赛获奖数", "zero-positive-target"),
                ("提示", "效益指标/社会效益/对落实创新驱动发展战略的推动程度", "qualitative-only"),
                ("提示", "满意度指标", "no-satisfaction-indicator"),
            ],
            findings);
        Assert.Equal(2026, (int?)detail["findings"]![0]!["year"]);
        Assert.Equal(TongChuangHui, (string?)detail["findings"]![0]!["project"]);
    }
}
