using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using BudgetEvaluation.Tests.Infrastructure;

namespace BudgetEvaluation.Tests;

/// <summary>
/// The seed as 2028 (one file uploaded twice); as 2026 with “通创荟”和科技招商经费专项 under 南通市财政局 and the other eleven under 南通市科学技术局 (two
/// departments uploading for their own projects at once); and the seed as 2027, all 南通市科学技术局's.
/// </summary>
public sealed class ConcurrentUploadFixture : ServiceFixture
{
    protected override async Task LoadAsync()
    {
        using var client = Client(FinanceKey);
        (await client.PostAsync("/api/targets", Seed.Form(ActualsFixture.SplitSeed(2026)))).EnsureSuccessStatusCode();
        (await client.PostAsync("/api/targets", Seed.Form(Seed.Text(2027)))).EnsureSuccessStatusCode();
        (await client.PostAsync("/api/targets", Seed.Form(Seed.Text(2028)))).EnsureSuccessStatusCode();
    }
}

/// <summary>Uploads at the same moment, against the real PostgreSQL: each accepted one stored whole, in order, the last one current.</summary>
public class ConcurrentUploadTests(ConcurrentUploadFixture service) : IClassFixture<ConcurrentUploadFixture>
{
    private const string TongChuangHui = ActualsFixture.TongChuangHui;
    private const int Rounds = 6;

    /// <summary>The year-end fixture's rows of “通创荟” (own = false) or of every other project (own = true), one value changed by <paramref name="round"/>.</summary>
    private static string File(bool tongChuangHui, int round)
    {
        var lines = ActualsFiles.Text(ActualsFiles.YearEndFile).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var rows = lines.Skip(1).Where(l => l.StartsWith(TongChuangHui, StringComparison.Ordinal) == tongChuangHui)
            .Select(l => l
                .Replace("招引科创项目数,1700个,", $"招引科创项目数,{1700 + round}个,", StringComparison.Ordinal)
                .Replace("设备购置采购数量,37台,", $"设备购置采购数量,{37 + round}台,", StringComparison.Ordinal));
        return string.Join("\n", rows.Prepend(lines[0])) + "\n";
    }

    private static async Task<(HttpStatusCode Status, long Id, int Rows, string Body)> UploadAsync(HttpClient client, int year, string csv, string fileName)
    {
        var response = await client.PostAsync($"/api/actuals?year={year}&period=year-end", ActualsFiles.Form(csv, fileName));
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
            return (response.StatusCode, 0, 0, body);
        var json = JsonNode.Parse(body)!;
        return (response.StatusCode, (long)json["upload"]!["id"]!, (int)json["rows"]!, body);
    }

    [Fact]
    public async Task Upload_TwoDepartmentsAtOnceSeveralTimes_StoresEveryUploadWholeAndEachProjectsLastIsCurrent()
    {
        using var own = service.Client(service.DepartmentKey);
        using var other = service.Client(service.OtherDepartmentKey);
        using var start = new SemaphoreSlim(0);

        var uploads = Enumerable.Range(1, Rounds).SelectMany(round => new[]
        {
            Task.Run(async () => { await start.WaitAsync(); return (Round: round, Own: true, Result: await UploadAsync(own, 2026, File(false, round), $"own-{round}.csv")); }),
            Task.Run(async () => { await start.WaitAsync(); return (Round: round, Own: false, Result: await UploadAsync(other, 2026, File(true, round), $"other-{round}.csv")); }),
        }).ToList();
        start.Release(uploads.Count);
        var results = await Task.WhenAll(uploads);

        Assert.All(results, r => Assert.True(r.Result.Status == HttpStatusCode.OK, r.Result.Body));
        Assert.Equal(2 * Rounds, results.Select(r => r.Result.Id).Distinct().Count());
        // 164 rows for the eleven projects of 南通市科学技术局, 15 for “通创荟”.
        Assert.All(results, r => Assert.Equal(r.Own ? 164 : 15, r.Result.Rows));
        var stored = await Database.QueryAsync<(long Id, long Rows)>(service.ConnectionString,
            "SELECT u.id, count(r.line) FROM actuals_uploads u LEFT JOIN actual_rows r ON r.upload_id = u.id WHERE u.year = 2026 GROUP BY u.id ORDER BY u.id");
        Assert.Equal(results.Select(r => (r.Result.Id, (long)r.Result.Rows)).OrderBy(x => x.Id), stored);
        await AssertOrderedAsync(2026);

        // Each department's current actuals are its upload with the highest id, with that upload's value.
        var lastOwn = results.Where(r => r.Own).MaxBy(r => r.Result.Id);
        var lastOther = results.Where(r => !r.Own).MaxBy(r => r.Result.Id);
        Assert.Equal((lastOwn.Result.Id, $"{37 + lastOwn.Round}台"), await CurrentAsync(own, 2026, "办公设备购置", "设备购置采购数量"));
        Assert.Equal((lastOther.Result.Id, $"{1700 + lastOther.Round}个"), await CurrentAsync(other, 2026, TongChuangHui, "招引科创项目数"));
    }

    [Fact]
    public async Task Upload_SameDepartmentSeveralTimesAtOnce_StoresEveryUploadInOrderAndTheLastIsCurrent()
    {
        using var client = service.Client(service.DepartmentKey);
        var csv = Enumerable.Range(1, Rounds).Select(round => File(true, round) + string.Join("\n", File(false, round).Split('\n').Skip(1))).ToList();
        using var start = new SemaphoreSlim(0);

        var uploads = Enumerable.Range(1, Rounds)
            .Select(round => Task.Run(async () => { await start.WaitAsync(); return (Round: round, Result: await UploadAsync(client, 2027, csv[round - 1], $"same-{round}.csv")); }))
            .ToList();
        start.Release(uploads.Count);
        var results = await Task.WhenAll(uploads);

        Assert.All(results, r => Assert.True(r.Result.Status == HttpStatusCode.OK, r.Result.Body));
        Assert.All(results, r => Assert.Equal(179, r.Result.Rows));
        Assert.Equal(Rounds, results.Select(r => r.Result.Id).Distinct().Count());
        Assert.Equal(Rounds * 179L, await Database.ScalarAsync<long>(service.ConnectionString,
            "SELECT count(*) FROM actual_rows r JOIN actuals_uploads u ON u.id = r.upload_id WHERE u.year = 2027"));
        await AssertOrderedAsync(2027);
        var last = results.MaxBy(r => r.Result.Id);
        Assert.Equal((last.Result.Id, $"{37 + last.Round}台"), await CurrentAsync(client, 2027, "办公设备购置", "设备购置采购数量"));
        Assert.Equal((last.Result.Id, $"{1700 + last.Round}个"), await CurrentAsync(client, 2027, TongChuangHui, "招引科创项目数"));
        // The history lists every upload, newest first.
        var history = (await Json.ReadAsync(await client.GetAsync("/api/actuals?year=2027&period=year-end")))["uploads"]!.AsArray()
            .Select(u => (long)u!["id"]!).ToList();
        Assert.Equal(results.Select(r => r.Result.Id).OrderDescending(), history);
    }

    [Fact]
    public async Task Upload_SameFileTwice_KeepsBothInTheHistoryAndTheCurrentValuesDoNotChange()
    {
        using var client = service.Client(service.DepartmentKey);
        var bytes = ActualsFiles.Bytes(ActualsFiles.YearEndFile);
        var first = await ActualsFiles.UploadAsync(client, 2028, "year-end", ActualsFiles.Form(bytes, ActualsFiles.YearEndFile));
        var before = await Json.ReadAsync(await client.GetAsync("/api/actuals?year=2028&period=year-end"));

        var second = await ActualsFiles.UploadAsync(client, 2028, "year-end", ActualsFiles.Form(bytes, ActualsFiles.YearEndFile));

        var after = await Json.ReadAsync(await client.GetAsync("/api/actuals?year=2028&period=year-end"));
        Assert.True(second > first);
        Assert.Equal([second, first], after["uploads"]!.AsArray().Select(u => (long)u!["id"]!));
        // Same rows, same values: only the upload they come from is the newer one.
        string Values(JsonNode view) => string.Join("\n", view["projects"]!.AsArray().SelectMany(p => p!["values"]!.AsArray().Select(v => v!.ToJsonString())));
        Assert.Equal(Values(before), Values(after));
        Assert.Equal(179, after["projects"]!.AsArray().Sum(p => p!["values"]!.AsArray().Count));
        Assert.All(after["projects"]!.AsArray(), p => Assert.Equal(second, (long)p!["uploadId"]!));
    }

    /// <summary>Upload ids (which decide the current upload) and upload times run in the same order.</summary>
    private async Task AssertOrderedAsync(int year)
    {
        var rows = await Database.QueryAsync<(long Id, DateTime At)>(service.ConnectionString,
            "SELECT id, uploaded_at FROM actuals_uploads WHERE year = @year ORDER BY id", new { year });
        Assert.Equal(rows.OrderBy(r => r.At).ThenBy(r => r.Id).Select(r => r.Id), rows.Select(r => r.Id));
        Assert.Equal(rows.Count, rows.Select(r => r.At).Distinct().Count());
    }

    /// <summary>The project's current upload and value of one indicator, through GET /api/actuals.</summary>
    private static async Task<(long UploadId, string Value)> CurrentAsync(HttpClient client, int year, string project, string indicator)
    {
        var view = await Json.ReadAsync(await client.GetAsync($"/api/actuals?year={year.ToString(CultureInfo.InvariantCulture)}&period=year-end"));
        var p = view["projects"]!.AsArray().Single(x => (string?)x!["name"] == project)!;
        var value = p["values"]!.AsArray().Single(v => ((string)v!["indicator"]!).EndsWith("/" + indicator, StringComparison.Ordinal))!;
        return ((long)p["uploadId"]!, (string)value["value"]!);
    }
}
