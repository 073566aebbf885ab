using System.Globalization;
using System.Net;
using System.Text;
using BudgetEvaluation.Core.Scoring;
using BudgetEvaluation.Core.Targets;

namespace BudgetEvaluation.Core.Reports;

/// <summary>
/// The official tables as one self-contained HTML document: a summary page, then one A4 page per project with the
/// 项目支出绩效自评表 (year-end) or 绩效运行监控表 (mid-year). No scripts and no external resources, so it opens
/// offline and prints as it shows. Every text from uploads or rules is HTML-encoded.
/// </summary>
public static class HtmlReport
{
    /// <summary>The styles of the tables, scoped under <c>.be-report</c> so that web pages can embed the fragments.</summary>
    public const string Styles = """
        .be-report { font-family: "SimSun", "宋体", "Songti SC", "Noto Serif CJK SC", "Source Han Serif SC", "Noto Sans CJK SC", serif; font-size: 9pt; color: #000; line-height: 1.3; }
        .be-report h1, .be-report h2 { font-family: "SimHei", "黑体", "Heiti SC", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif; text-align: center; margin: 0 0 1.5mm; letter-spacing: 0.05em; }
        .be-report h1 { font-size: 16pt; }
        .be-report h2 { font-size: 12pt; text-align: left; margin-top: 5mm; }
        .be-report .subtitle { text-align: center; margin: 0 0 2mm; }
        .be-report .meta { display: flex; justify-content: space-between; font-size: 9pt; margin: 0 0 1.5mm; }
        .be-report table.form { width: 100%; border-collapse: collapse; table-layout: fixed; }
        .be-report table.form + table.form { margin-top: -1px; }
        .be-report table.form th, .be-report table.form td { border: 1px solid #000; padding: 0.7mm 1mm; vertical-align: middle; overflow-wrap: anywhere; }
        .be-report table.form th { font-weight: bold; background: #f0f0f0; text-align: center; }
        .be-report table.form th.label { background: #f7f7f7; }
        .be-report td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
        .be-report td.c { text-align: center; }
        .be-report td.text { text-align: left; }
        .be-report tr.note td { font-size: 7.5pt; color: #333; background: #fafafa; padding-top: 0.3mm; padding-bottom: 0.3mm; }
        .be-report tr.total th, .be-report tr.total td { font-weight: bold; }
        .be-report .missing { font-style: italic; color: #444; }
        .be-report .status { font-weight: bold; margin-right: 1mm; }
        .be-report .flag { display: block; color: #6b3a00; }
        .be-report .warn { display: inline-block; white-space: nowrap; font-weight: bold; border: 1px solid currentColor; border-radius: 1mm; padding: 0 1.2mm; }
        .be-report .warn-green { color: #1b5e20; background: #e2f3e0; }
        .be-report .warn-yellow { color: #6d4c00; background: #fff1b8; }
        .be-report .warn-red { color: #a31515; background: #fbdcd8; }
        .be-report .grade { font-size: 12pt; font-weight: bold; }
        .be-report .footnote { font-size: 8.5pt; margin: 1.5mm 0 0; }
        .be-report a { color: inherit; text-decoration: none; }
        .be-report .xl-text { mso-number-format: "\@"; }
        .be-report * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        """;

    /// <summary>Page layout of the standalone document: A4 paper on screen and in print, a page break before each project.</summary>
    private const string PageStyles = """
        * { box-sizing: border-box; }
        html, body { margin: 0; padding: 0; }
        body.be-report > section.project { break-before: page; page-break-before: always; }
        body.be-report table.form tr { break-inside: avoid; page-break-inside: avoid; }
        @media screen {
          body.be-report { background: #e6e6e6; padding: 6mm 0; }
          body.be-report > section { background: #fff; width: var(--page-width); margin: 0 auto 6mm; padding: 12mm 12mm 14mm; box-shadow: 0 1px 4px rgba(0, 0, 0, 0.25); }
        }
        @media print {
          body.be-report > section { width: auto; margin: 0; padding: 0; }
        }
        """;

    private const string PortraitPage = """
        @page { size: A4; margin: 12mm 12mm; }
        :root { --page-width: 210mm; }
        """;

    /// <summary>The monitoring table's twelve columns need landscape paper and a denser table to fit a page.</summary>
    private const string LandscapePage = """
        @page { size: A4 landscape; margin: 9mm 10mm; }
        :root { --page-width: 297mm; }
        body.be-report.mid-year table.form { font-size: 8.5pt; }
        body.be-report.mid-year table.form td { padding-top: 0.5mm; padding-bottom: 0.5mm; }
        """;

    /// <summary>The whole document: summary page first, then one section per project.</summary>
    public static string Document(IReadOnlyList<ProjectEvaluation> evaluations, Period period)
    {
        var year = evaluations.Count > 0 ? evaluations[0].Year.ToString(CultureInfo.InvariantCulture) : "";
        var title = period == Period.MidYear ? $"{year}年项目支出绩效运行监控报告" : $"{year}年度项目支出绩效自评报告";
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(E(title)).Append("</title>\n<style>\n")
            .Append(period == Period.MidYear ? LandscapePage : PortraitPage).Append('\n')
            .Append(PageStyles).Append('\n').Append(Styles).Append("\n</style>\n</head>\n")
            .Append("<body class=\"be-report ").Append(period.Code()).Append("\">\n")
            .Append("<section class=\"summary\">\n").Append(Summary(evaluations, period)).Append("</section>\n");
        for (var i = 0; i < evaluations.Count; i++)
        {
            html.Append("<section class=\"project\" id=\"").Append(SectionId(i)).Append("\">\n")
                .Append(ProjectTable(evaluations[i]))
                .Append("</section>\n");
        }
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    public static void Write(IReadOnlyList<ProjectEvaluation> evaluations, Period period, Stream stream)
    {
        var bytes = new UTF8Encoding(false).GetBytes(Document(evaluations, period));
        stream.Write(bytes);
    }

    /// <summary>The anchor of the n-th project's section (0-based), linked from the summary.</summary>
    public static string SectionId(int index) => $"p{index + 1}";

    /// <summary>
    /// One project's table as an HTML fragment (title, header, 资金, 目标 and 指标 parts), for the document and for
    /// web pages; wrap it in an element with class <c>be-report</c> and include <see cref="Styles"/>.
    /// </summary>
    public static string ProjectTable(ProjectEvaluation evaluation) =>
        ReportFormat.PeriodOf(evaluation) == Period.MidYear ? MidYearTable(evaluation) : YearEndTable(evaluation);

    // ---- summary ----

    /// <summary>The summary page as an HTML fragment: every project, counts per grade or warning, totals per department.</summary>
    public static string Summary(IReadOnlyList<ProjectEvaluation> evaluations, Period period)
    {
        var h = new StringBuilder();
        var first = evaluations.Count > 0 ? evaluations[0] : null;
        var year = first?.Year.ToString(CultureInfo.InvariantCulture) ?? "";
        var midYear = period == Period.MidYear;
        var months = first is null ? "1-6月" : ReportFormat.MonthsCovered(first.AsOf);
        h.Append("<h1>").Append(E(midYear ? $"{year}年项目支出绩效运行监控汇总表" : $"{year}年度项目支出绩效自评汇总表")).Append("</h1>\n");
        if (midYear)
            h.Append("<p class=\"subtitle\">（").Append(E(months)).Append("）</p>\n");
        h.Append("<div class=\"meta\"><span>评分方案：").Append(E(first?.Scheme ?? "")).Append("</span><span>评价时点：")
            .Append(E(first?.AsOf ?? "")).Append("</span><span>项目数：").Append(evaluations.Count).Append("</span><span>金额单位：万元</span></div>\n");

        h.Append("<table class=\"form summary-projects\">\n");
        if (midYear)
        {
            h.Append(Cols(5, 17, 22, 9, 9, 7, 7, 8, 9, 7));
            h.Append("<thead><tr><th>序号</th><th>主管部门</th><th>项目名称</th><th>全年预算数</th><th>")
                .Append(E(months)).Append("执行数</th><th>执行率</th><th>计划执行率</th><th>资金预警</th><th>指标预警<br>（绿/黄/红）</th><th>项目预警</th></tr></thead>\n<tbody>\n");
            for (var i = 0; i < evaluations.Count; i++)
            {
                var e = evaluations[i];
                var (green, yellow, red) = ReportSummary.WarningCounts(e.Indicators.Select(x => x.Warning));
                h.Append("<tr><td class=\"c\">").Append(i + 1).Append("</td><td>").Append(E(e.Department)).Append("</td><td>")
                    .Append(ProjectLink(i, e.Project)).Append("</td>")
                    .Append(Num(ReportFormat.Amount(e.Funds.AnnualBudget)))
                    .Append(e.Funds.Spent is null ? Missing() : Num(ReportFormat.Amount(e.Funds.Spent)))
                    .Append(Num(ReportFormat.Percent(e.Funds.ExecutionRate)))
                    .Append(Num(ReportFormat.Percent(e.Funds.PlannedRate)))
                    .Append("<td class=\"c\">").Append(Warning(e.Funds.Warning)).Append("</td>")
                    .Append("<td class=\"c\">").Append(green).Append(" / ").Append(yellow).Append(" / ").Append(red).Append("</td>")
                    .Append("<td class=\"c\">").Append(Warning(e.Warning)).Append("</td></tr>\n");
            }
        }
        else
        {
            h.Append(Cols(5, 20, 27, 10, 10, 8, 7, 6, 7));
            h.Append("<thead><tr><th>序号</th><th>主管部门</th><th>项目名称</th><th>全年预算数</th><th>全年执行数</th><th>执行率</th><th>总分</th><th>评价等级</th><th>未填报指标数</th></tr></thead>\n<tbody>\n");
            for (var i = 0; i < evaluations.Count; i++)
            {
                var e = evaluations[i];
                h.Append("<tr><td class=\"c\">").Append(i + 1).Append("</td><td>").Append(E(e.Department)).Append("</td><td>")
                    .Append(ProjectLink(i, e.Project)).Append("</td>")
                    .Append(Num(ReportFormat.Amount(e.Funds.AnnualBudget)))
                    .Append(e.Funds.Spent is null ? Missing() : Num(ReportFormat.Amount(e.Funds.Spent)))
                    .Append(Num(ReportFormat.Percent(e.Funds.ExecutionRate)))
                    .Append(Num(e.TotalScore is { } t ? ReportFormat.Score(t) : ReportFormat.None))
                    .Append("<td class=\"c grade\">").Append(E(e.Grade ?? "")).Append("</td>")
                    .Append("<td class=\"c\">").Append(e.Missing.Count).Append("</td></tr>\n");
            }
        }
        h.Append("</tbody>\n</table>\n");

        if (midYear)
        {
            var (green, yellow, red) = ReportSummary.WarningCounts(evaluations.Select(e => e.Warning));
            h.Append("<h2>项目预警分布</h2>\n<table class=\"form summary-counts\">\n<thead><tr><th>")
                .Append(Warning(Warnings.Green)).Append("（正常）</th><th>").Append(Warning(Warnings.Yellow)).Append("（滞后）</th><th>")
                .Append(Warning(Warnings.Red)).Append("（严重滞后）</th><th>合计</th></tr></thead>\n<tbody><tr>")
                .Append(Count(green)).Append(Count(yellow)).Append(Count(red)).Append(Count(evaluations.Count))
                .Append("</tr></tbody>\n</table>\n");
        }
        else
        {
            var counts = ReportSummary.GradeCounts(evaluations);
            h.Append("<h2>评价等级分布</h2>\n<table class=\"form summary-counts\">\n<thead><tr>");
            foreach (var (grade, _) in counts)
                h.Append("<th>").Append(E(grade)).Append("</th>");
            h.Append("<th>合计</th></tr></thead>\n<tbody><tr>");
            foreach (var (_, count) in counts)
                h.Append(Count(count));
            h.Append(Count(evaluations.Count)).Append("</tr></tbody>\n</table>\n");
        }

        h.Append("<h2>按主管部门汇总</h2>\n<table class=\"form summary-departments\">\n<thead><tr><th>主管部门</th><th>项目数</th>");
        h.Append(midYear ? "<th>● 绿</th><th>▲ 黄</th><th>■ 红</th>" : "<th>平均分</th>");
        h.Append("<th>全年预算数</th><th>").Append(midYear ? E(months) : "全年").Append("执行数</th><th>执行率</th></tr></thead>\n<tbody>\n");
        foreach (var d in ReportSummary.ByDepartment(evaluations))
        {
            h.Append("<tr><td>").Append(E(d.Department)).Append("</td><td class=\"c\">").Append(d.Projects).Append("</td>");
            if (midYear)
                h.Append("<td class=\"c\">").Append(d.Green).Append("</td><td class=\"c\">").Append(d.Yellow).Append("</td><td class=\"c\">").Append(d.Red).Append("</td>");
            else
                h.Append(Num(d.AverageScore is { } avg ? ReportFormat.Score(avg) : ReportFormat.None));
            h.Append(Num(ReportFormat.Amount(d.AnnualBudget))).Append(Num(ReportFormat.Amount(d.Spent)))
                .Append(Num(ReportFormat.Percent(d.ExecutionRate))).Append("</tr>\n");
        }
        h.Append("</tbody>\n</table>\n");
        h.Append(midYear
            ? "<p class=\"footnote\">预警：● 绿＝正常，▲ 黄＝滞后，■ 红＝严重滞后或无法完成；项目预警取其指标与资金预警中最严重者，未填报按红色计。</p>\n"
            : "<p class=\"footnote\">评价等级按评分方案的等级划分；未填报的指标计 0 分。</p>\n");
        h.Append("<p class=\"footnote\">分数、金额保留两位小数，百分比保留一至两位小数，仅用于显示；计算保留完整精度。</p>\n");
        return h.ToString();
    }

    // ---- year-end: 项目支出绩效自评表 ----

    private static string YearEndTable(ProjectEvaluation e)
    {
        var h = new StringBuilder();
        var f = e.Funds;
        h.Append("<h1>项目支出绩效自评表</h1>\n<p class=\"subtitle\">（").Append(e.Year).Append("年度）</p>\n");
        h.Append("<div class=\"meta\"><span>评分方案：").Append(E(e.Scheme)).Append("</span><span>评价时点：").Append(E(e.AsOf)).Append("</span></div>\n");
        Header(h, e);

        // 项目资金: the scored row is 年度资金总额; the breakdown is only known for the opening budget.
        h.Append("<table class=\"form funds\">\n").Append(Cols(10, 18, 12, 12, 12, 12, 12, 12));
        h.Append("<tr><th class=\"label\" rowspan=\"6\">项目资金<br>（万元）</th><th></th><th>年初预算数</th><th>全年预算数</th><th>全年执行数</th><th>分值</th><th>执行率</th><th>得分</th></tr>\n");
        h.Append("<tr><th class=\"label\">年度资金总额</th>")
            .Append(Num(ReportFormat.Amount(f.Total))).Append(Num(ReportFormat.Amount(f.AnnualBudget)))
            .Append(f.Spent is null ? Missing() : Num(ReportFormat.Amount(f.Spent)))
            .Append(Num(f.Weight > 0 ? ReportFormat.Score(f.Weight) : ReportFormat.None))
            .Append(Num(ReportFormat.Percent(f.ExecutionRate)))
            .Append(Num(f.Weight > 0 ? ReportFormat.Score(f.Score) : ReportFormat.None)).Append("</tr>\n");
        FundsBreakdown(h, "其中：当年财政拨款", f.FiscalAppropriation);
        FundsBreakdown(h, "上年结转资金", f.CarriedOver);
        FundsBreakdown(h, "其他资金", f.Other);
        h.Append("<tr class=\"note\"><td colspan=\"7\">计分说明：").Append(E(f.Explanation)).Append("</td></tr>\n</table>\n");

        Goal(h, e, "预期目标", "实际完成情况");

        // 绩效指标: 一级 and 二级 cells merge over their runs, as on the printed form, and span the explanation lines
        // too. The label is a header row rather than a column spanning the whole table, so that a long table can
        // still break between groups (and its header repeats on the next page).
        h.Append("<table class=\"form indicators\">\n").Append(Cols(9, 9, 18, 11, 11, 7, 7, 28));
        h.Append("<thead><tr><th class=\"label\" colspan=\"8\">绩效指标</th></tr>\n")
            .Append("<tr><th>一级指标</th><th>二级指标</th><th>三级指标</th><th>年度指标值</th><th>实际完成值</th><th>分值</th><th>得分</th><th>偏差原因分析及改进措施</th></tr></thead>\n<tbody>\n");
        var noted = e.Indicators.Select(YearEndNoteShown).ToList();
        var (categorySpans, subcategorySpans) = Spans(e.Indicators, noted);
        for (var i = 0; i < e.Indicators.Count; i++)
        {
            var x = e.Indicators[i];
            h.Append("<tr class=\"indicator status-").Append(E(x.Status)).Append("\">");
            if (categorySpans[i] > 0)
                h.Append("<td class=\"c\" rowspan=\"").Append(categorySpans[i]).Append("\">").Append(E(x.Category)).Append("</td>");
            if (subcategorySpans[i] > 0)
                h.Append("<td class=\"c\" rowspan=\"").Append(subcategorySpans[i]).Append("\">").Append(E(x.Subcategory)).Append("</td>");
            var scored = x.Weight > 0;
            h.Append("<td>").Append(E(x.Indicator)).Append("</td><td class=\"c\">").Append(E(x.Target)).Append("</td>")
                .Append(Actual(x.Actual))
                .Append(Num(scored ? ReportFormat.Score(x.Weight) : ReportFormat.None))
                .Append(Num(scored ? ReportFormat.Score(x.Score) : ReportFormat.None))
                .Append(UploadText(x.Deviation)).Append("</tr>\n");
            if (noted[i])
                h.Append("<tr class=\"note\"><td colspan=\"6\">").Append(Note(x)).Append("</td></tr>\n");
        }
        h.Append("</tbody>\n<tbody class=\"totals\">\n");
        h.Append("<tr class=\"total\"><th colspan=\"5\">总分</th>")
            .Append(Num(ReportFormat.Score(ReportFormat.TotalWeight(e))))
            .Append(Num(e.TotalScore is { } total ? ReportFormat.Score(total) : ReportFormat.None))
            .Append("<td></td></tr>\n");
        h.Append("<tr class=\"total\"><th colspan=\"5\">评价等级</th><td colspan=\"3\" class=\"c grade\">").Append(E(e.Grade ?? "")).Append("</td></tr>\n");
        h.Append("</tbody>\n</table>\n");
        Footnotes(h, e, "“—”表示本评分方案不计分（决策、过程指标只判断是否达成，达成者不另列计分说明）；预算执行率在项目资金部分计分。");
        return h.ToString();
    }

    private static void FundsBreakdown(StringBuilder h, string label, double? opening) =>
        h.Append("<tr><th class=\"label\">").Append(E(label)).Append("</th>").Append(Num(ReportFormat.Amount(opening)))
            .Append(Num(ReportFormat.None)).Append(Num(ReportFormat.None)).Append(Num(ReportFormat.None))
            .Append(Num(ReportFormat.None)).Append(Num(ReportFormat.None)).Append("</tr>\n");

    // ---- mid-year: 绩效运行监控表 ----

    private static string MidYearTable(ProjectEvaluation e)
    {
        var h = new StringBuilder();
        var f = e.Funds;
        var months = ReportFormat.MonthsCovered(e.AsOf);
        h.Append("<h1>项目支出绩效运行监控表</h1>\n<p class=\"subtitle\">（").Append(e.Year).Append("年").Append(E(months)).Append("）</p>\n");
        h.Append("<div class=\"meta\"><span>评分方案：").Append(E(e.Scheme)).Append("</span><span>监控时点：").Append(E(e.AsOf))
            .Append("（序时进度 ").Append(E(ReportFormat.Percent(TimeProgress(e.AsOf)))).Append("）</span><span>项目预警：")
            .Append(Warning(e.Warning)).Append("</span></div>\n");
        Header(h, e);

        h.Append("<table class=\"form funds\">\n").Append(Cols(10, 15, 12.5, 12.5, 12.5, 12.5, 12.5, 12.5));
        h.Append("<tr><th class=\"label\" rowspan=\"3\">项目资金<br>（万元）</th><th></th><th>全年预算数</th><th>半年计划执行数</th><th>")
            .Append(E(months)).Append("执行数</th><th>执行率</th><th>计划执行率</th><th>预警</th></tr>\n");
        h.Append("<tr><th class=\"label\">年度资金总额</th>").Append(Num(ReportFormat.Amount(f.AnnualBudget)))
            .Append(Num(ReportFormat.Amount(f.MidYearPlannedSpend)))
            .Append(f.Spent is null ? Missing() : Num(ReportFormat.Amount(f.Spent)))
            .Append(Num(ReportFormat.Percent(f.ExecutionRate))).Append(Num(ReportFormat.Percent(f.PlannedRate)))
            .Append("<td class=\"c\">").Append(Warning(f.Warning)).Append("</td></tr>\n");
        h.Append("<tr class=\"note\"><td colspan=\"7\">预警说明：").Append(E(f.Explanation)).Append("</td></tr>\n</table>\n");

        Goal(h, e, "全年预期目标", $"{months}实际完成情况");

        h.Append("<table class=\"form indicators\">\n").Append(Cols(5.5, 5.5, 16, 8, 7.5, 5, 8, 5.5, 5, 6.5, 6, 21.5));
        h.Append("<thead><tr><th>一级指标</th><th>二级指标</th><th>三级指标</th><th>半年指标值</th><th>").Append(E(months))
            .Append("实际完成值</th><th>完成率</th><th>全年指标值</th><th>全年预测（线性）</th><th>预警</th><th>偏差原因类型</th><th>完成目标可能性</th><th>偏差原因分析及改进措施</th></tr></thead>\n<tbody>\n");
        var noted = e.Indicators.Select(MidYearNoteShown).ToList();
        var (categorySpans, subcategorySpans) = Spans(e.Indicators, noted);
        for (var i = 0; i < e.Indicators.Count; i++)
        {
            var x = e.Indicators[i];
            h.Append("<tr class=\"indicator warning-").Append(E(x.Warning ?? "")).Append("\">");
            if (categorySpans[i] > 0)
                h.Append("<td class=\"c\" rowspan=\"").Append(categorySpans[i]).Append("\">").Append(E(x.Category)).Append("</td>");
            if (subcategorySpans[i] > 0)
                h.Append("<td class=\"c\" rowspan=\"").Append(subcategorySpans[i]).Append("\">").Append(E(x.Subcategory)).Append("</td>");
            h.Append("<td>").Append(E(x.Indicator)).Append("</td><td class=\"c\">").Append(E(x.Target)).Append("</td>")
                .Append(Actual(x.Actual))
                .Append(Num(ReportFormat.Percent(x.Completion)))
                .Append("<td class=\"c\">").Append(E(x.YearEndTarget ?? "")).Append("</td>")
                .Append(Num(x.Forecast is { } forecast ? ReportFormat.Number(forecast) : ReportFormat.None))
                .Append("<td class=\"c\">").Append(Warning(x.Warning)).Append("</td>")
                .Append(UploadText(x.DeviationType, "c")).Append(UploadText(x.Likelihood, "c")).Append(UploadText(x.Deviation))
                .Append("</tr>\n");
            if (noted[i])
                h.Append("<tr class=\"note\"><td colspan=\"10\">").Append(Note(x)).Append("</td></tr>\n");
        }
        h.Append("</tbody>\n<tbody class=\"totals\"><tr class=\"total\"><th colspan=\"8\">项目预警（取各指标与资金预警中最严重者）</th><td colspan=\"4\" class=\"c\">")
            .Append(Warning(e.Warning)).Append("</td></tr></tbody>\n</table>\n");
        Footnotes(h, e, "全年预测（线性）＝实际完成值 ÷ 序时进度（仅累计数量类指标）；● 绿＝正常，▲ 黄＝滞后，■ 红＝严重滞后或无法完成；绿色且无提示的指标不另列说明。");
        return h.ToString();
    }

    // ---- shared parts ----

    private static void Header(StringBuilder h, ProjectEvaluation e)
    {
        h.Append("<table class=\"form header\">\n").Append(Cols(15, 35, 15, 35));
        h.Append("<tr><th class=\"label\">项目名称</th><td colspan=\"3\">").Append(E(e.Project)).Append("</td></tr>\n");
        h.Append("<tr><th class=\"label\">主管部门</th><td>").Append(E(e.Department)).Append("</td><th class=\"label\">实施单位</th><td>")
            .Append(E(e.ImplementingUnit)).Append("</td></tr>\n</table>\n");
    }

    private static void Goal(StringBuilder h, ProjectEvaluation e, string expected, string achieved)
    {
        h.Append("<table class=\"form goal\">\n").Append(Cols(10, 52, 38));
        h.Append("<tr><th class=\"label\" rowspan=\"2\">年度总体目标</th><th>").Append(E(expected)).Append("</th><th>").Append(E(achieved)).Append("</th></tr>\n");
        h.Append("<tr><td class=\"text\">").Append(E(e.AnnualGoal)).Append("</td>")
            .Append(e.GoalAchievement.Length > 0 ? UploadText(e.GoalAchievement) : "<td class=\"text\"><span class=\"missing\">" + ReportFormat.NotReported + "</span></td>")
            .Append("</tr>\n</table>\n");
    }

    private static void Footnotes(StringBuilder h, ProjectEvaluation e, string legend)
    {
        if (e.Missing.Count > 0)
        {
            h.Append("<p class=\"footnote\">未填报指标（").Append(e.Missing.Count).Append(" 项）：")
                .Append(string.Join("；", e.Missing.Select(E))).Append("</p>\n");
        }
        h.Append("<p class=\"footnote\">说明：").Append(E(legend)).Append("</p>\n");
    }

    /// <summary>The explanation line under an indicator: status, the formula with its numbers, and flags.</summary>
    private static string Note(IndicatorResult x)
    {
        var note = new StringBuilder();
        note.Append("<span class=\"status\">【").Append(E(Statuses.Chinese(x.Status))).Append("】</span>").Append(E(x.Explanation));
        foreach (var flag in x.Flags)
            note.Append("<span class=\"flag\">⚑ 提示：").Append(E(flag)).Append("</span>");
        return note.ToString();
    }

    /// <summary>
    /// Year-end: the explanation line is shown for every scored row and for any row not met or flagged; an unscored
    /// row that is met (决策 / 过程 in the default scheme) says nothing its cells do not, and dropping it keeps a
    /// project on one A4 page.
    /// </summary>
    private static bool YearEndNoteShown(IndicatorResult x) => x.Weight > 0 || x.Status != Statuses.Met || x.Flags.Count > 0;

    /// <summary>Mid-year: the explanation line is shown unless the row is green and unflagged (its cells say it all).</summary>
    private static bool MidYearNoteShown(IndicatorResult x) => x.Warning != Warnings.Green || x.Status != Statuses.Met || x.Flags.Count > 0;

    /// <summary>
    /// For each indicator, how many table rows the merged 一级 (and 二级) cell spans when the indicator starts a run
    /// of the same 一级 (二级), else 0: one row per indicator plus its explanation line when shown.
    /// Runs, not groups: the table keeps the order of the target table.
    /// </summary>
    private static (int[] Category, int[] Subcategory) Spans(IReadOnlyList<IndicatorResult> indicators, IReadOnlyList<bool> noted)
    {
        var category = new int[indicators.Count];
        var subcategory = new int[indicators.Count];
        int Rows(int from, int to) => Enumerable.Range(from, to - from).Sum(k => noted[k] ? 2 : 1);
        for (var i = 0; i < indicators.Count;)
        {
            var j = i;
            while (j < indicators.Count && indicators[j].Category == indicators[i].Category)
                j++;
            category[i] = Rows(i, j);
            for (var k = i; k < j;)
            {
                var m = k;
                while (m < j && indicators[m].Subcategory == indicators[k].Subcategory)
                    m++;
                subcategory[k] = Rows(k, m);
                k = m;
            }
            i = j;
        }
        return (category, subcategory);
    }

    private static double TimeProgress(string asOf) =>
        DateOnly.TryParseExact(asOf, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? Evaluator.TimeProgress(date)
            : 0.5;

    private static string ProjectLink(int index, string project) => $"<a href=\"#{SectionId(index)}\">{E(project)}</a>";

    private static string Cols(params double[] percents)
    {
        var cols = new StringBuilder("<colgroup>");
        foreach (var p in percents)
            cols.Append("<col style=\"width:").Append(p.ToString(CultureInfo.InvariantCulture)).Append("%\">");
        return cols.Append("</colgroup>\n").ToString();
    }

    private static string Num(string text, string cssClass = "num") => $"<td class=\"{cssClass}\">{E(text)}</td>";

    private static string Count(int count) => $"<td class=\"c\">{count.ToString(CultureInfo.InvariantCulture)}</td>";

    private static string Missing() => $"<td class=\"c\"><span class=\"missing\">{ReportFormat.NotReported}</span></td>";

    private static string Actual(string? actual) => actual is null ? Missing() : UploadText(actual, "c");

    /// <summary>
    /// A cell of uploaded text. Formula-like text keeps its characters but is marked as text for spreadsheets that
    /// open or paste the HTML (Excel reads <c>mso-number-format</c>), so it is never run as a formula.
    /// </summary>
    private static string UploadText(string? text, string cssClass = "text")
    {
        if (string.IsNullOrEmpty(text))
            return $"<td class=\"{cssClass}\"></td>";
        var classes = SpreadsheetText.IsFormulaLike(text) ? cssClass + " xl-text" : cssClass;
        return $"<td class=\"{classes}\">{E(text)}</td>";
    }

    private static string Warning(string? warning) =>
        warning is Warnings.Green or Warnings.Yellow or Warnings.Red
            ? $"<span class=\"warn warn-{warning}\" title=\"{E(Warnings.Chinese(warning))}\">{ReportFormat.WarningLabel(warning)}</span>"
            : "";

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
