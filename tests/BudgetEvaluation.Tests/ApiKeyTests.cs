using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using BudgetEvaluation.Data;
using BudgetEvaluation.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace BudgetEvaluation.Tests;

/// <summary>The keys verbs and the X-Api-Key authentication, through the real executable and HTTP.</summary>
public class ApiKeyTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task KeysCreate_PrintsTheKeyOnce_AndTheDatabaseHoldsOnlyItsHash()
    {
        var result = await Cli.RunAsync(service.ConnectionString, "keys", "create", "--role", "department", "--department", "南通市科学技术局", "--name", "张三");

        Assert.True(result.ExitCode == 0, result.Error);
        var key = result.Output.Trim();
        Assert.StartsWith("bek_", key);
        Assert.Equal(47, key.Length);
        Assert.Contains("已创建 API 密钥", result.Error);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        Assert.Equal(1, await Database.ScalarAsync<long>(service.ConnectionString,
            "SELECT count(*) FROM api_keys k JOIN departments d ON d.id = k.department_id WHERE k.key_sha256 = @hash AND k.role = 'department' AND d.name = '南通市科学技术局' AND k.name = '张三'", new { hash }));
        foreach (var table in new[] { "api_keys", "audit_log", "departments" })
        {
            Assert.Equal(0, await Database.ScalarAsync<long>(service.ConnectionString,
                $"SELECT count(*) FROM {table} t WHERE strpos(t::text, @key) > 0", new { key }));
        }
        using var client = service.Client(key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/projects")).StatusCode);
    }

    [Fact]
    public async Task KeysCreate_DepartmentRoleWithoutDepartment_FailsWithoutCreatingAKey()
    {
        var before = await Database.ScalarAsync<long>(service.ConnectionString, "SELECT count(*) FROM api_keys");

        var result = await Cli.RunAsync(service.ConnectionString, "keys", "create", "--role", "department");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("错误：department 角色必须指定主管部门（--department）", result.Error.Trim());
        Assert.Equal(before, await Database.ScalarAsync<long>(service.ConnectionString, "SELECT count(*) FROM api_keys"));
    }

    [Fact]
    public async Task KeysRevoke_RevokedKey_GetsA401()
    {
        var (record, key) = await service.App.Services.GetRequiredService<ApiKeyStore>().CreateAsync(Roles.Auditor, null, "revoke-me", Actor.System);
        using var client = service.Client(key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/projects")).StatusCode);

        var result = await Cli.RunAsync(service.ConnectionString, "keys", "revoke", record.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal($"已吊销 API 密钥 #{record.Id}", result.Output.Trim());
        var response = await client.GetAsync("/api/projects");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("API 密钥无效或已被吊销", (string?)(await Json.ReadAsync(response))["detail"]);
    }

    [Fact]
    public async Task KeysList_ShowsRoleAndDepartment_NeverTheKey()
    {
        var result = await Cli.RunAsync(service.ConnectionString, "keys", "list");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("\tdepartment\t南通市财政局\ttest\t", result.Output);
        Assert.DoesNotContain(service.FinanceKey, result.Output);
        Assert.DoesNotContain(service.OtherDepartmentKey, result.Output);
    }

    [Fact]
    public async Task Request_WithoutKey_Is401AndAudited()
    {
        using var client = service.Client(null);

        var response = await client.GetAsync("/api/projects?year=2026");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var problem = await Json.ReadAsync(response);
        Assert.Equal("未认证", (string?)problem["title"]);
        Assert.Equal("缺少 API 密钥：请在请求头 X-Api-Key 中提供", (string?)problem["detail"]);
        Assert.True(await Database.ScalarAsync<long>(service.ConnectionString,
            "SELECT count(*) FROM audit_log WHERE actor = 'anonymous' AND outcome = 'unauthenticated' AND subject = 'GET /api/projects'") >= 1);
    }

    [Fact]
    public async Task Dashboard_WithoutKey_AsksForBasicAuthentication()
    {
        using var client = service.Client(null);

        var response = await client.GetAsync("/hangfire");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Basic", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task Dashboard_KeyAsBasicPassword_OpensForFinance()
    {
        using var client = service.Client(null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes("anyone:" + service.FinanceKey)));

        var response = await client.GetAsync("/hangfire");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("BudgetEvaluation 作业", await response.Content.ReadAsStringAsync());
    }
}

/// <summary>A host started with BUDGETEVAL_BOOTSTRAP_KEY over a database without keys.</summary>
public sealed class BootstrapFixture : ServiceFixture
{
    public const string BootstrapKey = "bootstrap-key-for-the-tests-0123456789";

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("BUDGETEVAL_BOOTSTRAP_KEY", BootstrapKey)];
}

public class BootstrapKeyTests(BootstrapFixture service) : IClassFixture<BootstrapFixture>
{
    [Fact]
    public async Task BootstrapKey_NoFinanceKeyAtStart_BecomesAFinanceKey()
    {
        using var client = service.Client(BootstrapFixture.BootstrapKey);

        var response = await client.PostAsync("/api/targets", Seed.Form(Seed.Text(2026)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entries = await Database.QueryAsync<(string Actor, string Role)>(service.ConnectionString,
            "SELECT k.created_by, k.role FROM api_keys k WHERE k.name = 'bootstrap'");
        Assert.Equal([("system", "finance")], entries);
    }

    [Fact]
    public async Task BootstrapKey_FinanceKeyExists_IsNotAdded()
    {
        var keys = service.App.Services.GetRequiredService<ApiKeyStore>();

        var added = await keys.BootstrapAsync("another-bootstrap-key-0123456789");

        Assert.False(added);
        using var client = service.Client("another-bootstrap-key-0123456789");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/projects")).StatusCode);
    }
}
