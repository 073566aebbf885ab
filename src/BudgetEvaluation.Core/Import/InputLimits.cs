using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;

namespace BudgetEvaluation.Core.Import;

/// <summary>
/// Limits on input files (target tables and actuals), checked before and while reading, so that a broken or hostile
/// file ends in a clear error with bounded memory and time instead of exhausting the machine. docs/guarantees.md lists them.
/// </summary>
public static class InputLimits
{
    /// <summary>Longest cell, in characters: Excel's own limit, so no file Excel can save is refused.</summary>
    public const int MaxCellLength = 32_767;

    /// <summary>Most columns in a row: Excel's limit (column XFD).</summary>
    public const int MaxColumns = 16_384;

    /// <summary>Longest line of a target-table text file, in characters.</summary>
    public const int MaxLineLength = 1_048_576;

    /// <summary>
    /// Most rows (lines) in a target file. Target files stream, one project in memory at a time; the bound is a
    /// province (about 100 000 projects × up to 30 indicators) with room to spare.
    /// </summary>
    public const int MaxTargetRows = 4_000_000;

    /// <summary>Most rows in an actuals file, which is read whole: Excel's sheet limit.</summary>
    public const int MaxActualsRows = 1_048_576;

    /// <summary>Most indicators in one project's table (real tables have 15–30).</summary>
    public const int MaxIndicatorsPerProject = 1_000;

    /// <summary>
    /// Errors reported per file. Past this a file is not worth reading on: the reader stops and says so, rather than
    /// collect a million copies of one mistake.
    /// </summary>
    public const int MaxErrors = 1_000;

    /// <summary>Most parts (zip entries) in an XLSX workbook; Excel's own files have a few dozen.</summary>
    public const int MaxXlsxEntries = 1_000;

    /// <summary>
    /// Most bytes an XLSX workbook may expand to (all parts together). A 50 000-row actuals upload expands to about
    /// 20 MB; a zip bomb to gigabytes from a few hundred kilobytes.
    /// </summary>
    public const long MaxXlsxUncompressedBytes = 100L * 1024 * 1024;

    /// <summary>The error that ends a file with too many errors.</summary>
    public static ImportError TooManyErrors(string file, int line) =>
        new(file, line, "文件", $"错误超过 {MaxErrors} 条，已停止检查其余内容：请先改正以上错误后重新导入");

    /// <summary>The error for a cell longer than <see cref="MaxCellLength"/> (its length, or -1 when the reader stopped at the limit).</summary>
    public static ImportError CellTooLong(string file, int line, string column, long length) =>
        new(file, line, column, $"单元格长度{(length < 0 ? "" : " " + length.ToString(CultureInfo.InvariantCulture) + " 个字符，")}超过上限 {MaxCellLength} 个字符（Excel 单元格的上限）");

    public static ImportError TooManyColumns(string file, int line, int columns) =>
        new(file, line, "列数", $"本行有 {columns.ToString(CultureInfo.InvariantCulture)} 列，超过上限 {MaxColumns} 列");

    public static ImportError TooManyRows(string file, int line, int limit) =>
        new(file, line, "行数", $"文件超过 {limit.ToString(CultureInfo.InvariantCulture)} 行的上限：请按部门或项目拆分后分别导入");

    /// <summary>
    /// True when a cell holds a control character other than tab and line breaks: NUL and the like come from binary
    /// or damaged files, and PostgreSQL cannot store NUL in text.
    /// </summary>
    public static bool HasControlCharacter(string? cell)
    {
        if (cell is null)
            return false;
        foreach (var ch in cell)
        {
            if (char.IsControl(ch) && ch is not ('\t' or '\r' or '\n'))
                return true;
        }
        return false;
    }

    public static ImportError ControlCharacter(string file, int line, string column) =>
        new(file, line, column, "单元格含有控制字符（如 NUL），文件可能已损坏或不是文本：请检查后重新保存");

    /// <summary>
    /// A name (主管部门, 项目名称, 三级指标) that a spreadsheet would run as a formula. Names are written verbatim into the
    /// fill-in templates, where they must match on the way back, so they cannot be neutralised there: they are refused here.
    /// </summary>
    public static ImportError? FormulaLikeName(string file, int line, string field, string value) =>
        Reports.SpreadsheetText.IsFormulaLike(value)
            ? new ImportError(file, line, field, $"{field}“{value}”以“{value[0]}”开头，电子表格会把它当作公式执行：请去掉开头的符号")
            : null;

    /// <summary>
    /// Checks an XLSX file's zip directory before any parser opens it: entry count and the sizes the entries declare
    /// when expanded. Reading an entry never yields more than its declared size (System.IO.Compression stops there),
    /// so the declared sizes bound what the parsers can inflate. The stream must be seekable; it is rewound.
    /// </summary>
    /// <returns>The error, or null when the file is within the limits.</returns>
    public static ImportError? CheckXlsx(Stream stream, string fileName)
    {
        var start = stream.Position;
        try
        {
            // The end-of-central-directory record (22 bytes plus a comment of up to 65 535) gives the entry count
            // before the directory itself is read: a directory of millions of entries is refused unread.
            var length = stream.Length - start;
            if (length < 22)
                return NotXlsx(fileName, "文件过短");
            var tail = (int)Math.Min(length, 22 + 65_535);
            var buffer = new byte[tail];
            stream.Position = start + length - tail;
            stream.ReadExactly(buffer);
            var eocd = -1;
            for (var i = tail - 22; i >= 0; i--)
            {
                if (BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(i)) == 0x06054b50)
                {
                    eocd = i;
                    break;
                }
            }
            if (eocd < 0)
                return NotXlsx(fileName, "找不到 ZIP 目录，文件可能被截断或不是 XLSX");
            var entries = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(eocd + 10));
            if (entries > MaxXlsxEntries)
                return new ImportError(fileName, 0, "文件", $"XLSX 文件包含 {(entries == ushort.MaxValue ? "65 535 个以上" : $"{entries} 个")}部件，超过上限 {MaxXlsxEntries} 个：不是正常的 Excel 文件");

            stream.Position = start;
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            long total = 0;
            foreach (var entry in zip.Entries)
            {
                total += entry.Length;
                if (entry.Length > MaxXlsxUncompressedBytes || total > MaxXlsxUncompressedBytes)
                {
                    return new ImportError(fileName, 0, "文件",
                        $"XLSX 文件解压后超过 {MaxXlsxUncompressedBytes / (1024 * 1024)} MB 的上限（“{entry.FullName}”一项即 {entry.Length / (1024 * 1024)} MB，可能是压缩炸弹）：请拆分文件，或另存为 CSV 导入");
                }
            }
            return null;
        }
        catch (InvalidDataException ex)
        {
            return NotXlsx(fileName, ex.Message);
        }
        finally
        {
            stream.Position = start;
        }
    }

    private static ImportError NotXlsx(string fileName, string why) =>
        new(fileName, 0, "文件", $"无法读取 XLSX 文件：不是有效的 Excel 文件或已损坏（{why}）：请用 Excel 或 WPS 另存为 .xlsx 后重试");
}
