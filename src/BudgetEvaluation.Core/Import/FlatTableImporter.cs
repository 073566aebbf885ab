using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using BudgetEvaluation.Core.Targets;
using CsvHelper;
using CsvHelper.Configuration;
using MiniExcelLibs;

namespace BudgetEvaluation.Core.Import;

/// <summary>
/// Reads target tables in the flat tabular form for bulk loads (docs/flat-format.md): CSV (UTF-8 with or without BOM,
/// or GB18030) or XLSX, one row per 三级 indicator, columns found by header name.
/// Streams: one project is held in memory at a time, so a project's rows must be contiguous.
/// </summary>
/// <remarks>
/// Blank 年度/主管部门/项目名称/二级指标 cells take the value of the row above, because spreadsheets merge those cells
/// and a merged cell keeps its value only in its first row. Per-project columns (funds, header, texts) may be repeated
/// on every row of the project or filled on one; differing values within a project are an error.
/// </remarks>
public static partial class FlatTableImporter
{
    private const string EncodingError = "文件含有无法识别的字符：请保存为 UTF-8 或 GB18030 编码";

    /// <summary>How many non-blank rows may precede the header (a title such as “2026年项目支出绩效目标表”).</summary>
    private const int HeaderSearchRows = 10;

    private static readonly FlatColumn[] LongTexts =
        [FlatColumn.Necessity, FlatColumn.Feasibility, FlatColumn.Content, FlatColumn.LongTermGoal, FlatColumn.AnnualGoal];

    [GeneratedRegex(@"^([0-9]{4})\s*(年度?)?$")]
    private static partial Regex YearText();

    public static IEnumerable<TableImport> ReadCsv(string path)
    {
        using var stream = File.OpenRead(path);
        foreach (var t in ReadCsv(stream, Path.GetFileName(path)))
            yield return t;
    }

    /// <summary>Reads a CSV stream; the encoding is detected (the stream must be seekable).</summary>
    public static IEnumerable<TableImport> ReadCsv(Stream stream, string fileName)
    {
        using var reader = TextDecoding.OpenReader(stream);
        foreach (var t in Read(CsvRows(reader), fileName))
            yield return t;
    }

    public static IEnumerable<TableImport> ReadCsv(TextReader reader, string fileName) => Read(CsvRows(reader), fileName);

    public static IEnumerable<TableImport> ReadXlsx(string path)
    {
        using var stream = File.OpenRead(path);
        foreach (var t in ReadXlsx(stream, Path.GetFileName(path)))
            yield return t;
    }

    /// <summary>Reads the first worksheet of an XLSX workbook.</summary>
    public static IEnumerable<TableImport> ReadXlsx(Stream stream, string fileName) => Read(XlsxRows(stream, fileName), fileName);

    /// <summary>One row of the source: its number as a spreadsheet shows it, its cells, or why it could not be read.</summary>
    internal readonly record struct SourceRow(int Number, string?[] Cells, string? Error = null, string ErrorField = "");

    internal static IEnumerable<TableImport> Read(IEnumerable<SourceRow> rows, string file)
    {
        using var source = WithinLimits(rows, file).GetEnumerator();
        Header? header = null;
        var nonBlank = 0;
        var firstNonBlank = 0;
        while (header is null && source.MoveNext())
        {
            var row = source.Current;
            if (row.Error is not null)
            {
                yield return Failure(new ImportError(file, row.Number, row.ErrorField, row.Error), row.Number);
                yield break;
            }
            if (IsBlank(row.Cells))
                continue;
            nonBlank++;
            if (firstNonBlank == 0)
                firstNonBlank = row.Number;
            if (Header.Looks(row.Cells))
                header = Header.Parse(row, file);
            else if (nonBlank >= HeaderSearchRows)
                break;
        }
        if (header is null)
        {
            var message = nonBlank == 0 ? "文件为空：没有表头行" : "没有找到表头行：表头应包含“项目名称”“三级指标”等列（见平表格式说明）";
            yield return Failure(new ImportError(file, firstNonBlank, "表头", message), firstNonBlank);
            yield break;
        }
        if (header.Errors.Count > 0)
        {
            yield return new TableImport(null, header.Errors, header.Row);
            yield break;
        }

        // Rows seen per project key, to tell a project that reappears after another one from a new project.
        var seen = new Dictionary<ProjectKey, (int First, int Last)>();
        var reported = 0; // errors in the projects already returned
        ProjectBlock? block = null;
        string year = "", department = "", name = "";
        while (source.MoveNext())
        {
            var row = source.Current;
            if (row.Error is not null)
            {
                var unreadable = new ImportError(file, row.Number, row.ErrorField, row.Error);
                // Before any project's rows, the file's problem is the only thing to say.
                if (block is null)
                {
                    yield return Failure(unreadable, row.Number);
                    yield break;
                }
                block.Errors.Add(unreadable);
                yield return block.Finish();
                yield break;
            }
            if (IsBlank(row.Cells))
                continue;
            // Fill down from the row above: merged cells keep their value only in their first row.
            year = NormalizeYear(header.Cell(row.Cells, FlatColumn.Year)) is { Length: > 0 } y ? y : year;
            department = header.Cell(row.Cells, FlatColumn.Department) is { Length: > 0 } d ? d : department;
            name = header.Cell(row.Cells, FlatColumn.Name) is { Length: > 0 } n ? n : name;
            var key = new ProjectKey(year, department, name);
            if (block is null || block.Key != key)
            {
                if (block is not null)
                {
                    var first = seen.TryGetValue(block.Key, out var earlierSpan) ? earlierSpan.First : block.StartRow;
                    seen[block.Key] = (first, block.LastRow);
                    var finished = block.Finish();
                    reported += finished.Errors.Count;
                    yield return finished;
                }
                (int First, int Last)? earlier = seen.TryGetValue(key, out var span) ? span : null;
                block = new ProjectBlock(file, header, row.Number, key, earlier);
            }
            block.Accept(row);
            if (reported + block.Errors.Count >= InputLimits.MaxErrors)
            {
                block.Errors.Add(InputLimits.TooManyErrors(file, row.Number));
                yield return new TableImport(null, block.Errors, block.StartRow);
                yield break;
            }
        }
        if (block is not null)
            yield return block.Finish();
        else
            yield return Failure(new ImportError(file, header.Row, "表头", "表头之后没有数据行"), header.Row);
    }

    private static TableImport Failure(ImportError error, int row) => new(null, [error], row);

    private static SourceRow Refused(ImportError error) => new(error.Line, [], error.Message, error.Field);

    /// <summary>Ends the rows with an error at the first one past <see cref="InputLimits"/>: rows, columns, cell length.</summary>
    private static IEnumerable<SourceRow> WithinLimits(IEnumerable<SourceRow> rows, string file)
    {
        foreach (var row in rows)
        {
            if (row.Error is null)
            {
                ImportError? error = null;
                if (row.Number > InputLimits.MaxTargetRows)
                    error = InputLimits.TooManyRows(file, row.Number, InputLimits.MaxTargetRows);
                else if (row.Cells.Length > InputLimits.MaxColumns)
                    error = InputLimits.TooManyColumns(file, row.Number, row.Cells.Length);
                else if (Array.FindIndex(row.Cells, c => c?.Length > InputLimits.MaxCellLength) is var i and >= 0)
                    error = InputLimits.CellTooLong(file, row.Number, ColumnName(i), row.Cells[i]!.Length);
                else if (Array.FindIndex(row.Cells, InputLimits.HasControlCharacter) is var j and >= 0)
                    error = InputLimits.ControlCharacter(file, row.Number, ColumnName(j));
                if (error is not null)
                {
                    yield return Refused(error);
                    yield break;
                }
            }
            yield return row;
            if (row.Error is not null)
                yield break;
        }
    }

    /// <summary>A column's letter as a spreadsheet shows it (A, B, …, AA).</summary>
    private static string ColumnName(int index) => $"第{Header.ColumnLetter(index)}列";

    private static bool IsBlank(string?[] cells)
    {
        foreach (var cell in cells)
        {
            if (!string.IsNullOrWhiteSpace(cell))
                return false;
        }
        return true;
    }

    /// <summary>“2026”, “2026年”, “2026年度”, “２０２６” all name the year 2026; anything else is kept as written and rejected later.</summary>
    private static string NormalizeYear(string text)
    {
        var match = YearText().Match(TargetNotation.Compatible(text));
        return match.Success ? match.Groups[1].Value : text;
    }

    private static IEnumerable<SourceRow> CsvRows(TextReader reader)
    {
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            HasHeaderRecord = false,
            // A stray quote inside an unquoted field is kept as text rather than failing the file.
            BadDataFound = null,
            // Keep blank lines so that row numbers match what a spreadsheet shows.
            IgnoreBlankLines = false,
            // Stop reading a cell at the limit rather than hold a gigabyte "cell" in memory.
            MaxFieldSize = InputLimits.MaxCellLength,
        };
        using var parser = new CsvParser(reader, config, leaveOpen: true);
        while (true)
        {
            bool more;
            string? error = null;
            var tooLong = false;
            try
            {
                more = parser.Read();
            }
            catch (DecoderFallbackException)
            {
                more = false;
                error = EncodingError;
            }
            catch (CsvHelperException e) when (e.InnerException is DecoderFallbackException)
            {
                more = false;
                error = EncodingError;
            }
            catch (MaxFieldSizeException)
            {
                more = false;
                tooLong = true;
            }
            if (tooLong)
            {
                yield return Refused(InputLimits.CellTooLong("", parser.Row, "单元格", -1));
                yield break;
            }
            if (error is not null)
            {
                yield return new SourceRow(parser.Row + 1, [], error, "文件编码");
                yield break;
            }
            if (!more)
                yield break;
            yield return new SourceRow(parser.Row, parser.Record ?? []);
        }
    }

    private static IEnumerable<SourceRow> XlsxRows(Stream stream, string fileName)
    {
        if (!stream.CanSeek)
        {
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            copy.Position = 0;
            stream = copy;
        }
        if (InputLimits.CheckXlsx(stream, fileName) is { } refused)
        {
            yield return Refused(refused);
            yield break;
        }
        using var rows = MiniExcel.Query(stream, useHeaderRow: false, excelType: ExcelType.XLSX).GetEnumerator();
        // MiniExcel yields every row from the first, blank ones included, so the count is the sheet's row number.
        var number = 0;
        while (true)
        {
            IDictionary<string, object?>? cells = null;
            string? error = null;
            try
            {
                if (!rows.MoveNext())
                    yield break;
                cells = (IDictionary<string, object?>)rows.Current;
            }
            catch (Exception e) when (e is InvalidDataException or XmlException or InvalidOperationException or NotSupportedException)
            {
                error = $"无法读取 XLSX 文件（{e.Message}）：请用 Excel 或 WPS 另存为 .xlsx 后重试";
            }
            number++;
            if (error is not null)
            {
                yield return new SourceRow(number, [], error, "文件");
                yield break;
            }
            var values = XlsxCells(cells!);
            if (values is null)
            {
                yield return Refused(InputLimits.TooManyColumns("", number, cells!.Count));
                yield break;
            }
            yield return new SourceRow(number, values);
        }
    }

    /// <summary>Cells by column letter (A, B, …, AA) into a positional array; null past <see cref="InputLimits.MaxColumns"/>.</summary>
    private static string?[]? XlsxCells(IDictionary<string, object?> row)
    {
        if (row.Count > InputLimits.MaxColumns)
            return null;
        var values = new string?[row.Count];
        foreach (var (column, value) in row)
        {
            var index = 0;
            foreach (var ch in column)
            {
                index = index * 26 + (ch - 'A' + 1);
                if (index > InputLimits.MaxColumns)
                    return null; // a crafted reference such as ZZZZZZ1 would size the array past memory
            }
            index--;
            if (index >= values.Length)
                Array.Resize(ref values, index + 1);
            if (index >= 0)
                values[index] = CellText(value);
        }
        return values;
    }

    /// <summary>
    /// A numeric cell comes back as a double; through decimal it prints as typed (19.53, not 19.530000000000001).
    /// A cell formatted as a percentage holds the fraction (0.95 for 95%): target columns should be text cells.
    /// </summary>
    private static string? CellText(object? value) => value switch
    {
        null => null,
        string s => s,
        double d when Math.Abs(d) < 7.9e27 => ((decimal)d).ToString(CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private readonly record struct ProjectKey(string Year, string Department, string Name);

    /// <summary>The header row: which column holds what.</summary>
    private sealed class Header
    {
        private readonly int[] _index = Enumerable.Repeat(-1, FlatColumns.Count).ToArray();

        public int Row { get; private init; }

        public List<ImportError> Errors { get; } = [];

        public bool Has(FlatColumn column) => _index[(int)column] >= 0;

        /// <summary>The trimmed cell of a column, "" when blank or the column is absent.</summary>
        public string Cell(string?[] cells, FlatColumn column)
        {
            var i = _index[(int)column];
            return i >= 0 && i < cells.Length && cells[i] is { } value ? value.Trim() : "";
        }

        /// <summary>A header row names the project and the indicator; a title line above it does not.</summary>
        public static bool Looks(string?[] cells)
        {
            var names = cells.Where(c => c is not null).Select(c => FlatColumns.Match(c!)?.Column).ToHashSet();
            return names.Contains(FlatColumn.Name) || names.Contains(FlatColumn.Indicator);
        }

        public static Header Parse(SourceRow row, string file)
        {
            var header = new Header { Row = row.Number };
            for (var i = 0; i < row.Cells.Length; i++)
            {
                var text = row.Cells[i];
                if (string.IsNullOrWhiteSpace(text) || FlatColumns.Match(text) is not { } spec)
                    continue; // a column the form does not use, e.g. 序号 or 备注
                var existing = header._index[(int)spec.Column];
                if (existing >= 0)
                {
                    header.Errors.Add(new ImportError(file, row.Number, text.Trim(),
                        $"列“{text.Trim()}”与第{ColumnLetter(existing)}列“{row.Cells[existing]?.Trim()}”重复：每列只能出现一次"));
                    continue;
                }
                header._index[(int)spec.Column] = i;
            }
            foreach (var spec in FlatColumns.All.Where(s => s.Required && !header.Has(s.Column)))
                header.Errors.Add(new ImportError(file, row.Number, spec.Header, $"缺少必需的列“{spec.Header}”"));
            if (!header.Has(FlatColumn.AnnualBudget) && !header.Has(FlatColumn.Total))
                header.Errors.Add(new ImportError(file, row.Number, "全年预算数", "缺少必需的列“全年预算数”或“资金总额”（全年预算数为空时取资金总额）"));
            return header;
        }

        public static string ColumnLetter(int index)
        {
            var letters = "";
            for (var n = index + 1; n > 0; n = (n - 1) / 26)
                letters = (char)('A' + (n - 1) % 26) + letters;
            return letters;
        }
    }

    /// <summary>The rows of one project as they stream in.</summary>
    private sealed class ProjectBlock
    {
        private readonly string _file;
        private readonly Header _header;
        private readonly string?[] _texts = new string?[FlatColumns.Count];
        private readonly string?[] _raw = new string?[FlatColumns.Count];
        private readonly decimal?[] _amounts = new decimal?[FlatColumns.Count];
        private readonly int[] _valueRows = new int[FlatColumns.Count];
        private readonly List<Indicator> _indicators = [];
        private readonly HashSet<string> _paths = new(StringComparer.Ordinal);
        private string? _subcategory;
        private bool _subcategoryValid;
        private readonly bool _reappeared;
        private bool _tooManyIndicators;

        public ProjectBlock(string file, Header header, int startRow, ProjectKey key, (int First, int Last)? earlier)
        {
            _file = file;
            _header = header;
            StartRow = startRow;
            LastRow = startRow;
            Key = key;
            if (earlier is { } span)
            {
                _reappeared = true;
                Errors.Add(new ImportError(file, startRow, "项目名称",
                    $"项目“{key.Name}”（{key.Department}，{key.Year}年度）已在第{(span.First == span.Last ? $"{span.First}" : $"{span.First}–{span.Last}")}行出现，此处再次出现：同一项目的各行必须相邻"));
            }
        }

        public ProjectKey Key { get; }

        public int StartRow { get; }

        public int LastRow { get; private set; }

        public List<ImportError> Errors { get; } = [];

        private string ProjectName => Key.Name.Length > 0 ? Key.Name : $"（第{StartRow}行的项目）";

        public void Accept(SourceRow row)
        {
            LastRow = row.Number;
            foreach (var spec in FlatColumns.All)
            {
                if (spec.Kind is FlatColumnKind.ProjectAmount or FlatColumnKind.ProjectText && _header.Has(spec.Column))
                    AcceptProjectValue(spec, _header.Cell(row.Cells, spec.Column), row.Number);
            }
            AcceptIndicator(row);
        }

        private void AcceptProjectValue(FlatColumnSpec spec, string cell, int rowNumber)
        {
            var i = (int)spec.Column;
            // Bulk exports repeat the project's columns on every row: the same text needs no second look.
            if (cell.Length == 0 || string.Equals(cell, _raw[i], StringComparison.Ordinal))
                return;
            if (spec.Kind == FlatColumnKind.ProjectAmount)
            {
                if (!TargetTableTextImporter.TryAmount(cell, out var amount))
                {
                    Errors.Add(new ImportError(_file, rowNumber, spec.Header, $"项目“{ProjectName}”：{spec.Header}“{cell}”不是数字（应为万元金额，如 135 或 19.53）"));
                    if (_valueRows[i] == 0)
                        _raw[i] = cell; // the same bad value repeated on the project's other rows is reported once
                    return;
                }
                if (_valueRows[i] == 0)
                {
                    _amounts[i] = amount;
                    _texts[i] = _raw[i] = cell;
                    _valueRows[i] = rowNumber;
                }
                else if (_amounts[i] != amount)
                {
                    Errors.Add(new ImportError(_file, rowNumber, spec.Header, Conflict(spec, i, cell, "项目资金")));
                }
                return;
            }
            var text = LongTexts.Contains(spec.Column) ? TargetTableTextImporter.StripTags(cell) : cell;
            if (_valueRows[i] == 0)
            {
                _texts[i] = text;
                _raw[i] = cell;
                _valueRows[i] = rowNumber;
            }
            else if (!string.Equals(_texts[i], text, StringComparison.Ordinal))
            {
                Errors.Add(new ImportError(_file, rowNumber, spec.Header, Conflict(spec, i, Shorten(text), "项目信息")));
            }
        }

        private string Conflict(FlatColumnSpec spec, int i, string value, string what) =>
            $"项目“{ProjectName}”：{spec.Header}在第{_valueRows[i]}行为“{Shorten(_texts[i] ?? "")}”，此处为“{value}”；同一项目各行的{what}必须一致（或只填在项目的第一行）";

        private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

        private void AcceptIndicator(SourceRow row)
        {
            var n = row.Number;
            var category = _header.Cell(row.Cells, FlatColumn.Category);
            var subcategory = _header.Cell(row.Cells, FlatColumn.Subcategory);
            var name = _header.Cell(row.Cells, FlatColumn.Indicator);
            var mid = _header.Cell(row.Cells, FlatColumn.MidYearTarget);
            var full = _header.Cell(row.Cells, FlatColumn.YearEndTarget);
            var weightText = _header.Cell(row.Cells, FlatColumn.Weight);
            var toleranceText = _header.Cell(row.Cells, FlatColumn.Tolerance);
            if (category.Length + subcategory.Length + name.Length + mid.Length + full.Length + weightText.Length + toleranceText.Length == 0)
                return; // a row carrying only project columns

            if (subcategory.Length > 0)
            {
                _subcategory = subcategory;
                _subcategoryValid = IndicatorTree.CategoryOfSubcategory.ContainsKey(subcategory);
                if (!_subcategoryValid)
                {
                    Errors.Add(new ImportError(_file, n, "二级指标",
                        $"项目“{ProjectName}”：二级指标“{subcategory}”不是标准二级指标（应为 {string.Join("、", IndicatorTree.CategoryOfSubcategory.Keys)} 之一）"));
                    return;
                }
            }
            else if (_subcategory is null)
            {
                Errors.Add(new ImportError(_file, n, "二级指标", $"项目“{ProjectName}”：指标“{name}”缺少二级指标（本行及以上各行都没有填写）"));
                return;
            }
            else if (!_subcategoryValid)
            {
                return; // continues a subcategory already reported as unknown
            }
            var expectedCategory = IndicatorTree.CategoryOfSubcategory[_subcategory];
            if (category.Length > 0)
            {
                var normalized = IndicatorTree.NormalizeCategory(category);
                if (normalized is null)
                {
                    Errors.Add(new ImportError(_file, n, "一级指标",
                        $"项目“{ProjectName}”：一级指标“{category}”无法识别（应为 {string.Join("、", IndicatorTree.Categories)}，或简写如“产出”，或留空）"));
                    return;
                }
                if (normalized != expectedCategory)
                {
                    Errors.Add(new ImportError(_file, n, "一级指标",
                        $"项目“{ProjectName}”：二级指标“{_subcategory}”属于“{expectedCategory}”，不属于一级指标“{category}”"));
                    return;
                }
            }
            if (name.Length == 0)
            {
                if (mid.Length > 0 || full.Length > 0)
                    Errors.Add(new ImportError(_file, n, "三级指标", $"项目“{ProjectName}”：二级指标“{_subcategory}”下的指标值“{(mid.Length > 0 ? mid : full)}”缺少三级指标名称"));
                return; // otherwise an empty subcategory, e.g. 成本指标 with no indicator
            }

            if (InputLimits.FormulaLikeName(_file, n, "三级指标", name) is { } formula)
            {
                Errors.Add(formula);
                return;
            }
            var midTarget = ParseTarget(mid, name, "半年指标值", n);
            var fullTarget = ParseTarget(full, name, "全年指标值", n);
            var weight = ParseNumber(weightText, name, "分值", "应为不小于 0 的数字，如 10", n);
            var tolerance = ParseNumber(toleranceText, name, "容差", "应为不小于 0 的数字，如 0 或 0.5", n);
            if (midTarget is null || fullTarget is null || (weightText.Length > 0 && weight is null) || (toleranceText.Length > 0 && tolerance is null))
                return;
            if (tolerance is not null && midTarget.Direction != Direction.Equal && fullTarget.Direction != Direction.Equal)
            {
                Errors.Add(new ImportError(_file, n, "容差",
                    $"项目“{ProjectName}”指标“{name}”：容差“{toleranceText}”只适用于“=”指标值（如 =2517.03平方米），本指标为“{midTarget.Text}”“{fullTarget.Text}”"));
                return;
            }
            if (_indicators.Count >= InputLimits.MaxIndicatorsPerProject)
            {
                if (!_tooManyIndicators)
                    Errors.Add(new ImportError(_file, n, "三级指标", $"项目“{ProjectName}”的指标超过 {InputLimits.MaxIndicatorsPerProject} 个的上限：请检查同一项目的行是否重复"));
                _tooManyIndicators = true;
                return;
            }
            var indicator = new Indicator(expectedCategory, _subcategory, name, midTarget, fullTarget, weight, tolerance);
            if (!_paths.Add(indicator.Path))
            {
                Errors.Add(new ImportError(_file, n, "三级指标", $"项目“{ProjectName}”：指标“{indicator.Path}”重复"));
                return;
            }
            _indicators.Add(indicator);
        }

        private Target? ParseTarget(string text, string indicator, string field, int row)
        {
            var target = TargetNotation.TryParse(text, out var error);
            if (target is null)
                Errors.Add(new ImportError(_file, row, field, $"项目“{ProjectName}”指标“{indicator}”：{error}（“{text}”）"));
            return target;
        }

        private decimal? ParseNumber(string text, string indicator, string field, string expected, int row)
        {
            if (text.Length == 0)
                return null;
            var normalized = TargetNotation.Normalize(text).TrimEnd('分');
            if (decimal.TryParse(normalized, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0)
                return value;
            Errors.Add(new ImportError(_file, row, field, $"项目“{ProjectName}”指标“{indicator}”：{field}“{text}”{expected}"));
            return null;
        }

        public TableImport Finish()
        {
            if (!int.TryParse(Key.Year, NumberStyles.None, CultureInfo.InvariantCulture, out var year) || year is < 1900 or > 2999)
            {
                Errors.Add(new ImportError(_file, StartRow, "年度",
                    Key.Year.Length == 0 ? $"项目“{ProjectName}”：缺少年度" : $"项目“{ProjectName}”：年度“{Key.Year}”应为四位年份，如 2026"));
            }
            if (Key.Department.Length == 0)
                Errors.Add(new ImportError(_file, StartRow, "主管部门", $"项目“{ProjectName}”：缺少主管部门"));
            if (Key.Name.Length == 0)
                Errors.Add(new ImportError(_file, StartRow, "项目名称", "缺少项目名称"));
            foreach (var (field, value) in new[] { ("主管部门", Key.Department), ("项目名称", Key.Name) })
            {
                if (InputLimits.FormulaLikeName(_file, StartRow, field, value) is { } formula)
                    Errors.Add(formula);
            }
            var total = _amounts[(int)FlatColumn.Total];
            var annual = _amounts[(int)FlatColumn.AnnualBudget] ?? total;
            // A project that reappears has its funds on its first rows; only the reappearance is worth reporting.
            if (annual is null && !_reappeared)
                Errors.Add(new ImportError(_file, StartRow, "全年预算数", $"项目“{ProjectName}”：全年预算数和资金总额都没有填写"));
            if (_indicators.Count == 0 && Errors.Count == 0)
                Errors.Add(new ImportError(_file, StartRow, "三级指标", $"项目“{ProjectName}”：没有绩效指标"));
            if (Errors.Count > 0)
                return new TableImport(null, Errors, StartRow);

            string Text(FlatColumn c) => _texts[(int)c] ?? "";
            decimal? Amount(FlatColumn c) => _amounts[(int)c];
            var project = new Project
            {
                Year = year,
                Name = Key.Name,
                Department = Key.Department,
                ImplementingUnit = Text(FlatColumn.ImplementingUnit),
                ProjectType = Text(FlatColumn.ProjectType),
                GovernmentLevel = Text(FlatColumn.GovernmentLevel),
                StartYear = Text(FlatColumn.StartYear),
                EndYear = Text(FlatColumn.EndYear),
                Contact = Text(FlatColumn.Contact),
                Necessity = Text(FlatColumn.Necessity),
                Feasibility = Text(FlatColumn.Feasibility),
                Content = Text(FlatColumn.Content),
                LongTermGoal = Text(FlatColumn.LongTermGoal),
                AnnualGoal = Text(FlatColumn.AnnualGoal),
                Funds = new Funds
                {
                    Total = total,
                    FiscalAppropriation = Amount(FlatColumn.FiscalAppropriation),
                    GeneralBudget = Amount(FlatColumn.GeneralBudget),
                    GovernmentFund = Amount(FlatColumn.GovernmentFund),
                    SpecialAccount = Amount(FlatColumn.SpecialAccount),
                    StateCapital = Amount(FlatColumn.StateCapital),
                    SocialSecurityFund = Amount(FlatColumn.SocialSecurityFund),
                    CarriedOver = Amount(FlatColumn.CarriedOver),
                    Other = Amount(FlatColumn.Other),
                    MidYearPlannedSpend = Amount(FlatColumn.MidYearPlannedSpend),
                    AnnualBudget = annual!.Value,
                },
            };
            return new TableImport(new TargetTable(project, _indicators), [], StartRow);
        }
    }
}
