using System.Diagnostics;

namespace BudgetEvaluation.Tests.Infrastructure;

/// <summary>Runs the real <c>budgeteval</c> executable against a database.</summary>
public static class Cli
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static async Task<Result> RunAsync(string connectionString, params string[] args)
    {
        using var process = Process.Start(StartInfo(connectionString, args))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new Result(process.ExitCode, await output, await error);
    }

    /// <summary><c>budgeteval</c> with the arguments, over the database, its output redirected, without a bootstrap key.</summary>
    public static ProcessStartInfo StartInfo(string connectionString, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "budgeteval.dll"));
        foreach (var a in args)
            start.ArgumentList.Add(a);
        start.Environment["ConnectionStrings__BudgetEvaluation"] = connectionString;
        start.Environment.Remove("BUDGETEVAL_BOOTSTRAP_KEY");
        return start;
    }
}
