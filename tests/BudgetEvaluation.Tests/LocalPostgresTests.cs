using System.Diagnostics;
using BudgetEvaluation.Hosting;
using Npgsql;

namespace BudgetEvaluation.Tests;

/// <summary>The launcher <c>serve</c> and the test fixture share.</summary>
public class LocalPostgresTests
{
    [Fact]
    public async Task Dispose_StopsTheServerAndDeletesItsFolder()
    {
        var parent = NewParent();
        var cluster = await LocalPostgres.StartAsync(parent);
        var connectionString = cluster.ConnectionString("postgres");
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SHOW listen_addresses", connection);
            Assert.Equal("127.0.0.1", (string?)await command.ExecuteScalarAsync());
        }
        NpgsqlConnection.ClearAllPools();

        await cluster.DisposeAsync();

        Assert.False(Directory.Exists(cluster.Folder));
        await using var after = new NpgsqlConnection(connectionString + ";Timeout=2");
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => after.OpenAsync());
        Directory.Delete(parent, recursive: true);
    }

    [Fact]
    public async Task Start_ClusterLeftByADeadProcess_IsStoppedAndRemoved()
    {
        var parent = NewParent();
        var orphan = await LocalPostgres.StartAsync(parent);
        File.WriteAllText(Path.Combine(orphan.Folder, "owner.pid"), DeadProcessId().ToString(System.Globalization.CultureInfo.InvariantCulture));

        await using var next = await LocalPostgres.StartAsync(parent);

        Assert.False(Directory.Exists(orphan.Folder));
        Assert.Equal([next.Folder], Directory.GetDirectories(parent));
        await next.DisposeAsync();
        Directory.Delete(parent, recursive: true);
    }

    /// <summary>
    /// A new folder others can enter: under root the cluster runs as postgres, and a private (0700) parent would
    /// send the launcher to its fallback folder.
    /// </summary>
    private static string NewParent() =>
        Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "budgeteval-launcher-test-" + Guid.NewGuid().ToString("N")[..8])).FullName;

    /// <summary>The id of a process that has exited.</summary>
    private static int DeadProcessId()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }
}
