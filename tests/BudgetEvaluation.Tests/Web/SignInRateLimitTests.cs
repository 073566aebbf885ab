using System.Net;
using BudgetEvaluation.Tests.Infrastructure;

namespace BudgetEvaluation.Tests.Web;

/// <summary>Three sign-in attempts per address in an hour: the window cannot roll over during the test.</summary>
public sealed class SignInLimitFixture : ServiceFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("BudgetEvaluation:Web:SignInPermitLimit", "3"),
        new("BudgetEvaluation:Web:SignInWindow", "01:00:00"),
    ];
}

public class SignInRateLimitTests(SignInLimitFixture service) : IClassFixture<SignInLimitFixture>
{
    [Fact]
    public async Task SignIn_FourthAttemptWithinTheWindow_Is429InChineseAndAudited()
    {
        using var client = new PageClient(service.BaseAddress);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
            statuses.Add((await client.PostFormAsync("/signin", new() { ["Key"] = "bek_guess" + i })).StatusCode);

        var refused = await client.PostFormAsync("/signin", new() { ["Key"] = service.FinanceKey });

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK], statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("同一地址的登录尝试次数已达上限，请稍后再试。", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(client.Cookies.GetAllCookies(), c => c.Name == "budgeteval.session");
        Assert.Equal(1, await Database.ScalarAsync<long>(service.ConnectionString,
            "SELECT count(*) FROM audit_log WHERE action = 'request.refused' AND subject = 'POST /signin' AND details ->> 'status' = '429'"));
        // Showing the form is not limited.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/signin")).Response.StatusCode);
    }
}
