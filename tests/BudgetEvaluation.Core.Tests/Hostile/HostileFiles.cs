using System.IO.Compression;
using System.Security;
using System.Text;
using BudgetEvaluation.Core.Actuals;
using BudgetEvaluation.Core.Import;
using BudgetEvaluation.Core.Targets;

namespace BudgetEvaluation.Core.Tests.Hostile;

/// <summary>
/// Builds the hostile-file corpus at run time (nothing large is committed): minimal XLSX packages written by hand,
/// so that cells, sizes and references can be whatever an attacker chooses.
/// </summary>
internal static class HostileFiles
{
    public const string FlatHeader = "年度,主管部门,项目名称,二级指标,三级指标,半年指标值,全年指标值,全年预算数";

    public const string ActualsHeader = "项目名称,一级指标,二级指标,三级指标,实际完成值,偏差原因分析及改进措施";

    /// <summary>
    /// Writes a one-sheet XLSX with inline-string cells; a null cell is left out. <paramref name="padding"/> bytes of
    /// whitespace after the rows make a zip bomb: valid XML that compresses a thousandfold.
    /// </summary>
    public static void WriteXlsx(string path, IEnumerable<string?[]> rows, Func<int, string>? reference = null, long padding = 0)
    {
        using var file = File.Create(path);
        using var zip = new ZipArchive(file, ZipArchiveMode.Create);
        Part(zip, "[Content_Types].xml",
            """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>""");
        Part(zip, "_rels/.rels",
            """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>""");
        Part(zip, "xl/workbook.xml",
            """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>""");
        Part(zip, "xl/_rels/workbook.xml.rels",
            """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>""");
        var sheet = zip.CreateEntry("xl/worksheets/sheet1.xml", padding > 0 ? CompressionLevel.SmallestSize : CompressionLevel.Fastest);
        using var writer = new StreamWriter(sheet.Open(), new UTF8Encoding(false), 1 << 16);
        writer.Write("""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>""");
        var r = 0;
        foreach (var row in rows)
        {
            r++;
            writer.Write($"<row r=\"{r}\">");
            for (var c = 0; c < row.Length; c++)
            {
                if (row[c] is not { } text)
                    continue;
                var cell = reference?.Invoke(c) ?? Column(c);
                writer.Write($"<c r=\"{cell}{r}\" t=\"inlineStr\"><is><t xml:space=\"preserve\">");
                writer.Write(SecurityElement.Escape(text));
                writer.Write("</t></is></c>");
            }
            writer.Write("</row>");
        }
        var spaces = new string(' ', 1 << 16);
        for (long written = 0; written < padding; written += spaces.Length)
            writer.Write(spaces);
        writer.Write("</sheetData></worksheet>");
    }

    private static void Part(ZipArchive zip, string name, string content)
    {
        using var writer = new StreamWriter(zip.CreateEntry(name).Open(), new UTF8Encoding(false));
        writer.Write(content);
    }

    private static string Column(int index)
    {
        var letters = "";
        for (var n = index + 1; n > 0; n = (n - 1) / 26)
            letters = (char)('A' + (n - 1) % 26) + letters;
        return letters;
    }

    /// <summary>Rows of the flat target form for <paramref name="projects"/> projects of <paramref name="indicators"/> indicators each.</summary>
    public static IEnumerable<string> FlatRows(int projects, int indicators)
    {
        yield return FlatHeader;
        for (var p = 0; p < projects; p++)
        {
            for (var i = 0; i < indicators; i++)
                yield return $"2026,南通市科学技术局,项目{p},数量指标,指标{i},≥{i + 1}个,≥{2 * i + 2}个,100";
        }
    }

    /// <summary>Every error of every table in a target file, read through the dispatch the import verb uses.</summary>
    public static (List<TableImport> Tables, List<ImportError> Errors) ReadTargets(string path)
    {
        var tables = TargetFiles.Read(path).ToList();
        return (tables, tables.SelectMany(t => t.Errors).ToList());
    }

    /// <summary>An actuals file read and matched against the committed seed rules at year-end.</summary>
    public static (List<ActualRow> Rows, List<ImportError> Errors) ReadActuals(string path)
    {
        var (rows, errors) = ActualsFile.Read(path);
        if (errors.Count > 0)
            return (rows, errors);
        var set = ActualsSet.Match(rows, Seed.Projects, Period.YearEnd, Path.GetFileName(path));
        return (rows, set.Errors);
    }

    /// <summary>Bytes allocated on this thread and others while <paramref name="action"/> runs.</summary>
    public static long Allocated(Action action)
    {
        var before = GC.GetTotalAllocatedBytes(precise: true);
        action();
        return GC.GetTotalAllocatedBytes(precise: true) - before;
    }

    public const long MiB = 1024 * 1024;
}
