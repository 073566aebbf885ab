using System.Text;
using BudgetEvaluation.Core.Reports;
using BudgetEvaluation.Core.Targets;

namespace BudgetEvaluation.Core.Scoring;

/// <summary>The output formats of evaluations, by name.</summary>
public static class ReportWriters
{
    private static readonly Dictionary<string, Action<IReadOnlyList<ProjectEvaluation>, Period, Stream>> Writers = new()
    {
        ["json"] = (evaluations, _, stream) =>
        {
            var bytes = new UTF8Encoding(false).GetBytes(EvaluationJson.Serialize(evaluations) + "\n");
            stream.Write(bytes);
        },
        ["html"] = HtmlReport.Write,
        ["xlsx"] = XlsxReport.Write,
    };

    public static IEnumerable<string> Formats => Writers.Keys;

    public static Action<IReadOnlyList<ProjectEvaluation>, Period, Stream>? Find(string format) => Writers.GetValueOrDefault(format);
}
