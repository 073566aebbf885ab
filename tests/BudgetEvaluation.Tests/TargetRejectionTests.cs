using System.Net;
using System.Text;
using BudgetEvaluation.Tests.Infrastructure;

namespace BudgetEvaluation.Tests;

/// <summary>Imports that must store nothing; the class's database never receives a good file.</summary>
public class TargetRejectionTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task PostTargets_OneBadTable_StoresNothingAndListsTheError()
    {
        using var client = service.Client(service.FinanceKey);
        // The second table's 资金总额 written in words.
        var bad = Seed.Text().Replace("\t\t资金总额\t\t19.53\t", "\t\t资金总额\t\t十九万\t", StringComparison.Ordinal);

        var response = await client.PostAsync("/api/targets", Seed.Form(bad, "bad.txt"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await Json.ReadAsync(response);
        Assert.Equal("目标表文件“bad.txt”有 1 个错误，未导入任何项目", (string?)problem["detail"]);
        var error = Assert.Single(problem["errors"]!.AsArray())!;
        Assert.Equal("bad.txt", (string?)error["file"]);
        Assert.Equal(63, (int?)error["line"]);
        Assert.Equal("资金总额", (string?)error["field"]);
        Assert.Equal("bad.txt 第63行 [资金总额]：项目“物业管理费”：金额“十九万”不是数字", (string?)error["text"]);
        Assert.Equal(0, await Database.ScalarAsync<long>(service.ConnectionString, "SELECT count(*) FROM projects"));
        Assert.Equal(0, await Database.ScalarAsync<long>(service.ConnectionString, "SELECT count(*) FROM rule_sets"));
        Assert.Equal(0, await Database.ScalarAsync<long>(service.ConnectionString, "SELECT count(*) FROM fiscal_years"));
        Assert.Equal(1, await Database.ScalarAsync<long>(service.ConnectionString,
            "SELECT count(*) FROM audit_log WHERE action = 'targets.import' AND outcome = 'rejected' AND subject = 'bad.txt'"));
    }

    [Fact]
    public async Task PostTargets_UnsupportedFileType_Is400NamingTheExtension()
    {
        using var client = service.Client(service.FinanceKey);

        var response = await client.PostAsync("/api/targets", Seed.Form(Seed.Text(), "targets.pdf"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = Assert.Single((await Json.ReadAsync(response))["errors"]!.AsArray())!;
        Assert.Equal("targets.pdf [文件类型]：不支持的文件类型“.pdf”：请使用 .txt（目标表文本）、.csv 或 .xlsx", (string?)error["text"]);
        Assert.Equal(0, await Database.ScalarAsync<long>(service.ConnectionString, "SELECT count(*) FROM projects"));
    }

    [Fact]
    public async Task PostTargets_EmptyBody_Is400()
    {
        using var client = service.Client(service.FinanceKey);

        var response = await client.PostAsync("/api/targets", new StringContent("", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("请求体为空：请上传文件", (string?)(await Json.ReadAsync(response))["detail"]);
    }

    [Fact]
    public async Task PostTargets_OverTheSizeLimit_Is413WithChineseProblem()
    {
        using var client = service.Client(service.FinanceKey);
        var tooLarge = new ByteArrayContent(new byte[ServiceFixture.MaxRequestBytes + 1]);
        tooLarge.Headers.ContentType = new("text/plain");

        var response = await client.PostAsync("/api/targets?fileName=big.txt", tooLarge);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var problem = await Json.ReadAsync(response);
        Assert.Equal("请求体过大", (string?)problem["title"]);
        Assert.Equal($"请求体超过上限 {ServiceFixture.MaxRequestBytes} 字节", (string?)problem["detail"]);
        Assert.Equal(0, await Database.ScalarAsync<long>(service.ConnectionString, "SELECT count(*) FROM projects"));
    }
}
