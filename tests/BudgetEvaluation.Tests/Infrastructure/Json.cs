using System.Text.Json.Nodes;

namespace BudgetEvaluation.Tests.Infrastructure;

public static class Json
{
    public static async Task<JsonNode> ReadAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new InvalidOperationException("empty JSON body");
}
