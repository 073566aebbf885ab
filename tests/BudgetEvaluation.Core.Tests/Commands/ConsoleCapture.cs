using System.CommandLine;
using System.Text;

namespace BudgetEvaluation.Core.Tests.Commands;

/// <summary>Console is process-wide: tests that capture it run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "Console";
}

/// <summary>Runs a verb the way Program does, with stdout and stderr captured.</summary>
public static class ConsoleCapture
{
    public static async Task<(int ExitCode, string Out, string Error)> RunAsync(Command command, params string[] args)
    {
        var root = new RootCommand { command };
        var (oldOut, oldError) = (Console.Out, Console.Error);
        var (output, error) = (new StringWriter(new StringBuilder()), new StringWriter(new StringBuilder()));
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            var exit = await root.Parse(args).InvokeAsync();
            return (exit, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldError);
        }
    }
}
