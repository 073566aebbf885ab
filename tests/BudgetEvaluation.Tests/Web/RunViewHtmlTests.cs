using System.Text.Json.Nodes;
using BudgetEvaluation.Web.Runs;

namespace BudgetEvaluation.Tests.Web;

/// <summary>The run page's rendering of run-view fields it does not know by name.</summary>
public class RunViewHtmlTests
{
    [Fact]
    public void Value_ListOfObjects_IsATableWithChineseHeadingsWordsAndNoIds()
    {
        var node = JsonNode.Parse("""[{"departmentId": 2, "department": "南通市财政局", "status": "late", "late": true, "attempts": 3, "projectErrors": []}]""");

        var html = RunViewHtml.Value(node);

        Assert.Equal(
            "<table class=\"grid compact\"><thead><tr><th>主管部门</th><th>状态</th><th>逾期</th><th>尝试次数</th><th>项目错误</th></tr></thead>"
            + "<tbody><tr><td>南通市财政局</td><td>逾期</td><td>是</td><td>3</td><td>无</td></tr></tbody></table>",
            html);
    }

    [Fact]
    public void Value_ObjectWithListsAndText_IsALabelledListWithTheTextEncoded()
    {
        var node = JsonNode.Parse("""{"grades": {"优": 8}, "warnings": {}, "lateDepartments": ["南通市财政局", "<b>"], "error": null}""");

        var html = RunViewHtml.Value(node);

        Assert.Equal(
            "<dl class=\"fields\"><div><dt>评价等级</dt><dd><dl class=\"fields\"><div><dt>优</dt><dd>8</dd></div></dl></dd></div><div><dt>预警</dt><dd>无</dd></div>"
            + "<div><dt>逾期的主管部门</dt><dd>南通市财政局、&lt;b&gt;</dd></div><div><dt>错误</dt><dd>—</dd></div></dl>",
            html);
    }
}
