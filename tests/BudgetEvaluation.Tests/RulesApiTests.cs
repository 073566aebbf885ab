using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using BudgetEvaluation.Tests.Infrastructure;

namespace BudgetEvaluation.Tests;

/// <summary>
/// The seed as 2026 (refusals are tried on its 办公设备购置) and as 2029 with the year-end fixture uploaded (the
/// accepted file is stored and scored there, apart from the refusals).
/// </summary>
public sealed class RulesFixture : ServiceFixture
{
    protected override async Task LoadAsync()
    {
        using var client = Client(FinanceKey);
        (await client.PostAsync("/api/targets", Seed.Form(Seed.Text(2026)))).EnsureSuccessStatusCode();
        (await client.PostAsync("/api/targets", Seed.Form(Seed.Text(2029)))).EnsureSuccessStatusCode();
        await ActualsFiles.UploadAsync(client, 2029, "year-end", ActualsFiles.Form(ActualsFiles.Bytes(ActualsFiles.YearEndFile), ActualsFiles.YearEndFile));
    }

    /// <summary>The project's version-1 rules file, as the seed import generated it.</summary>
    public async Task<string> SeedRulesAsync(int year, string project) =>
        await Database.ScalarAsync<string>(ConnectionString,
            "SELECT r.rules_text FROM rule_sets r JOIN projects p ON p.id = r.project_id WHERE p.year = @year AND p.name = @project AND r.version = 1",
            new { year, project });
}

/// <summary>POST /api/rules: a rules file from outside is checked (RuleSafety, shape, compile) before it is stored as a new version.</summary>
public class RulesApiTests(RulesFixture service) : IClassFixture<RulesFixture>
{
    private const string Project = "办公设备购置";
    private const string Rule = "产出指标/数量指标/设备购置采购数量";
    private const string OtherRule = "产出指标/质量指标/设备购置验收合格率";
    private const string FileName = "办公设备购置.json";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The seed rules file with the year-end rule of <see cref="Rule"/> changed.</summary>
    private async Task<string> ChangedAsync(int year, Action<JsonObject> change, Action<JsonObject>? changeAnother = null)
    {
        var root = JsonNode.Parse(await service.SeedRulesAsync(year, Project))!;
        var rules = root["workflows"]!.AsArray().Single(w => ((string)w!["WorkflowName"]!).EndsWith("/year-end", StringComparison.Ordinal))!["Rules"]!.AsArray();
        change(rules.Single(r => (string)r!["RuleName"]! == Rule)!.AsObject());
        changeAnother?.Invoke(rules.Single(r => (string)r!["RuleName"]! == OtherRule)!.AsObject());
        return root.ToJsonString(Indented) + "\n";
    }

    private static StringContent JsonBody(string text)
    {
        var content = new StringContent(text, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static MultipartFormDataContent Form(string text, string fileName = FileName)
    {
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return new MultipartFormDataContent { { file, "file", fileName } };
    }

    private Task<long> RuleSetsAsync() => Database.ScalarAsync<long>(service.ConnectionString, "SELECT count(*) FROM rule_sets");

    [Theory]
    // Reflection and dynamic invocation (the expression language allows GetType; the allow-list does not).
    [InlineData("\"\".GetType().Assembly != null", "不安全：不允许调用 string.GetType()：反射（读取类型、程序集或方法信息）不允许在规则中使用")]
    [InlineData("actual.GetType().Assembly.Location == \"\"", "不安全：不允许调用 ActualInput.GetType()：反射（读取类型、程序集或方法信息）不允许在规则中使用")]
    [InlineData("actual.GetType().GetMethod(\"ToString\").Invoke(actual, null) != null", "不安全：不允许使用 Type.GetMethod：反射（读取类型、程序集或方法信息）不允许在规则中使用")]
    [InlineData("Type.GetType(\"System.IO.File\") != null", "不安全：不允许使用 Type.GetType：反射（读取类型、程序集或方法信息）不允许在规则中使用")]
    // Files, processes, the environment, assembly loading, creating objects.
    [InlineData("System.IO.File.Exists(\"/etc/passwd\")", "不安全：不允许使用 System.IO.File.Exists：不允许读写文件或目录")]
    [InlineData("System.Diagnostics.Process.Start(\"sh\") != null", "不安全：不允许使用 System.Diagnostics.Process.Start：不允许访问进程、环境、程序集加载或动态创建对象")]
    [InlineData("Environment.GetEnvironmentVariable(\"PATH\") != null", "不安全：不允许使用 Environment.GetEnvironmentVariable：不允许访问进程、环境、程序集加载或动态创建对象")]
    [InlineData("Assembly.Load(\"System.IO\") != null", "不安全：不允许使用 Assembly.Load：不允许访问进程、环境、程序集加载或动态创建对象")]
    [InlineData("Activator.CreateInstance(null) != null", "不安全：不允许使用 Activator.CreateInstance：不允许访问进程、环境、程序集加载或动态创建对象")]
    [InlineData("new RuleContext().TimeProgress > 0", "不安全：不允许用 new 创建对象（RuleContext）")]
    // Denial of service and results that change from run to run.
    [InlineData("Enumerable.Range(0, int.MaxValue).Count() > 0", "不安全：不允许调用 Enumerable.Range()：不允许集合查询（LINQ）：可能耗尽内存或 CPU")]
    [InlineData("DateTime.Now.Ticks > 0", "不安全：不允许访问 DateTime.Now：结果随时间或随机变化，评分将无法复现")]
    public async Task Upload_ForbiddenExpression_Is400NamingFileWorkflowRuleAndMemberAndStoresNothing(string expression, string reason)
    {
        using var client = service.Client(service.FinanceKey);
        var file = await ChangedAsync(2026, rule => rule["Expression"] = expression);
        var before = await RuleSetsAsync();

        var response = await client.PostAsync("/api/rules", Form(file));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await Json.ReadAsync(response);
        Assert.Equal("规则文件“办公设备购置.json”有 1 个问题，未保存任何规则", (string?)problem["detail"]);
        var error = Assert.Single(problem["errors"]!.AsArray())!;
        Assert.Equal(FileName, (string?)error["file"]);
        Assert.Equal("2026/南通市科学技术局/办公设备购置/year-end", (string?)error["workflow"]);
        Assert.Equal(Rule, (string?)error["rule"]);
        Assert.StartsWith($"规则表达式“{expression}”{reason}", (string?)error["message"]);
        Assert.StartsWith($"办公设备购置.json: 工作流“2026/南通市科学技术局/办公设备购置/year-end” 规则“{Rule}”：规则表达式“{expression}”{reason}", (string?)error["text"]);
        Assert.Equal(before, await RuleSetsAsync());
        Assert.True(await Database.ScalarAsync<long>(service.ConnectionString,
            "SELECT count(*) FROM audit_log WHERE action = 'rules.upload' AND outcome = 'rejected' AND role = 'finance' AND details ->> 'first' LIKE @like",
            new { like = "%" + expression.Replace("%", "\\%", StringComparison.Ordinal) + "%" }) >= 1);
    }

    [Fact]
    public async Task Upload_ForbiddenOutputExpressionAndLocalParam_AreEachReportedAndNothingIsStored()
    {
        using var client = service.Client(service.FinanceKey);
        var file = await ChangedAsync(2026,
            rule => rule["Actions"]!["OnSuccess"]!["Context"]!["Expression"] = "Environment.ProcessorCount",
            other => other["LocalParams"]!.AsArray().Add(new JsonObject { ["Name"] = "home", ["Expression"] = "System.IO.Directory.GetCurrentDirectory()" }));
        var before = await RuleSetsAsync();

        var response = await client.PostAsync("/api/rules", JsonBody(file));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await Json.ReadAsync(response))["errors"]!.AsArray().Select(e => ((string)e!["rule"]!, (string)e["message"]!)).ToList();
        Assert.Equal(2, errors.Count);
        Assert.Equal(Rule, errors[0].Item1);
        Assert.StartsWith("OnSuccess 动作的输出表达式“Environment.ProcessorCount”不安全：不允许使用 Environment.ProcessorCount：不允许访问进程、环境、程序集加载或动态创建对象", errors[0].Item2);
        Assert.Equal(OtherRule, errors[1].Item1);
        Assert.StartsWith("局部参数“home”“System.IO.Directory.GetCurrentDirectory()”不安全：不允许使用 System.IO.Directory.GetCurrentDirectory：不允许读写文件或目录", errors[1].Item2);
        Assert.Equal(before, await RuleSetsAsync());
    }

    [Theory]
    [InlineData("department")]
    [InlineData("other-department")]
    [InlineData("auditor")]
    [InlineData("anonymous")]
    public async Task Upload_NotFinance_IsRefusedAndStoresNothing(string role)
    {
        using var client = service.Client(role switch
        {
            "department" => service.DepartmentKey,
            "other-department" => service.OtherDepartmentKey,
            "auditor" => service.AuditorKey,
            _ => null,
        });
        var file = await ChangedAsync(2026, rule => rule["LocalParams"]!.AsArray().Single(p => (string)p!["Name"]! == "target")!["Expression"] = "1.0");
        var before = await RuleSetsAsync();

        var response = await client.PostAsync("/api/rules", Form(file));

        Assert.Equal(role == "anonymous" ? HttpStatusCode.Unauthorized : HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(before, await RuleSetsAsync());
    }

    [Fact]
    public async Task Upload_SeedFileWithAChangedTarget_IsStoredAsTheNextVersionAndScoringUsesIt()
    {
        using var client = service.Client(service.FinanceKey);
        // ≥37台 becomes ≥74台 in the year-end workflow: the fixture's 37台 is now half the target.
        var file = await ChangedAsync(2029, rule =>
        {
            rule["Properties"]!["target"] = "≥74台、件、套、 项";
            rule["LocalParams"]!.AsArray().Single(p => (string)p!["Name"]! == "target")!["Expression"] = "74.0";
        });

        var response = await client.PostAsync("/api/rules", Form(file));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var project = JsonNode.Parse(body)!["project"]!;
        Assert.Equal((2, "versioned", Project), ((int)project["version"]!, (string)project["change"]!, (string)project["name"]!));
        var id = (long)project["id"]!;
        Assert.Equal(file, await Database.ScalarAsync<string>(service.ConnectionString,
            "SELECT rules_text FROM rule_sets WHERE project_id = @id AND version = 2", new { id }));
        Assert.Equal(1, await Database.ScalarAsync<long>(service.ConnectionString,
            "SELECT count(*) FROM audit_log WHERE action = 'rules.upload' AND outcome = 'succeeded' AND subject = @FileName AND (details -> 'project' ->> 'version') = '2'",
            new { FileName }));

        var run = await Runs.StartAndWaitAsync(service, client, 2029, "year-end");

        var results = (await Json.ReadAsync(await client.GetAsync($"/api/evaluations?run={run.ToString(CultureInfo.InvariantCulture)}"))).AsArray();
        var evaluation = results.Single(e => (string?)e!["project"] == Project)!;
        var indicator = evaluation["indicators"]!.AsArray().Single(i => (string?)i!["indicator"] == "设备购置采购数量")!;
        Assert.Equal("≥74台、件、套、 项", (string?)indicator["target"]);
        // 产出指标's 50 points plus its share of the unused 满意度 10 (50/80 of it) over three indicators is 18.75 each;
        // 37 of 74台 earns half of that.
        Assert.Equal(9.375, (double)indicator["score"]!, 1e-9);
        Assert.Equal(2, await Database.ScalarAsync<int>(service.ConnectionString,
            "SELECT r.version FROM evaluation_results e JOIN rule_sets r ON r.id = e.rule_set_id WHERE e.run_id = @run AND e.project_id = @id", new { run, id }));
    }

    [Fact]
    public async Task Upload_SameFileAsTheCurrentVersion_AddsNoVersion()
    {
        using var client = service.Client(service.FinanceKey);
        var file = await service.SeedRulesAsync(2026, "物业管理费");
        var before = await RuleSetsAsync();

        var response = await client.PostAsync("/api/rules", Form(file, "物业管理费.json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var project = (await Json.ReadAsync(response))["project"]!;
        Assert.Equal((1, "unchanged"), ((int)project["version"]!, (string)project["change"]!));
        Assert.Equal(before, await RuleSetsAsync());
    }

    [Theory]
    [InlineData("not json", "无法读取规则文件：")]
    [InlineData("[1, 2]", "无法读取规则文件：规则文件应为 JSON 对象（含 project 与 workflows）")]
    [InlineData("{\"project\": {}}", "无法读取规则文件：规则文件缺少 workflows 数组")]
    public async Task Upload_NotARulesFile_Is400AndStoresNothing(string text, string message)
    {
        using var client = service.Client(service.FinanceKey);
        var before = await RuleSetsAsync();

        var response = await client.PostAsync("/api/rules", Form(text, "x.json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith(message, (string?)Assert.Single((await Json.ReadAsync(response))["errors"]!.AsArray())!["message"]);
        Assert.Equal(before, await RuleSetsAsync());
    }

    [Fact]
    public async Task Upload_WorkflowNamedForAnotherProject_Is400NamingBothNames()
    {
        using var client = service.Client(service.FinanceKey);
        var root = JsonNode.Parse(await service.SeedRulesAsync(2026, Project))!;
        root["workflows"]![1]!["WorkflowName"] = "2026/南通市科学技术局/物业管理费/year-end";
        var before = await RuleSetsAsync();

        var response = await client.PostAsync("/api/rules", Form(root.ToJsonString()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await Json.ReadAsync(response))["errors"]!.AsArray().Select(e => (string)e!["text"]!).ToList();
        Assert.Contains("办公设备购置.json: 工作流“2026/南通市科学技术局/物业管理费/year-end” 规则“”：工作流名称与 project 不符：应为“2026/南通市科学技术局/办公设备购置/mid-year”或“2026/南通市科学技术局/办公设备购置/year-end”（年度/主管部门/项目名称/期间）", errors);
        Assert.Contains("办公设备购置.json: 工作流“2026/南通市科学技术局/办公设备购置/year-end” 规则“”：缺少该工作流", errors);
        Assert.Equal(before, await RuleSetsAsync());
    }

    [Fact]
    public async Task Upload_RuleOfAnIndicatorRemoved_Is400NamingTheIndicator()
    {
        using var client = service.Client(service.FinanceKey);
        var root = JsonNode.Parse(await service.SeedRulesAsync(2026, Project))!;
        var midYear = root["workflows"]![0]!["Rules"]!.AsArray();
        midYear.Remove(midYear.Single(r => (string)r!["RuleName"]! == Rule));

        var response = await client.PostAsync("/api/rules", Form(root.ToJsonString()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal($"办公设备购置.json: 工作流“” 规则“”：无法读取规则文件：规则“{Rule}”缺少半年目标",
            (string?)Assert.Single((await Json.ReadAsync(response))["errors"]!.AsArray())!["text"]);
    }

    [Fact]
    public async Task Upload_NulCharacter_Is400()
    {
        using var client = service.Client(service.FinanceKey);
        var file = await ChangedAsync(2026, rule => rule["Properties"]!["target"] = "≥37\u0000台");

        var response = await client.PostAsync("/api/rules", Form(file));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("规则文件含有 NUL 字符，文件可能已损坏", (string?)Assert.Single((await Json.ReadAsync(response))["errors"]!.AsArray())!["message"]);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public async Task Upload_OverTheSizeLimitAsFormOrChunked_Is413InChinese(bool form, bool chunked)
    {
        using var client = service.Client(service.FinanceKey);
        var bytes = new ByteArrayContent(Encoding.UTF8.GetBytes(new string(' ', (int)ServiceFixture.MaxRequestBytes + 1)));
        bytes.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/rules?fileName=big.json")
        {
            Content = form ? new MultipartFormDataContent { { bytes, "file", "big.json" } } : bytes,
        };
        // Without a length the server finds out only while reading.
        request.Headers.TransferEncodingChunked = chunked;
        var before = await RuleSetsAsync();

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal($"请求体超过上限 {ServiceFixture.MaxRequestBytes} 字节", (string?)(await Json.ReadAsync(response))["detail"]);
        Assert.Equal(before, await RuleSetsAsync());
    }

    [Fact]
    public async Task Upload_OverTheSizeLimit_Is413AndStoresNothing()
    {
        using var client = service.Client(service.FinanceKey);
        var tooLarge = new ByteArrayContent(new byte[ServiceFixture.MaxRequestBytes + 1]);
        tooLarge.Headers.ContentType = new("application/json");
        var before = await RuleSetsAsync();

        var response = await client.PostAsync("/api/rules?fileName=big.json", tooLarge);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal($"请求体超过上限 {ServiceFixture.MaxRequestBytes} 字节", (string?)(await Json.ReadAsync(response))["detail"]);
        Assert.Equal(before, await RuleSetsAsync());
    }
}
