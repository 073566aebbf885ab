using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Dom.Events;
using AngleSharp.Html.Parser;
using BudgetEvaluation.Core.Reports;
using BudgetEvaluation.Core.Scoring;
using BudgetEvaluation.Core.Targets;

namespace BudgetEvaluation.Core.Tests.Reports;

[Collection(SeedReportsCollection.Name)]
public sealed class HtmlReportTests(SeedEvaluations seed)
{
    private static readonly string[] SelfEvaluationHeaders =
    [
        "项目名称", "主管部门", "实施单位",
        "项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分",
        "年度资金总额", "其中：当年财政拨款", "上年结转资金", "其他资金",
        "年度总体目标", "预期目标", "实际完成情况",
        "绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "偏差原因分析及改进措施",
        "总分", "评价等级",
    ];

    private static readonly string[] MonitoringHeaders =
    [
        "项目名称", "主管部门", "实施单位",
        "项目资金（万元）", "全年预算数", "半年计划执行数", "1-6月执行数", "执行率", "计划执行率", "预警",
        "一级指标", "二级指标", "三级指标", "半年指标值", "1-6月实际完成值", "完成率", "全年指标值", "全年预测（线性）",
        "偏差原因类型", "完成目标可能性", "偏差原因分析及改进措施",
    ];

    [Fact]
    public void YearEndDocument_ParsesWithoutErrors()
    {
        var (_, errors) = Parse(HtmlReport.Document(seed.YearEnd, Period.YearEnd));

        Assert.Empty(errors);
    }

    [Fact]
    public void MidYearDocument_ParsesWithoutErrors()
    {
        var (_, errors) = Parse(HtmlReport.Document(seed.MidYear, Period.MidYear));

        Assert.Empty(errors);
    }

    [Fact]
    public void YearEndDocument_HasSummaryFirstThenOneSectionPerProject()
    {
        var (doc, _) = Parse(HtmlReport.Document(seed.YearEnd, Period.YearEnd));

        var sections = doc.QuerySelectorAll("body > section");
        Assert.Equal(13, sections.Length);
        Assert.Equal("summary", sections[0].ClassName);
        Assert.Equal("2026年度项目支出绩效自评汇总表", sections[0].QuerySelector("h1")!.TextContent);
        Assert.Equal(12, sections[0].QuerySelectorAll("table.summary-projects tbody tr").Length);
        Assert.All(sections.Skip(1), s => Assert.Equal("项目支出绩效自评表", s.QuerySelector("h1")!.TextContent));
        Assert.Equal("“通创荟”和科技招商经费专项", sections[1].QuerySelector("table.header td")!.TextContent);
        Assert.Equal("高新技术发展专项", sections[12].QuerySelector("table.header td")!.TextContent);
    }

    [Fact]
    public void YearEndDocument_EveryProjectHasEveryPartOfTheSelfEvaluationTable()
    {
        var (doc, _) = Parse(HtmlReport.Document(seed.YearEnd, Period.YearEnd));

        foreach (var section in doc.QuerySelectorAll("section.project"))
        {
            var headers = section.QuerySelectorAll("th").Select(th => th.TextContent.Trim()).ToHashSet();
            Assert.All(SelfEvaluationHeaders, h => Assert.Contains(h, headers));
        }
    }

    [Fact]
    public void MidYearDocument_EveryProjectHasEveryColumnOfTheMonitoringTable()
    {
        var (doc, _) = Parse(HtmlReport.Document(seed.MidYear, Period.MidYear));

        var sections = doc.QuerySelectorAll("section.project");
        Assert.Equal(12, sections.Length);
        foreach (var section in sections)
        {
            Assert.Equal("项目支出绩效运行监控表", section.QuerySelector("h1")!.TextContent);
            var headers = section.QuerySelectorAll("th").Select(th => th.TextContent.Trim()).ToHashSet();
            Assert.All(MonitoringHeaders, h => Assert.Contains(h, headers));
            Assert.Contains(headers, h => h.StartsWith("项目预警", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void YearEndDocument_ShowsScoresToTwoDecimalsWithTotalAndGrade()
    {
        var (doc, _) = Parse(HtmlReport.Document(seed.YearEnd, Period.YearEnd));
        var section = Section(doc, "“通创荟”和科技招商经费专项");

        // 18.75 × 1700 / 1800 = 17.7083…; funds 10 × 130 / 135 = 9.6296…; total 9.6296 + 17.7083 + 18.75 + 18.75 + 25.3125.
        Assert.Equal(["招引科创项目数", "≥1800个", "1700个", "18.75", "17.71", "受宏观环境影响，部分项目签约推迟至次年"], Cells(Row(section, "招引科创项目数")));
        Assert.Equal(["年度资金总额", "135.00", "135.00", "130.00", "10.00", "96.3%", "9.63"], Cells(section.QuerySelectorAll("table.funds tr")[1]));
        var total = section.QuerySelectorAll("tr.total");
        Assert.Equal(["总分", "100.00", "90.15", ""], Cells(total[0]));
        Assert.Equal(["评价等级", "优"], Cells(total[1]));
    }

    [Fact]
    public void YearEndDocument_ExplainsEachScoreUnderItsRow()
    {
        var (doc, _) = Parse(HtmlReport.Document(seed.YearEnd, Period.YearEnd));
        var row = Row(Section(doc, "“通创荟”和科技招商经费专项"), "科创大赛省赛和国赛获奖数");

        var note = row.NextElementSibling!;
        Assert.Equal("note", note.ClassName);
        Assert.StartsWith("【达成】实际 13个，目标 ≥10个：达成", note.TextContent);
        Assert.Contains("⚑ 提示：实际完成值达到目标的 130%", note.TextContent);
    }

    [Fact]
    public void YearEndDocument_MissingActual_ShowsNotReportedAndZero()
    {
        var (doc, _) = Parse(HtmlReport.Document(seed.YearEnd, Period.YearEnd));
        var section = Section(doc, "科研机构建设专项");

        Assert.Equal(["省市项目立项数", "≥80个", "未填报", "18.75", "0.00", ""], Cells(Row(section, "省市项目立项数")));
        Assert.Contains("未填报指标（1 项）：产出指标/质量指标/省市项目立项数", section.TextContent);
        var summaryRow = doc.QuerySelectorAll("table.summary-projects tbody tr")[9];
        Assert.Equal(["10", "南通市科学技术局", "科研机构建设专项", "17.80", "17.80", "100.0%", "81.25", "良", "1"], Cells(summaryRow));
    }

    [Fact]
    public void YearEndSummary_CountsGradesAndAveragesPerDepartment()
    {
        var (doc, _) = Parse(HtmlReport.Document(seed.YearEnd, Period.YearEnd));

        Assert.Equal(["8", "4", "0", "0", "12"], Cells(doc.QuerySelector("table.summary-counts tbody tr")!));
        // Budgets 135+27+14.5+11+6.2+19.53+93+43.6+60+17.8+31.39+27 = 486.02; spending 466.49 (the fixture's 执行数 rows).
        Assert.Equal(["南通市科学技术局", "12", "93.79", "486.02", "466.49", "95.98%"], Cells(doc.QuerySelector("table.summary-departments tbody tr")!));
    }

    [Fact]
    public void MidYearDocument_ShowsWarningsAsSymbolAndWord()
    {
        var (doc, _) = Parse(HtmlReport.Document(seed.MidYear, Period.MidYear));

        // 12 of ≥20 = 60% < 80%: red; 700 of ≥800 = 87.5%: yellow; 180 of ≥170: green.
        Assert.Equal("■ 红", Cells(Row(Section(doc, "科研机构建设专项"), "新增市级以上研发机构"))[6]);
        Assert.Equal("▲ 黄", Cells(Row(Section(doc, "高新技术发展专项"), "科创项目认定数"))[6]);
        Assert.Equal("● 绿", Cells(Row(Section(doc, "科创办推进专项"), "招引高成长型科创项目数"))[6]);
        // 完全不可能 turns the row red whatever its completion.
        Assert.Equal("■ 红", Cells(Row(Section(doc, "科创办推进专项"), "新招引人工智能、合成生物、第三代半导体等未来产业前沿项目数"))[6]);
        Assert.Equal(["2", "6", "4", "12"], Cells(doc.QuerySelector("table.summary-counts tbody tr")!));
    }

    [Fact]
    public void MidYearDocument_TimeProgressIndicator_ComparesWithElapsedTime()
    {
        var (doc, _) = Parse(HtmlReport.Document(seed.MidYear, Period.MidYear));

        // 资金到位率 45% against 序时进度 50% on 30 June: 90% complete, yellow.
        Assert.Equal(
            ["资金到位率", "序时进度", "45%", "90.0%", "100%", "—", "▲ 黄", "经费保障", "确定能", "部分资金待二季度末拨付"],
            Cells(Row(Section(doc, "产学研合作交流专项"), "资金到位率")));
    }

    [Fact]
    public void MidYearDocument_SpendingBehindPlan_IsWarned()
    {
        var (doc, _) = Parse(HtmlReport.Document(seed.MidYear, Period.MidYear));

        // 1 of 27 = 3.7% against the plan 2.16 / 27 = 8%: 4.3 points behind, yellow.
        Assert.Equal(["年度资金总额", "27.00", "2.16", "1.00", "3.7%", "8.0%", "▲ 黄"], Cells(Section(doc, "产学研合作交流专项").QuerySelectorAll("table.funds tr")[1]));
        // 10 of 31.39 = 31.86% against 15 / 31.39 = 47.79%: 15.93 points behind, red.
        Assert.Equal(["年度资金总额", "31.39", "15.00", "10.00", "31.86%", "47.79%", "■ 红"], Cells(Section(doc, "网络设备设施运行与维护费").QuerySelectorAll("table.funds tr")[1]));
    }

    [Fact]
    public void MidYearDocument_MissingActual_ShowsNotReportedInRed()
    {
        var (doc, _) = Parse(HtmlReport.Document(seed.MidYear, Period.MidYear));

        Assert.Equal(["省市项目立项数", "≥3个", "未填报", "—", "≥80个", "—", "■ 红", "", "", ""], Cells(Row(Section(doc, "科研机构建设专项"), "省市项目立项数")));
    }

    [Fact]
    public void Deviation_WithScriptTag_IsEncoded()
    {
        var text = "<script>alert('x')</script> & \"引号\"";
        var evaluation = WithDeviation(seed.YearEndOf("水电费补差"), "正常用水用电率", text);

        var html = HtmlReport.Document([evaluation], Period.YearEnd);
        var (doc, _) = Parse(html);

        Assert.DoesNotContain("<script>", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.Empty(doc.QuerySelectorAll("script"));
        Assert.Equal(text, Cells(Row(Section(doc, "水电费补差"), "正常用水用电率"))[^1]);
    }

    [Fact]
    public void Deviation_StartingLikeAFormula_IsMarkedAsTextForSpreadsheets()
    {
        var evaluation = WithDeviation(seed.YearEndOf("水电费补差"), "正常用水用电率", "=HYPERLINK(\"http://example.invalid\",\"点击\")");

        var (doc, _) = Parse(HtmlReport.Document([evaluation], Period.YearEnd));

        var cell = Row(Section(doc, "水电费补差"), "正常用水用电率").QuerySelectorAll("td").Last();
        Assert.Contains("xl-text", cell.ClassList);
        Assert.Equal("=HYPERLINK(\"http://example.invalid\",\"点击\")", cell.TextContent);
    }

    [Fact]
    public void ProjectTable_IsAFragmentTheWebPagesCanEmbed()
    {
        var fragment = HtmlReport.ProjectTable(seed.YearEndOf("物业管理费"));

        Assert.DoesNotContain("<html", fragment, StringComparison.Ordinal);
        Assert.DoesNotContain("<style", fragment, StringComparison.Ordinal);
        var (doc, errors) = Parse($"<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>t</title></head><body><div class=\"be-report\">{fragment}</div></body></html>");
        Assert.Empty(errors);
        Assert.Equal("项目支出绩效自评表", doc.QuerySelector("h1")!.TextContent);
        Assert.Equal(15, doc.QuerySelectorAll("tr.indicator").Length);
    }

    [Fact]
    public void Document_UsesNoExternalResourcesOrScripts()
    {
        var (doc, _) = Parse(HtmlReport.Document(seed.MidYear, Period.MidYear));

        Assert.Empty(doc.QuerySelectorAll("script, link, img, iframe, object"));
        Assert.Contains("@page { size: A4 landscape", doc.QuerySelector("style")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("zh-CN", doc.DocumentElement.GetAttribute("lang"));
    }

    private static (IHtmlDocument Document, List<string> Errors) Parse(string html)
    {
        var errors = new List<string>();
        var parser = new HtmlParser();
        parser.Error += (_, e) =>
        {
            var error = (HtmlErrorEvent)e;
            errors.Add($"{error.Position}: {error.Message}");
        };
        return (parser.ParseDocument(html), errors);
    }

    private static IElement Section(IHtmlDocument doc, string project) =>
        doc.QuerySelectorAll("section.project").Single(s => s.QuerySelector("table.header td")!.TextContent == project);

    /// <summary>The indicator row whose 三级指标 cell is the name.</summary>
    private static IElement Row(IElement section, string indicator) =>
        section.QuerySelectorAll("tr.indicator").Single(tr => tr.QuerySelectorAll("td").Any(td => td.TextContent == indicator));

    /// <summary>
    /// The row's cell texts (th and td), without cells carrying a rowspan: the merged 一级/二级 cells appear only on
    /// the first row of their run, so leaving them out gives every indicator row the same columns.
    /// </summary>
    private static List<string> Cells(IElement row) =>
        row.Children.Where(c => c is IHtmlTableCellElement && !c.HasAttribute("rowspan")).Select(c => c.TextContent.Trim()).ToList();

    private static ProjectEvaluation WithDeviation(ProjectEvaluation evaluation, string indicator, string deviation) =>
        evaluation with
        {
            Indicators = evaluation.Indicators.Select(i => i.Indicator == indicator ? i with { Deviation = deviation } : i).ToList(),
        };
}
