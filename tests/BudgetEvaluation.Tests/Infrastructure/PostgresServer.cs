using BudgetEvaluation.Hosting;

namespace BudgetEvaluation.Tests.Infrastructure;

/// <summary>One real PostgreSQL cluster for the whole test run (the service's own launcher), a fresh database per test class.</summary>
public static class PostgresServer
{
    private static readonly Lazy<Task<LocalPostgres>> Cluster = new(StartAsync);

    private static async Task<LocalPostgres> StartAsync()
    {
        var cluster = await LocalPostgres.StartAsync(Path.Combine(Path.GetTempPath(), "budgeteval-tests-pg"));
        // Normally stopped by the test framework at the end of the run; this covers a runner that skips that.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.Dispose();
        return cluster;
    }

    /// <summary>Stops and deletes the cluster if this run started one.</summary>
    public static void Stop()
    {
        if (Cluster.IsValueCreated && Cluster.Value.IsCompletedSuccessfully)
            Cluster.Value.Result.Dispose();
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        var cluster = await Cluster.Value;
        var name = "t_" + Guid.NewGuid().ToString("N")[..20];
        await cluster.CreateDatabaseAsync(name);
        return cluster.ConnectionString(name);
    }
}
