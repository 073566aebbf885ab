using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace BudgetEvaluation.Web.Runs;

/// <summary>
/// Renders fields of a run's view that the run page does not know by name (a later view's per-department progress,
/// late departments, summary) from their JSON: objects as label/value lists, lists of objects as tables, words
/// the pages know in Chinese. So the page shows what the API adds without being changed for it.
/// </summary>
public static class RunViewHtml
{
    private static readonly Dictionary<string, string> Labels = new(StringComparer.Ordinal)
    {
        ["trigger"] = "发起方式",
        ["departments"] = "各主管部门",
        ["department"] = "主管部门",
        ["late"] = "逾期",
        ["lateDepartments"] = "逾期的主管部门",
        ["failedDepartments"] = "失败的主管部门",
        ["summary"] = "汇总",
        ["status"] = "状态",
        ["attempts"] = "尝试次数",
        ["error"] = "错误",
        ["projectErrors"] = "项目错误",
        ["pulledFiles"] = "拉取的文件",
        ["projects"] = "项目数",
        ["project"] = "项目",
        ["results"] = "已完成",
        ["scored"] = "已评分",
        ["withMissingActuals"] = "缺少实际完成值的项目",
        ["missingActuals"] = "缺少实际完成值",
        ["noActuals"] = "无实际完成值",
        ["indicators"] = "指标",
        ["grades"] = "评价等级",
        ["warnings"] = "预警",
        ["startedAt"] = "开始时间",
        ["finishedAt"] = "完成时间",
        ["source"] = "数据来源",
        ["fileName"] = "文件名",
        ["outcome"] = "结果",
        ["errors"] = "错误",
        ["message"] = "说明",
    };

    private static readonly Dictionary<string, string> Words = new(StringComparer.Ordinal)
    {
        ["queued"] = "排队中",
        ["running"] = "评分中",
        ["pulling"] = "拉取中",
        ["retrying"] = "重试中",
        ["scoring"] = "评分中",
        ["succeeded"] = "已完成",
        ["failed"] = "失败",
        ["late"] = "逾期",
        ["api"] = "手动发起",
        ["schedule"] = "定时计划",
        ["accepted"] = "已接收",
        ["rejected"] = "已拒绝",
        ["green"] = "绿",
        ["yellow"] = "黄",
        ["red"] = "红",
    };

    public static string Label(string key) => Labels.GetValueOrDefault(key, key);

    /// <summary>Ids mean nothing to a reader; the names beside them do.</summary>
    private static bool Hidden(string key) => key.EndsWith("Id", StringComparison.Ordinal) || key == "id";

    /// <summary>A value as HTML (encoded).</summary>
    public static string Value(JsonNode? node)
    {
        var html = new StringBuilder();
        Write(html, node);
        return html.ToString();
    }

    private static void Write(StringBuilder html, JsonNode? node)
    {
        switch (node)
        {
            case null:
                html.Append('—');
                break;
            case JsonArray { Count: 0 } or JsonObject { Count: 0 }:
                html.Append('无');
                break;
            case JsonArray array when array.All(x => x is JsonObject):
                Table(html, array);
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                        html.Append('、');
                    Write(html, array[i]);
                }
                break;
            case JsonObject obj:
                List(html, obj);
                break;
            case JsonValue value:
                html.Append(E(Scalar(value)));
                break;
        }
    }

    private static string Scalar(JsonValue value)
    {
        if (value.TryGetValue<bool>(out var flag))
            return flag ? "是" : "否";
        if (value.TryGetValue<string>(out var text))
        {
            if (text.Contains('T', StringComparison.Ordinal)
                && DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time))
                return WebText.Time(time);
            return Words.GetValueOrDefault(text, text);
        }
        return value.ToJsonString();
    }

    private static void Table(StringBuilder html, JsonArray array)
    {
        var columns = array.SelectMany(x => x!.AsObject().Select(kv => kv.Key)).Where(k => !Hidden(k)).Distinct().ToList();
        html.Append("<table class=\"grid compact\"><thead><tr>");
        foreach (var column in columns)
            html.Append("<th>").Append(E(Label(column))).Append("</th>");
        html.Append("</tr></thead><tbody>");
        foreach (var item in array)
        {
            html.Append("<tr>");
            foreach (var column in columns)
            {
                html.Append("<td>");
                Write(html, item!.AsObject()[column]);
                html.Append("</td>");
            }
            html.Append("</tr>");
        }
        html.Append("</tbody></table>");
    }

    private static void List(StringBuilder html, JsonObject obj)
    {
        html.Append("<dl class=\"fields\">");
        foreach (var (key, value) in obj.Where(kv => !Hidden(kv.Key)))
        {
            html.Append("<div><dt>").Append(E(Label(key))).Append("</dt><dd>");
            Write(html, value);
            html.Append("</dd></div>");
        }
        html.Append("</dl>");
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
