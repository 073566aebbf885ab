using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using BudgetEvaluation.Tests.Infrastructure;

namespace BudgetEvaluation.Tests;

/// <summary>The one-command start: <c>budgeteval</c> with no verb and no connection string, as a real process.</summary>
public partial class ServeVerbTests
{
    [GeneratedRegex(@"^\s+finance\s+(bek_\S+)")]
    private static partial Regex FinanceKeyLine();

    [Fact]
    public async Task NoVerbNoDatabase_StartsALocalClusterWithTheSeed_AndRemovesItOnSigterm()
    {
        var workDir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "budgeteval-serve-test-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "budgeteval.dll"));
        start.Environment.Remove("ConnectionStrings__BudgetEvaluation");
        start.Environment.Remove("BUDGETEVAL_BOOTSTRAP_KEY");
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        using var process = Process.Start(start)!;
        var financeKey = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null && FinanceKeyLine().Match(e.Data) is { Success: true } m)
                financeKey.TrySetResult(m.Groups[1].Value);
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var key = await financeKey.Task.WaitAsync(TimeSpan.FromSeconds(90));
            await WaitUntilHealthyAsync(client);
            client.DefaultRequestHeaders.Add("X-Api-Key", key);

            var projects = (await Json.ReadAsync(await client.GetAsync("/api/projects?year=2026"))).AsArray();

            var results = (await Json.ReadAsync(await client.GetAsync("/api/evaluations?year=2026&period=year-end"))).AsArray();

            Assert.Equal(12, projects.Count);
            // The demo actuals, scored before the server started.
            Assert.Equal(12, results.Count);
            Assert.Single(Directory.GetDirectories(Path.Combine(workDir, ".data", "pg")));
        }
        finally
        {
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
                await kill.WaitForExitAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        Assert.Equal(0, process.ExitCode);
        Assert.Empty(Directory.GetDirectories(Path.Combine(workDir, ".data", "pg")));
        Directory.Delete(workDir, recursive: true);
    }

    private static async Task WaitUntilHealthyAsync(HttpClient client)
    {
        for (var i = 0; i < 300; i++)
        {
            try
            {
                if ((await client.GetAsync("/health")).StatusCode == HttpStatusCode.OK)
                    return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(200);
        }
        throw new TimeoutException("the service did not become healthy");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
