using System.Globalization;
using System.Net;
using System.Text;
using BudgetEvaluation.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BudgetEvaluation.Tests;

/// <summary>
/// The seed (2026, all twelve projects 南通市科学技术局's) imported, its year-end actuals uploaded and scored; sign-in
/// is not rate limited here, since the matrix signs in once per role.
/// </summary>
public sealed class AccessFixture : ServiceFixture
{
    public long ProjectId { get; private set; }
    public long UploadId { get; private set; }
    public long RunId { get; private set; }
    public string RulesFile { get; private set; } = "";

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [new("BudgetEvaluation:Web:SignInPermitLimit", "1000")];

    protected override async Task LoadAsync()
    {
        using var client = Client(FinanceKey);
        var response = await client.PostAsync("/api/targets", Seed.Form(Seed.Text(2026)));
        response.EnsureSuccessStatusCode();
        ProjectId = (long)(await Json.ReadAsync(response))["projects"]![0]!["id"]!;
        UploadId = await ActualsFiles.UploadAsync(client, 2026, "year-end", ActualsFiles.Form(ActualsFiles.Bytes(ActualsFiles.YearEndFile), ActualsFiles.YearEndFile));
        RunId = await Runs.StartAndWaitAsync(this, client, 2026, "year-end");
        RulesFile = await Database.ScalarAsync<string>(ConnectionString, "SELECT rules_text FROM rule_sets WHERE project_id = @ProjectId", new { ProjectId });
    }
}

/// <summary>
/// Every endpoint the app maps (read from its <see cref="EndpointDataSource"/>, so a new endpoint fails this test
/// until it has a row here) × anonymous / finance / department (own) / department (another's resource) / auditor.
/// docs/access.md is this matrix in words.
/// </summary>
public class AccessMatrixTests(AccessFixture service) : IClassFixture<AccessFixture>
{
    public const string Anonymous = "anonymous", Finance = "finance", Department = "department", OtherDepartment = "other-department", Auditor = "auditor";

    private static readonly string[] Callers = [Anonymous, Finance, Department, OtherDepartment, Auditor];

    /// <summary>How a request authenticates: the API key header, or (pages) the session cookie of a sign-in with the key.</summary>
    private enum Via { Key, Session }

    /// <summary>One request and the status each caller must get, in the order of <see cref="Callers"/>.</summary>
    private sealed record Probe(string Method, string Path, Via Via, int[] Expected, Func<AccessFixture, string, HttpContent?>? Body = null);

    private static Probe Api(string method, string path, int anonymous, int finance, int department, int otherDepartment, int auditor,
        Func<AccessFixture, string, HttpContent?>? body = null) =>
        new(method, path, Via.Key, [anonymous, finance, department, otherDepartment, auditor], body);

    private static Probe Page(string method, string path, int anonymous, int finance, int department, int otherDepartment, int auditor) =>
        new(method, path, Via.Session, [anonymous, finance, department, otherDepartment, auditor]);

    /// <summary>Endpoint (methods and route pattern, as the app maps it) → the requests that try it.</summary>
    private static readonly Dictionary<string, Probe[]> Matrix = new(StringComparer.Ordinal)
    {
        // Open to everyone: health, the API description, static files.
        ["GET /health"] = [Api("GET", "/health", 200, 200, 200, 200, 200)],
        ["GET /openapi/{documentName}.json"] = [Api("GET", "/openapi/v1.json", 200, 200, 200, 200, 200)],
        ["GET /scalar/{documentName?}"] = [Api("GET", "/scalar/", 200, 200, 200, 200, 200)],
        ["GET /scalar/scalar.js"] = [Api("GET", "/scalar/scalar.js", 200, 200, 200, 200, 200)],
        ["GET /scalar/scalar.aspnetcore.js"] = [Api("GET", "/scalar/scalar.aspnetcore.js", 200, 200, 200, 200, 200)],
        ["GET /scalar/favicon.svg"] = [Api("GET", "/scalar/favicon.svg", 200, 200, 200, 200, 200)],
        ["GET /assets/{name}"] = [Api("GET", "/assets/site.css", 200, 200, 200, 200, 200), Api("GET", "/assets/none.css", 404, 404, 404, 404, 404)],

        // Changes: finance only (actuals also departments, for their own projects).
        ["POST /api/targets"] = [Api("POST", "/api/targets", 401, 200, 403, 403, 403,
            (_, caller) => Seed.Form(Seed.Text(caller == Finance ? 2030 : 2031)))],
        ["POST /api/rules"] = [Api("POST", "/api/rules", 401, 200, 403, 403, 403,
            (service, _) => new StringContent(service.RulesFile, Encoding.UTF8, "application/json"))],
        // The file names only 南通市科学技术局's project: its own department may, 南通市财政局 may not.
        ["POST /api/actuals"] = [Api("POST", "/api/actuals?year=2026&period=mid-year", 401, 200, 200, 403, 403,
            (_, caller) => ActualsFiles.Form("项目名称,一级指标,三级指标,实际完成值\n“通创荟”和科技招商经费专项,项目资金,执行数,13.5\n", $"access-{caller}.csv"))],
        ["POST /api/evaluations"] = [Api("POST", "/api/evaluations?year=2026&period=mid-year", 401, 202, 403, 403, 403)],
        // Opening an open year again changes nothing but is still finance's to do.
        ["PUT /api/years/{year:int}"] = [Api("PUT", "/api/years/2026?open=true", 401, 200, 403, 403, 403)],

        // Reads: every role, a department only its own projects (another's: 403 by id, 404 or empty by filter).
        ["GET /api/projects"] = [Api("GET", "/api/projects?year=2026", 401, 200, 200, 200, 200)],
        ["GET /api/projects/{id:long}"] = [
            Api("GET", "/api/projects/{project}", 401, 200, 200, 403, 200),
            Api("GET", "/api/projects/999999", 401, 404, 404, 404, 404)],
        ["GET /api/projects/{id:long}/rules/{version:int}"] = [
            Api("GET", "/api/projects/{project}/rules/1", 401, 200, 200, 403, 200),
            Api("GET", "/api/projects/{project}/rules/9", 401, 404, 404, 403, 404)],
        ["GET /api/templates"] = [
            Api("GET", "/api/templates?year=2026&period=year-end", 401, 200, 200, 404, 200),
            Api("GET", "/api/templates?year=2026&period=year-end&department=南通市科学技术局", 401, 200, 200, 403, 200)],
        ["GET /api/actuals"] = [
            Api("GET", "/api/actuals?year=2026&period=year-end", 401, 200, 200, 200, 200),
            Api("GET", "/api/actuals?year=2026&period=year-end&project={project}", 401, 200, 200, 403, 200)],
        ["GET /api/actuals/uploads/{id:long}/file"] = [
            Api("GET", "/api/actuals/uploads/{upload}/file", 401, 200, 200, 403, 200),
            Api("GET", "/api/actuals/uploads/999999/file", 401, 404, 404, 404, 404)],
        ["GET /api/evaluations/{id:long}"] = [
            Api("GET", "/api/evaluations/{run}", 401, 200, 200, 200, 200),
            Api("GET", "/api/evaluations/999999", 401, 404, 404, 404, 404)],
        ["GET /api/evaluations"] = [Api("GET", "/api/evaluations?year=2026&period=year-end", 401, 200, 200, 200, 200)],
        ["GET /api/reminders"] = [Api("GET", "/api/reminders?year=2026&period=mid-year", 401, 200, 200, 200, 200)],
        ["GET /api/reports"] = [
            Api("GET", "/api/reports?year=2026&period=year-end&format=json", 401, 200, 200, 404, 200),
            Api("GET", "/api/reports?year=2026&period=year-end&project={project}", 401, 200, 200, 403, 200)],

        // The job dashboard: finance; auditors read only (its commands are POSTs).
        ["* /hangfire/{**path}"] = [
            Api("GET", "/hangfire", 401, 200, 403, 403, 200),
            // The form the dashboard's own page posts (Hangfire's handler answers 500 to a post without a form).
            Api("POST", "/hangfire/stats", 401, 200, 403, 403, 403,
                (_, _) => new FormUrlEncodedContent([new("metrics[]", "enqueued:count")]))],

        // Pages: a session cookie from signing in with a key; without one, to the sign-in page (302).
        ["* /"] = [Page("GET", "/", 302, 200, 200, 200, 200)],
        ["* /Index"] = [Page("GET", "/Index", 302, 200, 200, 200, 200)],
        ["* /projects/{id:long}/{handler?}"] = [
            Page("GET", "/projects/{project}", 302, 200, 200, 403, 200),
            Page("GET", "/projects/{project}/rules?version=1", 302, 200, 200, 403, 200),
            Page("GET", "/projects/999999", 302, 404, 404, 404, 404)],
        ["* /actuals/{handler?}"] = [Page("GET", "/actuals", 302, 200, 200, 200, 200)],
        ["* /reasons"] = [Page("GET", "/reasons?year=2026&period=year-end", 302, 200, 200, 200, 200)],
        ["* /reports"] = [
            Page("GET", "/reports?year=2026&period=year-end&project={project}&format=html", 302, 200, 200, 403, 200)],
        ["* /runs"] = [Page("GET", "/runs", 302, 200, 200, 200, 200)],
        ["* /runs/new"] = [Page("GET", "/runs/new", 302, 200, 302, 302, 302)],
        ["* /runs/{id:long}/{handler?}"] = [
            Page("GET", "/runs/{run}", 302, 200, 200, 200, 200),
            Page("GET", "/runs/{run}/status", 302, 200, 200, 200, 200),
            Page("GET", "/runs/999999", 302, 404, 404, 404, 404)],
        ["* /forbidden"] = [Page("GET", "/forbidden", 302, 403, 403, 403, 403)],
        // Signed in, the sign-in page sends you on; a form posted without its antiforgery token is refused.
        ["* /signin"] = [Page("GET", "/signin", 200, 302, 302, 302, 302), Page("POST", "/signin", 400, 400, 400, 400, 400)],
        ["* /signout"] = [Page("GET", "/signout", 302, 302, 302, 302, 302), Page("POST", "/signout", 302, 400, 400, 400, 400)],
    };

    [Fact]
    public async Task EveryEndpoint_EveryCaller_GetsTheExpectedStatusAndNever500()
    {
        var endpoints = service.App.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>().Select(Key).Distinct().Order(StringComparer.Ordinal).ToList();
        var unlisted = endpoints.Where(e => !Matrix.ContainsKey(e)).ToList();
        var stale = Matrix.Keys.Where(k => !endpoints.Contains(k)).ToList();
        Assert.True(unlisted.Count == 0 && stale.Count == 0,
            $"endpoints without a row in the access matrix (add one here and in docs/access.md):\n{string.Join("\n", unlisted)}\nrows for endpoints that no longer exist:\n{string.Join("\n", stale)}");

        var runsBefore = await Database.ScalarAsync<long>(service.ConnectionString, "SELECT count(*) FROM evaluation_runs");
        var mismatches = new List<string>();
        foreach (var (endpoint, probes) in Matrix)
        {
            foreach (var probe in probes)
            {
                for (var i = 0; i < Callers.Length; i++)
                {
                    var (status, contentType, body) = await SendAsync(probe, Callers[i]);
                    if (status != probe.Expected[i] || status >= 500)
                        mismatches.Add($"{endpoint}: {probe.Method} {probe.Path} as {Callers[i]}: expected {probe.Expected[i]}, got {status} {Shorten(body)}");
                    else if (status >= 400 && probe.Via == Via.Key && contentType != "application/problem+json")
                        mismatches.Add($"{endpoint}: {probe.Method} {probe.Path} as {Callers[i]}: {status} without problem details ({contentType})");
                }
            }
        }
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));

        // What the refused requests would have changed is not there; what the allowed ones changed is.
        Assert.Equal(0, await Database.ScalarAsync<long>(service.ConnectionString, "SELECT count(*) FROM projects WHERE year = 2031"));
        Assert.Equal(12, await Database.ScalarAsync<long>(service.ConnectionString, "SELECT count(*) FROM projects WHERE year = 2030"));
        Assert.Equal(["access-department.csv", "access-finance.csv"], await Database.QueryAsync<string>(service.ConnectionString,
            "SELECT file_name FROM actuals_uploads WHERE file_name LIKE 'access-%' ORDER BY file_name"));
        Assert.Equal(runsBefore + 1, await Database.ScalarAsync<long>(service.ConnectionString, "SELECT count(*) FROM evaluation_runs"));
    }

    /// <summary>"GET /api/projects/{id:long}"; pages and the dashboard, which take any method, are "*".</summary>
    private static string Key(RouteEndpoint endpoint)
    {
        var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
        var method = methods is null || methods.Count == 0 ? "*" : string.Join(",", methods.Order(StringComparer.Ordinal));
        var pattern = "/" + endpoint.RoutePattern.RawText?.Trim('/');
        return $"{method} {pattern}";
    }

    private readonly Dictionary<string, PageClient> _sessions = [];

    private async Task<(int Status, string? ContentType, string Body)> SendAsync(Probe probe, string caller)
    {
        var path = probe.Path
            .Replace("{project}", Id(service.ProjectId), StringComparison.Ordinal)
            .Replace("{upload}", Id(service.UploadId), StringComparison.Ordinal)
            .Replace("{run}", Id(service.RunId), StringComparison.Ordinal);
        using var request = new HttpRequestMessage(new HttpMethod(probe.Method), path) { Content = probe.Body?.Invoke(service, caller) };
        HttpResponseMessage response;
        if (probe.Via == Via.Key)
        {
            using var client = service.Client(KeyFor(caller));
            response = await client.SendAsync(request);
        }
        else
        {
            response = await (await SessionAsync(caller)).Http.SendAsync(request);
        }
        using (response)
            return ((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }

    private async Task<PageClient> SessionAsync(string caller)
    {
        if (!_sessions.TryGetValue(caller, out var session))
        {
            session = KeyFor(caller) is { } key ? await PageClient.SignInAsync(service.BaseAddress, key) : new PageClient(service.BaseAddress);
            _sessions[caller] = session;
        }
        return session;
    }

    private string? KeyFor(string caller) => caller switch
    {
        Finance => service.FinanceKey,
        Department => service.DepartmentKey,
        OtherDepartment => service.OtherDepartmentKey,
        Auditor => service.AuditorKey,
        _ => null,
    };

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
