using System.Runtime.CompilerServices;
using Dapper;

namespace BudgetEvaluation.Data;

internal static class DapperConventions
{
    /// <summary>Columns are snake_case, records PascalCase; set once for every entry point (host, verbs, tests).</summary>
    [ModuleInitializer]
    internal static void Initialize() => DefaultTypeMap.MatchNamesWithUnderscores = true;
}
