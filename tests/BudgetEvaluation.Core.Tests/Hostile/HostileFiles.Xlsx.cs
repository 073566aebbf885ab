using System.IO.Compression;
using System.Security;
using System.Text;

namespace BudgetEvaluation.Core.Tests.Hostile;

/// <summary>
/// The corpus's XLSX writer, without references to this project: the service tests link this file to send the same
/// hostile workbooks through the drop folder.
/// </summary>
internal static partial class HostileFiles
{
    public const string ActualsHeader = "项目名称,一级指标,二级指标,三级指标,实际完成值,偏差原因分析及改进措施";

    public const long MiB = 1024 * 1024;

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
}
