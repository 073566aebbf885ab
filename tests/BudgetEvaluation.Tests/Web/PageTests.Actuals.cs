using System.Net;
using System.Text;
using BudgetEvaluation.Core.Actuals;
using BudgetEvaluation.Tests.Infrastructure;

namespace BudgetEvaluation.Tests.Web;

/// <summary>The actuals pages over plain HTTP (as a browser without script): template, uploads refused, 偏差原因 form.</summary>
public partial class PageTests
{
    [Fact]
    public async Task Template_Department_HasOnlyItsOwnProjectsEvenWhenAnotherIsAskedFor()
    {
        using var client = await PageClient.SignInAsync(service.BaseAddress, service.OtherDepartmentKey);

        var response = await client.Http.GetAsync("/actuals/template?year=2026&period=mid-year&format=csv&dept=" + Uri.EscapeDataString(ServiceFixture.Department));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("绩效运行监控实际完成值填报模板_2026_南通市财政局.csv", response.Content.Headers.ContentDisposition?.FileNameStar);
        var (rows, errors) = ActualsFile.Read(await response.Content.ReadAsStreamAsync(), "template.csv");
        Assert.Empty(errors);
        Assert.Equal(["科技创新体系建设专项", "高新技术发展专项", "产学研合作交流专项"], rows.Select(r => r.Project).Distinct());
        Assert.All(rows, r => Assert.Equal("南通市财政局", r.Department));
    }

    [Fact]
    public async Task Upload_WithoutScript_RejectedFileListsEveryErrorByRowAndFieldAndStoresNothing()
    {
        using var client = await PageClient.SignInAsync(service.BaseAddress, service.DepartmentKey);
        var before = await Database.ScalarAsync<long>(service.ConnectionString, "SELECT count(*) FROM actuals_uploads");
        const string csv = "项目名称,三级指标,实际完成值\n“通创荟”和科技招商经费专项,招引科创项目数,很多\n不存在的项目,招引科创项目数,1个\n";

        var (response, page) = await client.PostMultipartAsync("/actuals?year=2026&period=year-end", ActualsFiles.Form(csv, "科技局.csv"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("文件“科技局.csv”有 2 处错误，未保存任何数据。请按下表逐行改正后重新上传。", page.QuerySelector("#upload-rejected")!.TextContent);
        Assert.Equal(["第 2 行", "第 3 行"], page.Texts("#upload-errors .error-line"));
        Assert.Equal(["实际完成值", "项目名称"], page.Texts("#upload-errors .error-field"));
        Assert.Equal(["科技局.csv", "科技局.csv"], page.Texts("#upload-errors tbody td:nth-child(2)"));
        Assert.Equal("项目““通创荟”和科技招商经费专项”指标“招引科创项目数”：应为数值（目标为“≥1800个”），实际为“很多”", page.Texts("#upload-errors .error-message")[0]);
        Assert.StartsWith("没有名为“不存在的项目”的项目；最接近的是：", page.Texts("#upload-errors .error-message")[1], StringComparison.Ordinal);
        Assert.Equal(before, await Database.ScalarAsync<long>(service.ConnectionString, "SELECT count(*) FROM actuals_uploads"));
    }

    [Fact]
    public async Task Upload_AnotherDepartmentsProject_Is403WithTheRowAndAudited()
    {
        using var client = await PageClient.SignInAsync(service.BaseAddress, service.OtherDepartmentKey);
        const string csv = "项目名称,三级指标,实际完成值\n“通创荟”和科技招商经费专项,招引科创项目数,1700个\n";

        var (response, page) = await client.PostMultipartAsync("/actuals?year=2026&period=year-end", ActualsFiles.Form(csv, "越权.csv"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(["第 2 行"], page.Texts("#upload-errors .error-line"));
        Assert.Equal("项目““通创荟”和科技招商经费专项”不属于您的主管部门（南通市财政局），只能填报本部门的项目", page.Texts("#upload-errors .error-message").Single());
        Assert.Equal(1, await Database.ScalarAsync<long>(service.ConnectionString,
            "SELECT count(*) FROM audit_log WHERE action = 'request.refused' AND outcome = 'forbidden' AND department = '南通市财政局' AND details::text LIKE '%越权.csv%'"));
    }

    [Fact]
    public async Task Upload_Auditor_Is403()
    {
        using var client = await PageClient.SignInAsync(service.BaseAddress, service.AuditorKey);

        var (response, page) = await client.PostMultipartAsync("/actuals?year=2026&period=year-end", ActualsFiles.Form("项目名称,三级指标,实际完成值\n", "a.csv"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("无权上传", page.QuerySelector(".refusal h1")!.TextContent);
    }

    [Fact]
    public async Task Upload_WithoutAntiforgeryToken_Is400()
    {
        using var client = await PageClient.SignInAsync(service.BaseAddress, service.DepartmentKey);

        var (response, _) = await client.PostMultipartAsync("/actuals?year=2026&period=year-end", ActualsFiles.Form("项目名称,三级指标,实际完成值\n", "a.csv"), withToken: false);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task UploadPage_ScriptIsServedByTheServiceAndNothingIsInline()
    {
        using var client = await PageClient.SignInAsync(service.BaseAddress, service.DepartmentKey);

        var (response, page) = await client.GetAsync("/actuals?year=2026&period=year-end");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var script = Assert.Single(page.QuerySelectorAll("script"));
        Assert.StartsWith("/assets/upload.js?v=", script.GetAttribute("src"), StringComparison.Ordinal);
        Assert.Equal("multipart/form-data", page.QuerySelector("form[data-upload]")!.GetAttribute("enctype"));
        var js = await client.Http.GetAsync(script.GetAttribute("src"));
        Assert.Equal("text/javascript", js.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Reasons_Department_OffersItsNotMetIndicatorsWithTheCurrentReason()
    {
        using var client = await PageClient.SignInAsync(service.BaseAddress, service.DepartmentKey);

        var (_, page) = await client.GetAsync("/reasons?year=2026&period=year-end");

        var line = page.QuerySelectorAll("#reasons tbody tr").Single(r => r.TextContent.Contains("招引科创项目数", StringComparison.Ordinal));
        Assert.Equal("部分达成", line.QuerySelector(".result")!.TextContent);
        // The year-end fixture's 偏差原因 for this row, as uploaded.
        Assert.Equal("受宏观环境影响，部分项目签约推迟至次年", line.QuerySelector("textarea")!.TextContent);
        Assert.DoesNotContain(page.QuerySelectorAll("#reasons tbody tr"), r => r.TextContent.Contains("科技创新体系建设专项", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reasons_TooLong_AreRefusedWithTheTextKeptAndNothingStored()
    {
        using var client = await PageClient.SignInAsync(service.BaseAddress, service.DepartmentKey);
        var (_, form) = await client.GetAsync("/reasons?year=2026&period=year-end");
        var fields = form.QuerySelectorAll(".reasons-form input[name], .reasons-form textarea[name]")
            .ToDictionary(e => e.GetAttribute("name")!, e => e.GetAttribute("value") ?? e.TextContent);
        var tooLong = new string('长', 2001);
        fields["Notes[0].Deviation"] = tooLong;
        var before = await Database.ScalarAsync<long>(service.ConnectionString, "SELECT count(*) FROM actuals_uploads");

        var response = await client.PostFormAsync("/reasons?year=2026&period=year-end", fields);
        var page = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.EndsWith("偏差原因有 2001 个字符，超过上限 2000 个字符", page.Texts("#reasons-too-long li").Single(), StringComparison.Ordinal);
        Assert.Equal(tooLong, page.QuerySelector("textarea[name='Notes[0].Deviation']")!.TextContent);
        Assert.Equal(before, await Database.ScalarAsync<long>(service.ConnectionString, "SELECT count(*) FROM actuals_uploads"));
    }

    [Fact]
    public async Task Reasons_MidYear_OffersReportedIndicatorsWithTheTemplatesChoices()
    {
        using var client = await PageClient.SignInAsync(service.BaseAddress, service.FinanceKey);

        var (_, page) = await client.GetAsync("/reasons?year=2026&period=mid-year");

        // Indicators left 未填报 need their values uploaded, not a reason: none is offered.
        Assert.DoesNotContain("未填报", page.Texts("#reasons tbody td:nth-child(3)"));
        Assert.NotEmpty(page.Texts("#reasons tbody td:nth-child(3)"));
        var row = page.QuerySelector("#reasons tbody tr")!;
        Assert.Equal(["（未选）", "经费保障", "制度保障", "人员保障", "硬件条件保障", "其他"], row.QuerySelectorAll("select[name$='.DeviationType'] option").Select(o => o.TextContent).ToList());
        Assert.Equal(["（未选）", "确定能", "有可能", "完全不可能"], row.QuerySelectorAll("select[name$='.Likelihood'] option").Select(o => o.TextContent).ToList());
    }

    [Fact]
    public async Task Reasons_Auditor_SeesNoSaveButtonAndAPostIs403()
    {
        using var client = await PageClient.SignInAsync(service.BaseAddress, service.AuditorKey);

        var (_, page) = await client.GetAsync("/reasons?year=2026&period=year-end");
        var response = await client.PostFormAsync("/reasons?year=2026&period=year-end", new()
        {
            ["Notes[0].ProjectId"] = service.Projects["物业管理费"].ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Notes[0].Path"] = "产出指标/时效指标/物业服务完成及时性",
            ["Notes[0].Deviation"] = "审计不能写",
        });

        Assert.NotEmpty(page.QuerySelectorAll("#reasons tbody tr"));
        Assert.Null(page.QuerySelector("#reasons ~ .actions button, .reasons-form button[type=submit]"));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(0, await Database.ScalarAsync<long>(service.ConnectionString, "SELECT count(*) FROM actual_rows WHERE deviation_reason = '审计不能写'"));
    }
}
