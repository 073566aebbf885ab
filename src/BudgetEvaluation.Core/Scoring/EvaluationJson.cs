using System.Text.Encodings.Web;
using System.Text.Json;

namespace BudgetEvaluation.Core.Scoring;

/// <summary>The JSON form of evaluations: camelCase, full precision, Chinese kept readable.</summary>
public static class EvaluationJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The same on one line, as results are stored: a third less text to send and compress.</summary>
    public static readonly JsonSerializerOptions Compact = new(Options) { WriteIndented = false };

    public static string Serialize(IReadOnlyList<ProjectEvaluation> evaluations) => JsonSerializer.Serialize(evaluations, Options);

    public static List<ProjectEvaluation> Deserialize(string json) =>
        JsonSerializer.Deserialize<List<ProjectEvaluation>>(json, Options) ?? [];
}
