using System.Globalization;
using BudgetEvaluation.Core.Scoring;
using BudgetEvaluation.Core.Targets;
using ClosedXML.Excel;

namespace BudgetEvaluation.Core.Reports;

/// <summary>
/// The official tables as a workbook: a summary sheet (汇总) first, then one sheet per project in the printed form's
/// column layout. Numbers are numbers (percent cells carry a percent format); every text is written as text and
/// formula-like text gets Excel's quote prefix, so nothing from an upload ever runs as a formula.
/// </summary>
/// <remarks>
/// Column widths are set explicitly: ClosedXML 0.95.4's <c>AdjustToContents()</c> measures text through
/// System.Drawing, which is not available on Linux. Numbers are stored unrounded (cells round only through their
/// number format); ClosedXML 0.95.4 writes them with 15 significant digits, the precision Excel itself shows.
/// </remarks>
public static class XlsxReport
{
    public const string SummarySheet = "汇总";

    /// <summary>Excel's limit on a sheet name's length.</summary>
    private const int MaxSheetName = 31;

    private static readonly XLColor HeaderFill = XLColor.FromHtml("#F0F0F0");
    private static readonly XLColor NoteFont = XLColor.FromHtml("#333333");

    public static void Write(IReadOnlyList<ProjectEvaluation> evaluations, Period period, Stream stream)
    {
        using var workbook = Build(evaluations, period);
        workbook.SaveAs(stream);
    }

    public static XLWorkbook Build(IReadOnlyList<ProjectEvaluation> evaluations, Period period)
    {
        var workbook = new XLWorkbook();
        workbook.Style.Font.FontName = "宋体";
        workbook.Style.Font.FontSize = 10;
        var names = SheetNames(evaluations.Select(e => e.Project));
        var summary = workbook.AddWorksheet(SummarySheet);
        for (var i = 0; i < evaluations.Count; i++)
        {
            var sheet = workbook.AddWorksheet(names[i]);
            if (ReportFormat.PeriodOf(evaluations[i]) == Period.MidYear)
                MidYearSheet(sheet, evaluations[i]);
            else
                YearEndSheet(sheet, evaluations[i]);
        }
        if (period == Period.MidYear)
            MidYearSummary(summary, evaluations, names);
        else
            YearEndSummary(summary, evaluations, names);
        return workbook;
    }

    /// <summary>
    /// Sheet names from project names, in order: at most 31 characters, none of <c>[]:*?/\</c>, not starting or ending
    /// with an apostrophe, unique ignoring case and distinct from the summary sheet (a clash gets <c>(2)</c>, <c>(3)</c>…).
    /// </summary>
    public static List<string> SheetNames(IEnumerable<string> projects)
    {
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { SummarySheet, "History" };
        var names = new List<string>();
        foreach (var project in projects)
        {
            var clean = new string(project.Select(c => "[]:*?/\\".Contains(c) || char.IsControl(c) ? '_' : c).ToArray()).Trim().Trim('\'');
            if (clean.Length == 0)
                clean = "项目";
            var name = Truncate(clean, MaxSheetName);
            for (var n = 2; !taken.Add(name); n++)
            {
                var suffix = $"({n})";
                name = Truncate(clean, MaxSheetName - suffix.Length) + suffix;
            }
            names.Add(name);
        }
        return names;
    }

    /// <summary>Cuts to a length without splitting a surrogate pair.</summary>
    private static string Truncate(string text, int length)
    {
        if (text.Length <= length)
            return text;
        var cut = char.IsHighSurrogate(text[length - 1]) ? length - 1 : length;
        return text[..cut].TrimEnd('\'');
    }

    // ---- year-end: 项目支出绩效自评表 (columns A–J) ----

    private static void YearEndSheet(IXLWorksheet ws, ProjectEvaluation e)
    {
        const int lastColumn = 10;
        Widths(ws, 6, 9, 9, 22, 13, 13, 8, 8, 28, 38);
        Title(ws, lastColumn, "项目支出绩效自评表", $"（{e.Year}年度）", $"评分方案：{e.Scheme}    评价时点：{e.AsOf}");
        Header(ws, 4, lastColumn, e, 5);

        // 项目资金, rows 6–10; the scored row is 年度资金总额.
        var f = e.Funds;
        Label(ws.Range(6, 1, 10, 1), "项目资金（万元）");
        Label(ws.Range(6, 2, 6, 3), "");
        HeaderCells(ws, 6, 4, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分", "计分说明");
        Label(ws.Range(7, 2, 7, 3), "年度资金总额");
        Amount(ws.Cell(7, 4), f.Total);
        Amount(ws.Cell(7, 5), f.AnnualBudget);
        Amount(ws.Cell(7, 6), f.Spent, missingText: ReportFormat.NotReported);
        ScoreOrNone(ws.Cell(7, 7), f.Weight, f.Weight);
        Percent(ws.Cell(7, 8), f.ExecutionRate);
        ScoreOrNone(ws.Cell(7, 9), f.Score, f.Weight);
        Note(ws.Cell(7, 10), f.Explanation);
        var breakdown = new (string Label, double? Opening)[] { ("其中：当年财政拨款", f.FiscalAppropriation), ("上年结转资金", f.CarriedOver), ("其他资金", f.Other) };
        for (var i = 0; i < breakdown.Length; i++)
        {
            var row = 8 + i;
            Label(ws.Range(row, 2, row, 3), breakdown[i].Label);
            Amount(ws.Cell(row, 4), breakdown[i].Opening);
            for (var c = 5; c <= 9; c++)
                Text(ws.Cell(row, c), ReportFormat.None).Style.Alignment.Horizontal = XLAlignmentHorizontalValues.Center;
        }

        Goal(ws, 11, (2, 5), (6, lastColumn), "预期目标", "实际完成情况", e);

        // 绩效指标 from row 13.
        const int headerRow = 13;
        HeaderCells(ws, headerRow, 2, "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施", "计分说明");
        var first = headerRow + 1;
        for (var i = 0; i < e.Indicators.Count; i++)
        {
            var x = e.Indicators[i];
            var row = first + i;
            Text(ws.Cell(row, 2), x.Category);
            Text(ws.Cell(row, 3), x.Subcategory);
            Text(ws.Cell(row, 4), x.Indicator);
            Text(ws.Cell(row, 5), x.Target);
            Actual(ws.Cell(row, 6), x.Actual);
            ScoreOrNone(ws.Cell(row, 7), x.Weight, x.Weight);
            ScoreOrNone(ws.Cell(row, 8), x.Score, x.Weight);
            Text(ws.Cell(row, 9), x.Deviation ?? "");
            Note(ws.Cell(row, 10), NoteText(x));
        }
        var last = first + e.Indicators.Count - 1;
        Label(ws.Range(headerRow, 1, Math.Max(last, headerRow), 1), "绩效指标");
        MergeRuns(ws, e.Indicators, first, 2, x => x.Category);
        MergeRuns(ws, e.Indicators, first, 3, x => x.Category + "/" + x.Subcategory);
        CenterColumns(ws, first, last, 2, 3, 5, 6);

        var totalRow = last + 1;
        Label(ws.Range(totalRow, 1, totalRow, 6), "总分");
        Score(ws.Cell(totalRow, 7), ReportFormat.TotalWeight(e));
        if (e.TotalScore is { } total)
            Score(ws.Cell(totalRow, 8), total);
        ws.Range(totalRow, 9, totalRow, lastColumn).Merge();
        ws.Range(totalRow, 7, totalRow, 8).Style.Font.Bold = true;
        Label(ws.Range(totalRow + 1, 1, totalRow + 1, 6), "评价等级");
        var grade = ws.Range(totalRow + 1, 7, totalRow + 1, lastColumn).Merge();
        Text(grade.FirstCell(), e.Grade ?? "");
        grade.Style.Font.Bold = true;
        grade.Style.Font.FontSize = 12;
        grade.Style.Alignment.Horizontal = XLAlignmentHorizontalValues.Center;

        Borders(ws.Range(4, 1, totalRow + 1, lastColumn));
        FitRows(ws, 4, totalRow + 1, lastColumn);
        Footnotes(ws, totalRow + 2, lastColumn, e, "“—”表示该项在本评分方案中不计分（决策、过程指标只判断是否达成）；预算执行率在项目资金部分计分。");
        // Ten columns with the 计分说明 are too wide for portrait paper.
        Page(ws, landscape: true, lastColumn);
    }

    // ---- mid-year: 绩效运行监控表 (columns A–M) ----

    private static void MidYearSheet(IXLWorksheet ws, ProjectEvaluation e)
    {
        const int lastColumn = 13;
        var months = ReportFormat.MonthsCovered(e.AsOf);
        Widths(ws, 9, 9, 22, 13, 13, 9, 13, 11, 8, 11, 11, 30, 42);
        Title(ws, lastColumn, "项目支出绩效运行监控表", $"（{e.Year}年{months}）", $"评分方案：{e.Scheme}    监控时点：{e.AsOf}");
        Header(ws, 4, lastColumn, e, 7);

        var f = e.Funds;
        Label(ws.Range(6, 1, 7, 1), "项目资金（万元）");
        Label(ws.Cell(6, 2).AsRange(), "");
        HeaderCells(ws, 6, 3, "全年预算数", "半年计划执行数", $"{months}执行数", "执行率", "计划执行率", "预警");
        Label(ws.Range(6, 9, 6, lastColumn), "预警说明");
        Label(ws.Cell(7, 2).AsRange(), "年度资金总额");
        Amount(ws.Cell(7, 3), f.AnnualBudget);
        Amount(ws.Cell(7, 4), f.MidYearPlannedSpend);
        Amount(ws.Cell(7, 5), f.Spent, missingText: ReportFormat.NotReported);
        Percent(ws.Cell(7, 6), f.ExecutionRate);
        Percent(ws.Cell(7, 7), f.PlannedRate);
        Warning(ws.Cell(7, 8), f.Warning);
        var explanation = ws.Range(7, 9, 7, lastColumn).Merge();
        Note(explanation.FirstCell(), f.Explanation);

        Goal(ws, 8, (2, 6), (7, lastColumn), "全年预期目标", $"{months}实际完成情况", e);

        const int headerRow = 10;
        HeaderCells(ws, headerRow, 1, "一级指标", "二级指标", "三级指标", "半年指标值", $"{months}实际完成值", "完成率", "全年指标值", "全年预测（线性）", "预警", "偏差原因类型", "完成目标可能性", "偏差原因分析及改进措施", "预警说明");
        var first = headerRow + 1;
        for (var i = 0; i < e.Indicators.Count; i++)
        {
            var x = e.Indicators[i];
            var row = first + i;
            Text(ws.Cell(row, 1), x.Category);
            Text(ws.Cell(row, 2), x.Subcategory);
            Text(ws.Cell(row, 3), x.Indicator);
            Text(ws.Cell(row, 4), x.Target);
            Actual(ws.Cell(row, 5), x.Actual);
            Percent(ws.Cell(row, 6), x.Completion);
            Text(ws.Cell(row, 7), x.YearEndTarget ?? "");
            if (x.Forecast is { } forecast)
                Number(ws.Cell(row, 8), forecast, ReportFormat.ScoreFormat);
            else
                Text(ws.Cell(row, 8), ReportFormat.None);
            Warning(ws.Cell(row, 9), x.Warning);
            Text(ws.Cell(row, 10), x.DeviationType ?? "");
            Text(ws.Cell(row, 11), x.Likelihood ?? "");
            Text(ws.Cell(row, 12), x.Deviation ?? "");
            Note(ws.Cell(row, 13), NoteText(x));
        }
        var last = first + e.Indicators.Count - 1;
        MergeRuns(ws, e.Indicators, first, 1, x => x.Category);
        MergeRuns(ws, e.Indicators, first, 2, x => x.Category + "/" + x.Subcategory);
        CenterColumns(ws, first, last, 1, 2, 4, 5, 7, 8, 10, 11);

        var totalRow = last + 1;
        Label(ws.Range(totalRow, 1, totalRow, 8), "项目预警（取各指标与资金预警中最严重者）");
        Warning(ws.Cell(totalRow, 9), e.Warning);
        ws.Range(totalRow, 10, totalRow, lastColumn).Merge();

        Borders(ws.Range(4, 1, totalRow, lastColumn));
        FitRows(ws, 4, totalRow, lastColumn);
        Footnotes(ws, totalRow + 1, lastColumn, e, "全年预测（线性）＝实际完成值 ÷ 序时进度，仅对累计数量类指标给出；预警：● 绿＝正常，▲ 黄＝滞后，■ 红＝严重滞后或无法完成。");
        Page(ws, landscape: true, lastColumn);
    }

    // ---- summary sheet ----

    private static void YearEndSummary(IXLWorksheet ws, IReadOnlyList<ProjectEvaluation> evaluations, List<string> names)
    {
        const int lastColumn = 9;
        var first = evaluations.Count > 0 ? evaluations[0] : null;
        Widths(ws, 6, 22, 40, 13, 13, 10, 10, 10, 12);
        Title(ws, lastColumn, $"{first?.Year}年度项目支出绩效自评汇总表", "", $"评分方案：{first?.Scheme}    评价时点：{first?.AsOf}    金额单位：万元");
        HeaderCells(ws, 4, 1, "序号", "主管部门", "项目名称", "全年预算数", "全年执行数", "执行率", "总分", "评价等级", "未填报指标数");
        for (var i = 0; i < evaluations.Count; i++)
        {
            var e = evaluations[i];
            var row = 5 + i;
            Number(ws.Cell(row, 1), i + 1, "0");
            Text(ws.Cell(row, 2), e.Department);
            ProjectLink(ws.Cell(row, 3), e.Project, names[i]);
            Amount(ws.Cell(row, 4), e.Funds.AnnualBudget);
            Amount(ws.Cell(row, 5), e.Funds.Spent, missingText: ReportFormat.NotReported);
            Percent(ws.Cell(row, 6), e.Funds.ExecutionRate);
            if (e.TotalScore is { } total)
                Score(ws.Cell(row, 7), total);
            Text(ws.Cell(row, 8), e.Grade ?? "");
            Number(ws.Cell(row, 9), e.Missing.Count, "0");
        }
        var last = 4 + evaluations.Count;
        CenterColumns(ws, 5, last, 1, 8, 9);
        Borders(ws.Range(4, 1, last, lastColumn));

        var row0 = last + 2;
        Text(ws.Cell(row0, 1), "评价等级分布").Style.Font.Bold = true;
        ws.Range(row0, 1, row0, 3).Merge();
        HeaderCells(ws, row0 + 1, 1, "评价等级", "项目数");
        var counts = ReportSummary.GradeCounts(evaluations);
        for (var i = 0; i < counts.Count; i++)
        {
            Text(ws.Cell(row0 + 2 + i, 1), counts[i].Grade).Style.Alignment.Horizontal = XLAlignmentHorizontalValues.Center;
            Number(ws.Cell(row0 + 2 + i, 2), counts[i].Count, "0");
        }
        var totalRow = row0 + 2 + counts.Count;
        Text(ws.Cell(totalRow, 1), "合计").Style.Alignment.Horizontal = XLAlignmentHorizontalValues.Center;
        Number(ws.Cell(totalRow, 2), evaluations.Count, "0");
        Borders(ws.Range(row0 + 1, 1, totalRow, 2));

        var d0 = totalRow + 2;
        Text(ws.Cell(d0, 1), "按主管部门汇总").Style.Font.Bold = true;
        ws.Range(d0, 1, d0, 3).Merge();
        HeaderCells(ws, d0 + 1, 2, "主管部门", "项目数", "平均分", "全年预算数", "全年执行数", "执行率");
        var departments = ReportSummary.ByDepartment(evaluations);
        for (var i = 0; i < departments.Count; i++)
        {
            var d = departments[i];
            var row = d0 + 2 + i;
            Text(ws.Cell(row, 2), d.Department);
            Number(ws.Cell(row, 3), d.Projects, "0");
            if (d.AverageScore is { } average)
                Score(ws.Cell(row, 4), average);
            Amount(ws.Cell(row, 5), d.AnnualBudget);
            Amount(ws.Cell(row, 6), d.Spent);
            Percent(ws.Cell(row, 7), d.ExecutionRate);
        }
        Borders(ws.Range(d0 + 1, 2, d0 + 1 + departments.Count, 7));
        Page(ws, landscape: false, lastColumn);
        ws.SheetView.FreezeRows(4);
    }

    private static void MidYearSummary(IXLWorksheet ws, IReadOnlyList<ProjectEvaluation> evaluations, List<string> names)
    {
        const int lastColumn = 12;
        var first = evaluations.Count > 0 ? evaluations[0] : null;
        var months = first is null ? "1-6月" : ReportFormat.MonthsCovered(first.AsOf);
        Widths(ws, 6, 22, 40, 13, 13, 10, 11, 10, 8, 8, 8, 10);
        Title(ws, lastColumn, $"{first?.Year}年项目支出绩效运行监控汇总表", $"（{months}）", $"评分方案：{first?.Scheme}    监控时点：{first?.AsOf}    金额单位：万元");
        HeaderCells(ws, 4, 1, "序号", "主管部门", "项目名称", "全年预算数", $"{months}执行数", "执行率", "计划执行率", "资金预警", "指标：绿", "指标：黄", "指标：红", "项目预警");
        for (var i = 0; i < evaluations.Count; i++)
        {
            var e = evaluations[i];
            var row = 5 + i;
            var (green, yellow, red) = ReportSummary.WarningCounts(e.Indicators.Select(x => x.Warning));
            Number(ws.Cell(row, 1), i + 1, "0");
            Text(ws.Cell(row, 2), e.Department);
            ProjectLink(ws.Cell(row, 3), e.Project, names[i]);
            Amount(ws.Cell(row, 4), e.Funds.AnnualBudget);
            Amount(ws.Cell(row, 5), e.Funds.Spent, missingText: ReportFormat.NotReported);
            Percent(ws.Cell(row, 6), e.Funds.ExecutionRate);
            Percent(ws.Cell(row, 7), e.Funds.PlannedRate);
            Warning(ws.Cell(row, 8), e.Funds.Warning);
            Number(ws.Cell(row, 9), green, "0");
            Number(ws.Cell(row, 10), yellow, "0");
            Number(ws.Cell(row, 11), red, "0");
            Warning(ws.Cell(row, 12), e.Warning);
        }
        var last = 4 + evaluations.Count;
        CenterColumns(ws, 5, last, 1, 9, 10, 11);
        Borders(ws.Range(4, 1, last, lastColumn));

        var row0 = last + 2;
        Text(ws.Cell(row0, 1), "项目预警分布").Style.Font.Bold = true;
        ws.Range(row0, 1, row0, 3).Merge();
        HeaderCells(ws, row0 + 1, 1, "预警", "项目数");
        var (g, y, r) = ReportSummary.WarningCounts(evaluations.Select(e => e.Warning));
        var counts = new (string Warning, int Count)[] { (Warnings.Green, g), (Warnings.Yellow, y), (Warnings.Red, r) };
        for (var i = 0; i < counts.Length; i++)
        {
            Warning(ws.Cell(row0 + 2 + i, 1), counts[i].Warning);
            Number(ws.Cell(row0 + 2 + i, 2), counts[i].Count, "0");
        }
        var totalRow = row0 + 2 + counts.Length;
        Text(ws.Cell(totalRow, 1), "合计").Style.Alignment.Horizontal = XLAlignmentHorizontalValues.Center;
        Number(ws.Cell(totalRow, 2), evaluations.Count, "0");
        Borders(ws.Range(row0 + 1, 1, totalRow, 2));

        var d0 = totalRow + 2;
        Text(ws.Cell(d0, 1), "按主管部门汇总").Style.Font.Bold = true;
        ws.Range(d0, 1, d0, 3).Merge();
        HeaderCells(ws, d0 + 1, 2, "主管部门", "项目数", "● 绿", "▲ 黄", "■ 红", "全年预算数", $"{months}执行数", "执行率");
        var departments = ReportSummary.ByDepartment(evaluations);
        for (var i = 0; i < departments.Count; i++)
        {
            var d = departments[i];
            var row = d0 + 2 + i;
            Text(ws.Cell(row, 2), d.Department);
            Number(ws.Cell(row, 3), d.Projects, "0");
            Number(ws.Cell(row, 4), d.Green, "0");
            Number(ws.Cell(row, 5), d.Yellow, "0");
            Number(ws.Cell(row, 6), d.Red, "0");
            Amount(ws.Cell(row, 7), d.AnnualBudget);
            Amount(ws.Cell(row, 8), d.Spent);
            Percent(ws.Cell(row, 9), d.ExecutionRate);
        }
        Borders(ws.Range(d0 + 1, 2, d0 + 1 + departments.Count, 9));
        Page(ws, landscape: true, lastColumn);
        ws.SheetView.FreezeRows(4);
    }

    // ---- building blocks ----

    private static void Title(IXLWorksheet ws, int lastColumn, string title, string subtitle, string meta)
    {
        var t = ws.Range(1, 1, 1, lastColumn).Merge();
        Text(t.FirstCell(), title);
        t.Style.Font.FontName = "黑体";
        t.Style.Font.FontSize = 16;
        t.Style.Font.Bold = true;
        t.Style.Alignment.Horizontal = XLAlignmentHorizontalValues.Center;
        ws.Row(1).Height = 26;
        var s = ws.Range(2, 1, 2, lastColumn).Merge();
        Text(s.FirstCell(), subtitle);
        s.Style.Alignment.Horizontal = XLAlignmentHorizontalValues.Center;
        var m = ws.Range(3, 1, 3, lastColumn).Merge();
        Text(m.FirstCell(), meta);
        m.Style.Font.FontSize = 9;
    }

    private static void Header(IXLWorksheet ws, int row, int lastColumn, ProjectEvaluation e, int unitLabelColumn)
    {
        Label(ws.Cell(row, 1).AsRange(), "项目名称");
        Text(ws.Range(row, 2, row, lastColumn).Merge().FirstCell(), e.Project);
        Label(ws.Cell(row + 1, 1).AsRange(), "主管部门");
        Text(ws.Range(row + 1, 2, row + 1, unitLabelColumn - 1).Merge().FirstCell(), e.Department);
        Label(ws.Cell(row + 1, unitLabelColumn).AsRange(), "实施单位");
        Text(ws.Range(row + 1, unitLabelColumn + 1, row + 1, lastColumn).Merge().FirstCell(), e.ImplementingUnit);
    }

    private static void Goal(IXLWorksheet ws, int row, (int From, int To) expected, (int From, int To) achieved, string expectedLabel, string achievedLabel, ProjectEvaluation e)
    {
        Label(ws.Range(row, 1, row + 1, expected.From - 1), "年度总体目标");
        Label(ws.Range(row, expected.From, row, expected.To), expectedLabel);
        Label(ws.Range(row, achieved.From, row, achieved.To), achievedLabel);
        var goal = ws.Range(row + 1, expected.From, row + 1, expected.To).Merge();
        Text(goal.FirstCell(), e.AnnualGoal);
        var done = ws.Range(row + 1, achieved.From, row + 1, achieved.To).Merge();
        Text(done.FirstCell(), e.GoalAchievement.Length > 0 ? e.GoalAchievement : ReportFormat.NotReported);
        if (e.GoalAchievement.Length == 0)
            done.Style.Font.Italic = true;
        goal.Style.Alignment.WrapText = true;
        done.Style.Alignment.WrapText = true;
    }

    private static void Footnotes(IXLWorksheet ws, int row, int lastColumn, ProjectEvaluation e, string legend)
    {
        if (e.Missing.Count > 0)
        {
            var missing = ws.Range(row, 1, row, lastColumn).Merge();
            Text(missing.FirstCell(), $"未填报指标（{e.Missing.Count} 项）：{string.Join("；", e.Missing)}");
            missing.Style.Alignment.WrapText = true;
            missing.Style.Font.FontSize = 9;
            row++;
        }
        var note = ws.Range(row, 1, row, lastColumn).Merge();
        Text(note.FirstCell(), $"说明：{legend}数值单元格未经舍入，仅显示保留两位小数。");
        note.Style.Font.FontSize = 9;
        note.Style.Alignment.WrapText = true;
        ws.Row(row).Height = 26;
    }

    private static void Page(IXLWorksheet ws, bool landscape, int lastColumn)
    {
        ws.PageSetup.PaperSize = XLPaperSize.A4Paper;
        ws.PageSetup.PageOrientation = landscape ? XLPageOrientation.Landscape : XLPageOrientation.Portrait;
        ws.PageSetup.FitToPages(1, 0);
        ws.PageSetup.Margins.Left = 0.4;
        ws.PageSetup.Margins.Right = 0.4;
        ws.PageSetup.CenterHorizontally = true;
        ws.PageSetup.PrintAreas.Add(1, 1, Math.Max(ws.LastRowUsed()?.RowNumber() ?? 1, 1), lastColumn);
    }

    private static void Widths(IXLWorksheet ws, params double[] widths)
    {
        for (var i = 0; i < widths.Length; i++)
            ws.Column(i + 1).Width = widths[i];
    }

    private static void HeaderCells(IXLWorksheet ws, int row, int firstColumn, params string[] labels)
    {
        for (var i = 0; i < labels.Length; i++)
            Label(ws.Cell(row, firstColumn + i).AsRange(), labels[i]);
    }

    /// <summary>A bold, shaded, centred (and merged, for a range) label cell.</summary>
    private static void Label(IXLRange range, string text)
    {
        if (range.RangeAddress.FirstAddress != range.RangeAddress.LastAddress)
            range.Merge();
        Text(range.FirstCell(), text);
        range.Style.Font.Bold = true;
        range.Style.Fill.BackgroundColor = HeaderFill;
        range.Style.Alignment.Horizontal = XLAlignmentHorizontalValues.Center;
        range.Style.Alignment.Vertical = XLAlignmentVerticalValues.Center;
        range.Style.Alignment.WrapText = true;
    }

    /// <summary>Merges the 一级 / 二级 cells of consecutive indicators with the same key, as on the printed form.</summary>
    private static void MergeRuns(IXLWorksheet ws, IReadOnlyList<IndicatorResult> indicators, int firstRow, int column, Func<IndicatorResult, string> key)
    {
        for (var i = 0; i < indicators.Count;)
        {
            var j = i;
            while (j + 1 < indicators.Count && key(indicators[j + 1]) == key(indicators[i]))
                j++;
            if (j > i)
                ws.Range(firstRow + i, column, firstRow + j, column).Merge();
            i = j + 1;
        }
    }

    private static void CenterColumns(IXLWorksheet ws, int firstRow, int lastRow, params int[] columns)
    {
        if (lastRow < firstRow)
            return;
        foreach (var c in columns)
            ws.Range(firstRow, c, lastRow, c).Style.Alignment.Horizontal = XLAlignmentHorizontalValues.Center;
    }

    private static void Borders(IXLRange range)
    {
        range.Style.Border.OutsideBorder = XLBorderStyleValues.Thin;
        range.Style.Border.InsideBorder = XLBorderStyleValues.Thin;
        range.Style.Alignment.Vertical = XLAlignmentVerticalValues.Center;
        range.Style.Alignment.WrapText = true;
    }

    /// <summary>
    /// Writes text as text, never as a formula or a converted number. Formula-like text also gets the quote prefix,
    /// so that re-entering the cell in Excel does not turn it into a formula either.
    /// </summary>
    public static IXLCell Text(IXLCell cell, string text)
    {
        cell.SetValue(text);
        cell.DataType = XLDataType.Text;
        if (SpreadsheetText.IsFormulaLike(text))
            cell.Style.IncludeQuotePrefix = true;
        return cell;
    }

    /// <summary>A reported actual: a plain number (<c>-5</c>, <c>1700</c>) is stored as a number, other text as text, a missing one as 未填报.</summary>
    private static void Actual(IXLCell cell, string? actual)
    {
        if (actual is null)
        {
            Text(cell, ReportFormat.NotReported).Style.Font.Italic = true;
            return;
        }
        if (SpreadsheetText.TryNumber(actual, out var number))
            Number(cell, number, "General");
        else
            Text(cell, actual);
    }

    private static void Note(IXLCell cell, string text)
    {
        Text(cell, text);
        cell.Style.Font.FontSize = 9;
        cell.Style.Font.FontColor = NoteFont;
        cell.Style.Alignment.WrapText = true;
    }

    private static string NoteText(IndicatorResult x) =>
        $"【{Statuses.Chinese(x.Status)}】{x.Explanation}" + string.Concat(x.Flags.Select(flag => $"\n⚑ 提示：{flag}"));

    private static void Number(IXLCell cell, double value, string format)
    {
        cell.SetValue(value);
        cell.Style.NumberFormat.Format = format;
    }

    private static void Score(IXLCell cell, double value) => Number(cell, value, ReportFormat.ScoreFormat);

    /// <summary>A score or 分值; — when the scheme gives the row no points.</summary>
    private static void ScoreOrNone(IXLCell cell, double value, double weight)
    {
        if (weight > 0)
            Score(cell, value);
        else
            Text(cell, ReportFormat.None).Style.Alignment.Horizontal = XLAlignmentHorizontalValues.Center;
    }

    private static void Amount(IXLCell cell, double? value, string missingText = ReportFormat.None)
    {
        if (value is { } v)
            Number(cell, v, "0.00");
        else
            Text(cell, missingText).Style.Alignment.Horizontal = XLAlignmentHorizontalValues.Center;
    }

    private static void Percent(IXLCell cell, double? ratio)
    {
        if (ratio is { } r)
            Number(cell, r, ReportFormat.PercentFormat);
        else
            Text(cell, ReportFormat.None).Style.Alignment.Horizontal = XLAlignmentHorizontalValues.Center;
    }

    /// <summary>The warning as symbol and word (readable without colour) on a tinted fill.</summary>
    private static void Warning(IXLCell cell, string? warning)
    {
        Text(cell, ReportFormat.WarningLabel(warning));
        cell.Style.Alignment.Horizontal = XLAlignmentHorizontalValues.Center;
        var (font, fill) = warning switch
        {
            Warnings.Green => ("#1B5E20", "#E2F3E0"),
            Warnings.Yellow => ("#6D4C00", "#FFF1B8"),
            Warnings.Red => ("#A31515", "#FBDCD8"),
            _ => ((string?)null, (string?)null),
        };
        if (font is null || fill is null)
            return;
        cell.Style.Font.FontColor = XLColor.FromHtml(font);
        cell.Style.Font.Bold = true;
        cell.Style.Fill.BackgroundColor = XLColor.FromHtml(fill);
    }

    private static void ProjectLink(IXLCell cell, string project, string sheet)
    {
        Text(cell, project);
        cell.Hyperlink = new XLHyperlink($"'{sheet.Replace("'", "''", StringComparison.Ordinal)}'!A1");
    }

    /// <summary>
    /// Sets each row's height to fit its wrapped text, estimated from the text's width (a CJK character is two width
    /// units, as Excel counts column width): Excel does not grow rows to fit wrapped text written by a library.
    /// A merged cell counts with the width of its columns; cells merged over several rows are left out.
    /// </summary>
    private static void FitRows(IXLWorksheet ws, int firstRow, int lastRow, int lastColumn)
    {
        for (var row = firstRow; row <= lastRow; row++)
        {
            var lines = 1.0;
            for (var column = 1; column <= lastColumn; column++)
            {
                var cell = ws.Cell(row, column);
                if (cell.DataType != XLDataType.Text || cell.IsEmpty())
                    continue;
                var width = ws.Column(column).Width;
                if (cell.IsMerged())
                {
                    var merged = cell.MergedRange();
                    if (merged.FirstCell().Address.ColumnNumber != column || merged.RowCount() > 1)
                        continue;
                    width = Enumerable.Range(column, merged.ColumnCount()).Sum(c => ws.Column(c).Width);
                }
                var text = cell.GetString();
                var count = text.Split('\n').Sum(p => Math.Max(1, Math.Ceiling(DisplayWidth(p) / Math.Max(width - 0.5, 1))));
                lines = Math.Max(lines, count);
            }
            if (lines > 1)
                ws.Row(row).Height = 12.5 * lines + 3;
        }
    }

    private static double DisplayWidth(string text) => text.Sum(c => c < 0x2E80 ? 1.0 : 2.0);
}
