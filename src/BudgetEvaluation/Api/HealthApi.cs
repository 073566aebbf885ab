using BudgetEvaluation.Data;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace BudgetEvaluation.Api;

public sealed record HealthReport(string Status, string Message, int MigrationsApplied, int MigrationsExpected);

public static class HealthApi
{
    public static IEndpointConventionBuilder MapHealthApi(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/health", CheckAsync)
            .AllowAnonymous()
            .WithTags("运行状态")
            .WithSummary("数据库可连接且迁移已全部应用时返回 200，否则 503");

    public static async Task<Results<Ok<HealthReport>, ProblemHttpResult>> CheckAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> applied;
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            applied = (await connection.QueryAsync<string>(new CommandDefinition(
                "SELECT scriptname FROM public.schema_versions", cancellationToken: cancellationToken))).AsList();
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            applied = [];
        }
        catch (NpgsqlException e)
        {
            return Problems.Create(StatusCodes.Status503ServiceUnavailable, $"无法连接数据库：{e.Message}");
        }
        var names = applied.Select(n => n.StartsWith("migrations/", StringComparison.Ordinal) ? n["migrations/".Length..] : n).ToHashSet(StringComparer.Ordinal);
        var pending = Migrations.All.Where(m => !names.Contains(m)).ToArray();
        if (pending.Length > 0)
            return Problems.Create(StatusCodes.Status503ServiceUnavailable,
                $"数据库有 {pending.Length} 个迁移尚未应用：{string.Join("、", pending)}（运行 budgeteval migrate）");
        return TypedResults.Ok(new HealthReport("healthy", $"数据库可连接，{Migrations.All.Count} 个迁移均已应用", names.Count, Migrations.All.Count));
    }
}
