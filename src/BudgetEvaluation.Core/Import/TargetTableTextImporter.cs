using System.Globalization;
using System.Text.RegularExpressions;
using BudgetEvaluation.Core.Targets;

namespace BudgetEvaluation.Core.Import;

/// <summary>One table read from an input file: the table, or every error that kept it from importing.</summary>
public sealed record TableImport(TargetTable? Table, IReadOnlyList<ImportError> Errors, int Line)
{
    public bool Succeeded => Table is not null && Errors.Count == 0;
}

/// <summary>
/// Reads target tables in the tab-separated text form extracted from the official forms (the seed's format).
/// Streams: one table is held in memory at a time.
/// </summary>
/// <remarks>
/// Columns cannot be trusted (merged cells, page breaks and extraction shift them), so rows are read by content:
/// a 二级 name fixes the 一级 category, and a row without a 二级 name belongs to the one above it.
/// </remarks>
public static partial class TargetTableTextImporter
{
    private static readonly string[] HeaderLabels = ["项目名称", "主管部门", "项目类型", "项目级次", "开始时间", "完成时间", "实施单位", "项目负责人/联系电话"];
    private static readonly string[] TextLabels = ["立项必要性", "实施可行性", "项目实施内容", "中长期目标", "年度目标"];
    private static readonly string[] FundLabels = ["资金总额", "财政拨款", "一般公共预算资金", "政府性基金", "财政专户管理资金", "国有资本金", "社保基金", "上年结转资金", "其他资金"];

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"^([0-9]{4})\s*年度?$")]
    private static partial Regex YearLine();

    public static IEnumerable<TableImport> Read(string path)
    {
        using var stream = File.OpenRead(path);
        foreach (var t in Read(stream, Path.GetFileName(path)))
            yield return t;
    }

    public static IEnumerable<TableImport> Read(Stream stream, string fileName)
    {
        using var reader = TextDecoding.OpenReader(stream);
        foreach (var t in Read(reader, fileName))
            yield return t;
    }

    public static IEnumerable<TableImport> Read(TextReader reader, string fileName)
    {
        Block? block = null;
        var lineNo = 0;
        var sawTitle = false;
        var reported = 0; // errors in the tables already returned
        var buffer = new System.Text.StringBuilder();
        while (true)
        {
            string? line;
            ImportError? unreadable = null;
            try
            {
                line = ReadLine(reader, buffer);
            }
            catch (System.Text.DecoderFallbackException)
            {
                line = null;
                unreadable = new ImportError(fileName, lineNo + 1, "文件编码", "文件含有无法识别的字符：请保存为 UTF-8 或 GB18030 编码");
            }
            if (line is not null && IsBinary(line))
                unreadable = new ImportError(fileName, lineNo + 1, "文件格式", "文件含有二进制内容，不是目标表文本：请上传 UTF-8 或 GB18030 编码的 .txt 文本");
            else if (line is not null && line.Length > InputLimits.MaxLineLength)
                unreadable = new ImportError(fileName, lineNo + 1, "行长度", $"本行超过 {InputLimits.MaxLineLength} 个字符的上限，不是目标表文本");
            else if (line is not null && lineNo + 1 > InputLimits.MaxTargetRows)
                unreadable = InputLimits.TooManyRows(fileName, lineNo + 1, InputLimits.MaxTargetRows);
            else if (line is not null && line.Split('\t').FirstOrDefault(c => c.Length > InputLimits.MaxCellLength) is { } longCell)
                unreadable = InputLimits.CellTooLong(fileName, lineNo + 1, "单元格", longCell.Length);
            if (unreadable is not null)
            {
                // The rest of the file cannot be read: report this one error rather than everything the half-read table lacks.
                yield return new TableImport(null, [unreadable], unreadable.Line);
                yield break;
            }
            if (line is null)
                break;
            lineNo++;
            if (IsTitle(line))
            {
                if (block is not null)
                {
                    var finished = block.Finish();
                    reported += finished.Errors.Count;
                    yield return finished;
                }
                block = new Block(fileName, lineNo);
                sawTitle = true;
                continue;
            }
            if (string.IsNullOrWhiteSpace(line))
                continue;
            if (block is null)
            {
                block = new Block(fileName, lineNo);
            }
            block.Accept(line, lineNo);
            if (reported + block.Errors.Count >= InputLimits.MaxErrors)
            {
                block.Errors.Add(InputLimits.TooManyErrors(fileName, lineNo));
                yield return new TableImport(null, block.Errors, block.StartLine);
                yield break;
            }
        }
        if (block is not null)
            yield return block.Finish();
        else if (!sawTitle)
            yield return new TableImport(null, [new ImportError(fileName, 0, "文件", "文件中没有找到项目绩效目标表")], 0);
    }

    /// <summary>
    /// <see cref="TextReader.ReadLine"/> that stops collecting a line one character past
    /// <see cref="InputLimits.MaxLineLength"/> (the caller refuses it), so a file without line breaks is not read whole.
    /// </summary>
    private static string? ReadLine(TextReader reader, System.Text.StringBuilder buffer)
    {
        buffer.Clear();
        var any = false;
        while (true)
        {
            var c = reader.Read();
            if (c < 0)
                return any ? buffer.ToString() : null;
            any = true;
            if (c == '\n')
                return buffer.ToString();
            if (c == '\r')
            {
                if (reader.Peek() == '\n')
                    reader.Read();
                return buffer.ToString();
            }
            if (buffer.Length <= InputLimits.MaxLineLength)
                buffer.Append((char)c);
        }
    }

    /// <summary>A title (…绩效目标表) stands alone on its line; extraction may leave tabs or tags around it.</summary>
    private static bool IsTitle(string line)
    {
        if (!line.Contains("绩效目标表", StringComparison.Ordinal))
            return false;
        var cells = line.Split('\t').Select(StripTags).Where(c => c.Length > 0).ToArray();
        return cells.Length == 1;
    }

    /// <summary>Control characters other than tab and page breaks (form feed) do not occur in extracted tables.</summary>
    private static bool IsBinary(string line)
    {
        foreach (var ch in line)
        {
            if (ch < ' ' && ch is not '\t' and not '\f' and not '\v')
                return true;
        }
        return false;
    }

    internal static string StripTags(string cell) =>
        Tags().Replace(cell, "").Replace("&nbsp;", " ", StringComparison.Ordinal).Trim();

    private static string Label(string cell) => cell.Replace(" ", "", StringComparison.Ordinal).Replace("（", "(", StringComparison.Ordinal).Replace("）", ")", StringComparison.Ordinal);

    private enum Section { Header, Funds, Spending, Indicators }

    private sealed class Block(string file, int startLine)
    {
        public readonly List<ImportError> Errors = [];
        public int StartLine => startLine;
        private readonly HashSet<string> _paths = new(StringComparer.Ordinal);
        private bool _tooManyIndicators;
        private readonly Dictionary<string, string> _header = [];
        private readonly Dictionary<string, string> _texts = [];
        private readonly Dictionary<string, decimal?> _funds = [];
        private readonly List<(Indicator Indicator, int Line)> _indicators = [];
        private Section _section = Section.Header;
        private int? _year;
        private int _planColumn = -1, _annualColumn = -1;
        private decimal? _plan, _annual;
        private bool _spendingRowSeen;
        private string? _subcategory;
        private bool _reachedLastCategory;
        private int _lastLine;
        private string? _lastTextLabel;

        private string ProjectName => _header.GetValueOrDefault("项目名称") ?? $"（第{startLine}行起的表）";

        public void Accept(string line, int lineNo)
        {
            _lastLine = lineNo;
            var raw = line.Split('\t').Select(StripTags).ToArray();
            var cells = raw.Where(c => c.Length > 0).ToArray();
            if (cells.Length == 0)
                return;
            var first = Label(cells[0]);

            if (YearLine().Match(first) is { Success: true } y)
            {
                _year = int.Parse(y.Groups[1].Value, CultureInfo.InvariantCulture);
                return;
            }
            if (first == "一级指标")
            {
                _section = Section.Indicators;
                return;
            }
            if (first.StartsWith("项目资金", StringComparison.Ordinal))
            {
                _section = Section.Funds;
                return;
            }
            if (first == "支出")
            {
                _section = Section.Spending;
                for (var i = 0; i < raw.Length; i++)
                {
                    var l = Label(raw[i]);
                    if (l.Contains("计划执行数", StringComparison.Ordinal)) _planColumn = i;
                    else if (l.Contains("预算数", StringComparison.Ordinal)) _annualColumn = i;
                }
                return;
            }
            if (TextLabels.Contains(first))
            {
                _texts[first] = string.Join("\n", cells.Skip(1));
                _lastTextLabel = first;
                return;
            }

            switch (_section)
            {
                case Section.Header:
                    AcceptHeader(cells, lineNo);
                    break;
                case Section.Funds:
                    AcceptFund(cells, lineNo);
                    break;
                case Section.Spending:
                    AcceptSpending(raw, cells, lineNo);
                    break;
                case Section.Indicators:
                    AcceptIndicator(cells, lineNo);
                    break;
            }
        }

        private void AcceptHeader(string[] cells, int lineNo)
        {
            var foundLabel = false;
            for (var i = 0; i < cells.Length; i++)
            {
                var label = Label(cells[i]);
                if (!HeaderLabels.Contains(label))
                    continue;
                foundLabel = true;
                var value = i + 1 < cells.Length && !HeaderLabels.Contains(Label(cells[i + 1])) ? cells[i + 1] : "";
                _header[label] = value;
            }
            if (!foundLabel && _lastTextLabel is not null)
            {
                // A long text cell broken over lines by the extraction.
                _texts[_lastTextLabel] += "\n" + string.Join("\n", cells);
                return;
            }
            if (!foundLabel)
                Errors.Add(new ImportError(file, lineNo, "表头", $"项目“{ProjectName}”：无法识别的表头行“{string.Join(" ", cells)}”"));
        }

        private void AcceptFund(string[] cells, int lineNo)
        {
            var label = Label(cells[0]);
            if (!FundLabels.Contains(label))
            {
                if (label == "收入")
                    return;
                Errors.Add(new ImportError(file, lineNo, "项目资金", $"项目“{ProjectName}”：无法识别的资金行“{string.Join(" ", cells)}”"));
                return;
            }
            var values = cells.Skip(1).Where(c => c != "小计").ToArray();
            if (values.Length == 0)
            {
                _funds[label] = null;
                return;
            }
            if (TryAmount(values[^1], out var amount))
                _funds[label] = amount;
            else
                Errors.Add(new ImportError(file, lineNo, label, $"项目“{ProjectName}”：金额“{values[^1]}”不是数字"));
        }

        private void AcceptSpending(string[] raw, string[] cells, int lineNo)
        {
            if (_spendingRowSeen)
            {
                Errors.Add(new ImportError(file, lineNo, "支出", $"项目“{ProjectName}”：支出部分多出一行“{string.Join(" ", cells)}”"));
                return;
            }
            _spendingRowSeen = true;
            var numbers = new List<(int Column, decimal Value)>();
            var words = new List<(int Column, string Text)>();
            for (var i = 0; i < raw.Length; i++)
            {
                if (raw[i].Length == 0)
                    continue;
                if (TryAmount(raw[i], out var v))
                    numbers.Add((i, v));
                else
                    words.Add((i, raw[i]));
            }
            // The row is the project name, then amounts: any other text is an amount that did not read, not a cell to skip.
            var leadingName = words.Count > 0 && words[0].Text == cells[0];
            if (words.Skip(leadingName ? 1 : 0).FirstOrDefault() is { Text: not null } bad)
            {
                var field = bad.Column == _annualColumn ? "全年预算数" : "半年计划执行数";
                Errors.Add(new ImportError(file, lineNo, field, $"项目“{ProjectName}”：支出行的金额“{bad.Text}”不是数字"));
                return;
            }
            var byColumn = numbers.Where(n => n.Column == _planColumn || n.Column == _annualColumn).ToList();
            if (byColumn.Count == numbers.Count && numbers.Count > 0)
            {
                foreach (var (column, value) in numbers)
                {
                    if (column == _planColumn) _plan = value; else _annual = value;
                }
                return;
            }
            // Columns shifted: take the numbers in order, 半年计划执行数 then 全年预算数.
            if (numbers.Count is 1 or 2)
            {
                _plan = numbers[0].Value;
                if (numbers.Count == 2) _annual = numbers[1].Value;
                return;
            }
            Errors.Add(new ImportError(file, lineNo, "半年计划执行数", $"项目“{ProjectName}”：支出行应有半年计划执行数和全年预算数，实际为“{string.Join(" ", cells)}”"));
        }

        private void AcceptIndicator(string[] cells, int lineNo)
        {
            // A label cell is a label, except where the current (sub)category's own name is followed by exactly two
            // targets: that is an indicator named after it (服务对象满意度 under 服务对象满意度). Taking a new label for a
            // name instead would turn a row with a missing target into an indicator with the wrong targets.
            var currentCategory = _subcategory is null ? null : IndicatorTree.CategoryOfSubcategory[_subcategory];
            var i = 0;
            string? category = null;
            if (IndicatorTree.NormalizeCategory(cells[0]) is { } c && !(c == currentCategory && cells.Length == 3))
            {
                category = c;
                i++;
            }
            var subcategoryOnRow = false;
            if (i < cells.Length && IndicatorTree.CategoryOfSubcategory.ContainsKey(cells[i]) && !(cells[i] == _subcategory && cells.Length - i == 3))
            {
                _subcategory = cells[i];
                subcategoryOnRow = true;
                i++;
            }
            var rest = cells.Length - i;
            if (category is not null && !subcategoryOnRow && rest == 0)
            {
                // A category row with nothing under it (e.g. 满意度指标 alone): rows after it need a subcategory of their own.
                if (_subcategory is not null && IndicatorTree.CategoryOfSubcategory[_subcategory] != category)
                    _subcategory = null;
                _reachedLastCategory |= category == IndicatorTree.Satisfaction;
                return;
            }
            if (category is not null && !subcategoryOnRow && rest == 4)
            {
                var expected = string.Join("、", IndicatorTree.SubcategoriesOf(category));
                Errors.Add(new ImportError(file, lineNo, "二级指标", $"项目“{ProjectName}”：无法识别的二级指标“{cells[i]}”（“{category}”下应为{expected}之一）"));
                return;
            }
            if (_subcategory is null)
            {
                Errors.Add(new ImportError(file, lineNo, "二级指标", $"项目“{ProjectName}”：指标行“{string.Join(" ", cells)}”之前没有二级指标"));
                return;
            }
            var subcategoryCategory = IndicatorTree.CategoryOfSubcategory[_subcategory];
            if (category is not null && category != subcategoryCategory)
            {
                Errors.Add(new ImportError(file, lineNo, "一级指标", $"项目“{ProjectName}”：二级指标“{_subcategory}”属于“{subcategoryCategory}”，不属于“{category}”"));
                return;
            }
            _reachedLastCategory |= subcategoryCategory == IndicatorTree.Satisfaction;
            if (rest == 0)
                return; // an empty subcategory, e.g. 成本指标
            if (rest < 3)
            {
                // Empty cells are dropped (their number varies), so which of the two targets is missing cannot be told.
                var missing = rest == 1 ? "缺少半年和全年指标值" : "缺少半年或全年指标值";
                Errors.Add(new ImportError(file, lineNo, "指标值",
                    $"项目“{ProjectName}”指标“{cells[i]}”：{missing}，本行只有“{string.Join(" | ", cells.Skip(i))}”"));
                return;
            }
            if (rest > 3)
            {
                Errors.Add(new ImportError(file, lineNo, "三级指标",
                    $"项目“{ProjectName}”：指标行应有三级指标、半年指标值、全年指标值三项，实际为“{string.Join(" | ", cells.Skip(i))}”"));
                return;
            }
            var name = cells[i];
            if (InputLimits.FormulaLikeName(file, lineNo, "三级指标", name) is { } formula)
            {
                Errors.Add(formula);
                return;
            }
            var mid = ParseTarget(cells[i + 1], name, "半年指标值", lineNo);
            var full = ParseTarget(cells[i + 2], name, "全年指标值", lineNo);
            if (mid is null || full is null)
                return;
            if (_indicators.Count >= InputLimits.MaxIndicatorsPerProject)
            {
                if (!_tooManyIndicators)
                    Errors.Add(new ImportError(file, lineNo, "三级指标数", $"项目“{ProjectName}”的指标超过 {InputLimits.MaxIndicatorsPerProject} 个的上限：请检查表格是否重复"));
                _tooManyIndicators = true;
                return;
            }
            var indicator = new Indicator(subcategoryCategory, _subcategory, name, mid, full);
            // A set, not a scan of the list: a table of a million rows would otherwise take quadratic time.
            if (!_paths.Add(indicator.Path))
            {
                Errors.Add(new ImportError(file, lineNo, "三级指标", $"项目“{ProjectName}”：指标“{indicator.Path}”重复"));
                return;
            }
            _indicators.Add((indicator, lineNo));
        }

        private Target? ParseTarget(string text, string indicator, string field, int lineNo)
        {
            var target = TargetNotation.TryParse(text, out var error);
            if (target is null)
                Errors.Add(new ImportError(file, lineNo, field, $"项目“{ProjectName}”指标“{indicator}”：{error}（“{text}”）"));
            return target;
        }

        public TableImport Finish()
        {
            var name = _header.GetValueOrDefault("项目名称") ?? "";
            var department = _header.GetValueOrDefault("主管部门") ?? "";
            if (name.Length == 0)
                Errors.Add(new ImportError(file, startLine, "项目名称", "表中缺少项目名称"));
            if (department.Length == 0)
                Errors.Add(new ImportError(file, startLine, "主管部门", $"项目“{ProjectName}”：缺少主管部门"));
            if (_year is null)
                Errors.Add(new ImportError(file, startLine, "年度", $"项目“{ProjectName}”：缺少年度（如“2026年度”）"));
            foreach (var (field, value) in new[] { ("主管部门", department), ("项目名称", name) })
            {
                if (InputLimits.FormulaLikeName(file, startLine, field, value) is { } formula)
                    Errors.Add(formula);
            }
            var total = _funds.GetValueOrDefault("资金总额");
            var annual = _annual ?? total;
            if (annual is null)
                Errors.Add(new ImportError(file, startLine, "全年预算数", $"项目“{ProjectName}”：缺少全年预算数和资金总额"));
            // Every official table ends with its 满意度指标 row; a table that stops before it was cut short, and importing
            // the indicators read so far would silently drop the rest.
            if (!_reachedLastCategory)
            {
                var last = Math.Max(_lastLine, startLine);
                Errors.Add(new ImportError(file, last, "一级指标", $"项目“{ProjectName}”：表格在第{last}行中断，没有到达“满意度指标”一行（文件是否被截断？）"));
            }
            else if (_indicators.Count == 0 && Errors.Count == 0)
                Errors.Add(new ImportError(file, startLine, "三级指标", $"项目“{ProjectName}”：表中没有绩效指标"));
            if (Errors.Count > 0)
                return new TableImport(null, Errors, startLine);

            var project = new Project
            {
                Year = _year!.Value,
                Name = name,
                Department = department,
                ImplementingUnit = _header.GetValueOrDefault("实施单位") ?? "",
                ProjectType = _header.GetValueOrDefault("项目类型") ?? "",
                GovernmentLevel = _header.GetValueOrDefault("项目级次") ?? "",
                StartYear = _header.GetValueOrDefault("开始时间") ?? "",
                EndYear = _header.GetValueOrDefault("完成时间") ?? "",
                Contact = _header.GetValueOrDefault("项目负责人/联系电话") ?? "",
                Necessity = _texts.GetValueOrDefault("立项必要性") ?? "",
                Feasibility = _texts.GetValueOrDefault("实施可行性") ?? "",
                Content = _texts.GetValueOrDefault("项目实施内容") ?? "",
                LongTermGoal = _texts.GetValueOrDefault("中长期目标") ?? "",
                AnnualGoal = _texts.GetValueOrDefault("年度目标") ?? "",
                Funds = new Funds
                {
                    Total = total,
                    FiscalAppropriation = _funds.GetValueOrDefault("财政拨款"),
                    GeneralBudget = _funds.GetValueOrDefault("一般公共预算资金"),
                    GovernmentFund = _funds.GetValueOrDefault("政府性基金"),
                    SpecialAccount = _funds.GetValueOrDefault("财政专户管理资金"),
                    StateCapital = _funds.GetValueOrDefault("国有资本金"),
                    SocialSecurityFund = _funds.GetValueOrDefault("社保基金"),
                    CarriedOver = _funds.GetValueOrDefault("上年结转资金"),
                    Other = _funds.GetValueOrDefault("其他资金"),
                    MidYearPlannedSpend = _plan,
                    AnnualBudget = annual!.Value,
                },
            };
            return new TableImport(new TargetTable(project, _indicators.Select(x => x.Indicator).ToList()), [], startLine);
        }
    }

    internal static bool TryAmount(string text, out decimal value)
    {
        var t = TargetNotation.Normalize(text).Replace("万元", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal);
        return decimal.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }
}
