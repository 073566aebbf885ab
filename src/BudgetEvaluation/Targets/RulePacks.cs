using BudgetEvaluation.Core.Rules;
using BudgetEvaluation.Data;
using Dapper;
using Npgsql;

namespace BudgetEvaluation.Targets;

/// <summary>
/// Packs the stored rule sets that have no current pack (<see cref="RulesPack"/>): those stored before packs existed
/// (migration 0005) or packed in an older format. Runs in the background after the migrations, a batch at a time, so
/// the service starts at once and the runs after it load every project from its pack; until then a run reads the text.
/// </summary>
/// <remarks>Every server may run it: two packing the same row write the same bytes.</remarks>
public sealed partial class RulePacks(NpgsqlDataSource dataSource, ILogger<RulePacks> logger) : BackgroundService
{
    private const int BatchSize = 200;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var packed = await PackMissingAsync(stoppingToken);
            if (packed > 0)
                Log.Packed(logger, packed);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Only a speed-up: a run reads the text of any row left unpacked.
            Log.Failed(logger, ex);
        }
    }

    /// <summary>Packs every rule set without a current pack; returns how many it packed.</summary>
    public async Task<int> PackMissingAsync(CancellationToken cancellationToken)
    {
        var packed = 0;
        long after = 0;
        while (true)
        {
            List<(long Id, string RulesText)> rows;
            await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
            {
                rows = (await connection.QueryAsync<(long Id, string RulesText)>(new CommandDefinition(
                    """
                    SELECT r.id, r.rules_text FROM rule_sets r LEFT JOIN rule_packs k ON k.rule_set_id = r.id
                    WHERE r.id > @after AND (k.packed IS NULL OR substring(k.packed FROM 1 FOR @headerLength) <> @header)
                    ORDER BY r.id LIMIT @limit
                    """,
                    new { after, header = RulesPack.Header, headerLength = RulesPack.Header.Length, limit = BatchSize },
                    cancellationToken: cancellationToken))).AsList();
                if (rows.Count == 0)
                    return packed;
                var packs = new byte[]?[rows.Count];
                Parallel.For(0, rows.Count, new ParallelOptions { CancellationToken = cancellationToken }, i => packs[i] = TryPack(rows[i]));
                var ids = rows.Where((_, i) => packs[i] is not null).Select(r => r.Id).ToArray();
                await connection.ExecuteAsync(new CommandDefinition(
                    """
                    INSERT INTO rule_packs (rule_set_id, packed) SELECT * FROM unnest(@ids, @packs)
                    ON CONFLICT (rule_set_id) DO UPDATE SET packed = EXCLUDED.packed
                    """,
                    new { ids, packs = packs.Where(p => p is not null).ToArray() }, cancellationToken: cancellationToken));
                packed += ids.Length;
            }
            after = rows[^1].Id;
        }
    }

    /// <summary>The pack of a stored text; null when it has none or does not parse (a run then reports the text's error).</summary>
    private static byte[]? TryPack((long Id, string RulesText) row)
    {
        try
        {
            return ProjectStore.Pack(row.RulesText, $"规则 {row.Id}");
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            return null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1231, LogLevel.Information, "Packed {Count} stored rule sets for loading")]
        public static partial void Packed(ILogger logger, int count);

        [LoggerMessage(1232, LogLevel.Warning, "Packing the stored rule sets stopped; runs read the rules text of those left")]
        public static partial void Failed(ILogger logger, Exception exception);
    }
}
