using System.Security.Cryptography;
using System.Text;
using BudgetEvaluation.Core.Targets;

namespace BudgetEvaluation.Core.Rules;

/// <summary>How rules are evaluated: compiled delegates (the hot path) or the RulesEngine workflow path (the reference).</summary>
public enum EvaluationEngine
{
    /// <summary><see cref="CompiledRules"/>: the rules' own expression texts parsed by RulesEngine's parser and compiled once per shape.</summary>
    Compiled,
    /// <summary><see cref="RuleSet"/>: Microsoft RulesEngine runs each workflow (ExecuteAllRulesAsync).</summary>
    RulesEngine,
}

/// <summary>
/// Rule runners reused across runs: keyed by engine, period and the fingerprints of the projects' rules files, so a
/// second evaluation of the same rules (another actuals upload, a report after a score) compiles nothing.
/// </summary>
/// <remarks>A few sets are kept (most recently used first); a province's 100 000 projects make one set of about 100 MB.</remarks>
public static class RuleRunners
{
    private const int Capacity = 4;
    private static readonly LinkedList<(string Key, Lazy<IRuleRunner> Runner)> Recent = new();

    public static IRuleRunner For(EvaluationEngine engine, IReadOnlyList<RulesProject> projects, Period period, Func<RulesProject, RulesEngine.Models.Workflow> workflowOf)
    {
        var key = Key(engine, projects, period);
        Lazy<IRuleRunner> runner;
        lock (Recent)
        {
            var node = Recent.First;
            while (node is not null && node.Value.Key != key)
                node = node.Next;
            if (node is not null)
            {
                Recent.Remove(node);
                Recent.AddFirst(node);
                runner = node.Value.Runner;
            }
            else
            {
                runner = new Lazy<IRuleRunner>(() => Build(engine, projects.Select(workflowOf).ToList()));
                Recent.AddFirst((key, runner));
                while (Recent.Count > Capacity)
                    Recent.RemoveLast();
            }
        }
        try
        {
            return runner.Value;
        }
        catch
        {
            // A set that failed to build (a rule that does not parse) is not kept: the files may be fixed and reloaded.
            lock (Recent)
            {
                var node = Recent.First;
                while (node is not null && !ReferenceEquals(node.Value.Runner, runner))
                    node = node.Next;
                if (node is not null)
                    Recent.Remove(node);
            }
            throw;
        }
    }

    /// <summary>A fresh runner, not cached.</summary>
    public static IRuleRunner Build(EvaluationEngine engine, IReadOnlyCollection<RulesEngine.Models.Workflow> workflows) =>
        engine == EvaluationEngine.RulesEngine ? new RuleSet(workflows) : CompiledRules.Compile(workflows);

    /// <summary>Drops every cached runner (tests that compare cold runs).</summary>
    public static void Clear()
    {
        lock (Recent)
            Recent.Clear();
    }

    public static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static string Key(EvaluationEngine engine, IReadOnlyList<RulesProject> projects, Period period)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{engine}|{period.Code()}|{projects.Count}|"));
        // Runs over every project of every evaluation: the fingerprints' bytes are gathered in a buffer and hashed a
        // buffer at a time (one call into the hash per fingerprint costs more than hashing its 64 bytes).
        Span<byte> buffer = stackalloc byte[4096];
        var used = 0;
        foreach (var project in projects)
        {
            var fingerprint = project.Fingerprint;
            if (used + fingerprint.Length > buffer.Length)
            {
                hash.AppendData(buffer[..used]);
                used = 0;
            }
            if (fingerprint.Length > buffer.Length)
                hash.AppendData(Encoding.ASCII.GetBytes(fingerprint));
            else
                used += Encoding.ASCII.GetBytes(fingerprint, buffer[used..]);
        }
        hash.AppendData(buffer[..used]);
        return Convert.ToHexString(hash.GetHashAndReset());
    }
}
