using System.Text.Json;
using BudgetEvaluation.Core.Actuals;
using BudgetEvaluation.Core.Import;

namespace BudgetEvaluation.Actuals;

/// <summary>
/// The JSON form of an actuals upload: an array of rows, each an object whose fields are the CSV/XLSX column names
/// (<c>项目名称</c>, <c>三级指标</c>, <c>实际完成值</c>, …) or their camelCase English names (<c>project</c>,
/// <c>indicator</c>, <c>value</c>, …). A row's "line" in errors is its position in the array, from 1.
/// </summary>
public static class ActualsJson
{
    /// <summary>camelCase name → the column it stands for.</summary>
    public static readonly IReadOnlyDictionary<string, string> EnglishNames = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["year"] = ActualsColumns.Year,
        ["department"] = ActualsColumns.Department,
        ["project"] = ActualsColumns.Project,
        ["category"] = ActualsColumns.Category,
        ["subcategory"] = ActualsColumns.Subcategory,
        ["indicator"] = ActualsColumns.Indicator,
        ["value"] = ActualsColumns.Value,
        ["deviation"] = ActualsColumns.Deviation,
        ["deviationType"] = ActualsColumns.DeviationType,
        ["likelihood"] = ActualsColumns.Likelihood,
    };

    private static readonly HashSet<string> Columns = [.. EnglishNames.Values];

    /// <summary>The template's target columns: shown only, accepted and ignored as in a file.</summary>
    private static readonly HashSet<string> Ignored = [ActualsColumns.MidYearTarget, ActualsColumns.YearEndTarget, "midYearTarget", "yearEndTarget"];

    public static bool IsJson(string fileName, string? contentType) =>
        Path.GetExtension(fileName).Equals(".json", StringComparison.OrdinalIgnoreCase)
        || (contentType ?? "").Split(';')[0].Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase);

    /// <summary>The rows, and every error found (a row with an error is left out).</summary>
    public static (List<ActualRow> Rows, List<ImportError> Errors) Read(byte[] content, string fileName)
    {
        var rows = new List<ActualRow>();
        var errors = new List<ImportError>();
        JsonDocument document;
        try
        {
            // The stream overload skips a UTF-8 byte order mark, which Windows editors write.
            document = JsonDocument.Parse(new MemoryStream(content, writable: false),
                new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $"第 {line + 1} 行附近" : "";
            return (rows, [new ImportError(fileName, 0, "文件", $"不是有效的 JSON（{where}{ex.Message.Split(" Path:")[0]}）：应为行对象的数组")]);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
                return (rows, [new ImportError(fileName, 0, "文件", "JSON 应为数组，每个元素一行，如 [{\"项目名称\": \"…\", \"三级指标\": \"…\", \"实际完成值\": \"…\"}]")]);
            if (document.RootElement.GetArrayLength() == 0)
                return (rows, [new ImportError(fileName, 0, "文件", "数组为空：没有任何实际完成值行")]);
            var line = 0;
            foreach (var element in document.RootElement.EnumerateArray())
            {
                line++;
                if (ReadRow(element, line, fileName, errors) is { } row)
                    rows.Add(row);
            }
        }
        return (rows, errors);
    }

    private static ActualRow? ReadRow(JsonElement element, int line, string fileName, List<ImportError> errors)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new ImportError(fileName, line, "行", $"第 {line} 个元素应为对象，实际为 {element.ValueKind}"));
            return null;
        }
        var cells = new Dictionary<string, string>(StringComparer.Ordinal);
        var before = errors.Count;
        foreach (var property in element.EnumerateObject())
        {
            if (Ignored.Contains(property.Name))
                continue;
            var column = EnglishNames.TryGetValue(property.Name, out var named) ? named : ActualsFile.NormalizeHeader(property.Name);
            if (!Columns.Contains(column))
            {
                errors.Add(new ImportError(fileName, line, property.Name,
                    $"未知字段“{property.Name}”；可用字段：{string.Join("、", EnglishNames.Values)}（或 {string.Join("、", EnglishNames.Keys)}）"));
                continue;
            }
            if (!cells.TryAdd(column, ""))
            {
                errors.Add(new ImportError(fileName, line, column, $"字段“{column}”出现了两次"));
                continue;
            }
            switch (property.Value.ValueKind)
            {
                case JsonValueKind.String:
                    cells[column] = property.Value.GetString()!.Trim();
                    break;
                case JsonValueKind.Number:
                    // As written: 1700, 96.3, 130.5 keep their digits.
                    cells[column] = property.Value.GetRawText();
                    break;
                case JsonValueKind.Null:
                    break;
                default:
                    errors.Add(new ImportError(fileName, line, column, $"字段“{column}”应为文字或数字，实际为 {property.Value.ValueKind}"));
                    break;
            }
        }
        if (errors.Count > before)
            return null;
        string Cell(string column) => cells.GetValueOrDefault(column, "");
        var row = ActualRow.FromCells(line, Cell);
        // The checks ActualsFile makes on a file's row.
        if (row.Project.Length == 0)
        {
            errors.Add(new ImportError(fileName, line, ActualsColumns.Project, $"项目名称为空（三级指标“{row.Indicator}”，实际完成值“{row.Value}”）"));
            return null;
        }
        if (row.Indicator.Length == 0)
        {
            errors.Add(new ImportError(fileName, line, ActualsColumns.Indicator, $"项目“{row.Project}”：三级指标为空（实际完成值“{row.Value}”）"));
            return null;
        }
        return row;
    }
}
