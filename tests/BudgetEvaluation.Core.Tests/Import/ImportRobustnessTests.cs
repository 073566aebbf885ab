using System.Text;
using System.Text.RegularExpressions;
using BudgetEvaluation.Core.Import;
using BudgetEvaluation.Core.Rules;

namespace BudgetEvaluation.Core.Tests.Import;

/// <summary>
/// Mutations of the seed as real extractions and uploads produce them: each either imports to byte-identical
/// rules files or fails with an <see cref="ImportError"/> naming file, line and field. Nothing throws.
/// </summary>
public sealed partial class ImportRobustnessTests
{
    /// <summary>The seed's title lines and the last line (满意度指标) of each of its twelve tables.</summary>
    private static readonly int[] TitleLines = [3, 51, 99, 147, 195, 243, 291, 339, 387, 435, 483, 531];
    private static readonly int[] LastLines = [49, 97, 145, 193, 241, 289, 337, 385, 433, 481, 529, 577];

    private static readonly Lazy<string[]> Expected = new(() =>
        TestFiles.ImportSeed().Select(i => RulesFile.Serialize(i.Table!)).ToArray());

    private static string[] Lines(string text) => text.Split('\n');

    private static string Map(string text, Func<string, string> line) => string.Join("\n", Lines(text).Select(line));

    /// <summary>Asserts that every table imported and serializes exactly as the unmodified seed's does.</summary>
    private static void AssertIdentical(List<TableImport> imports)
    {
        Assert.All(imports, i => Assert.Empty(i.Errors));
        Assert.Equal(Expected.Value, imports.Select(i => RulesFile.Serialize(i.Table!)));
    }

    private static void AssertClearErrors(TableImport import, bool lineKnown = true)
    {
        Assert.False(import.Succeeded);
        Assert.NotEmpty(import.Errors);
        Assert.All(import.Errors, e =>
        {
            Assert.Equal(TestFiles.SeedName, e.File);
            if (lineKnown)
                Assert.True(e.Line > 0, $"no line in “{e}”");
            Assert.False(string.IsNullOrWhiteSpace(e.Field), $"no field in “{e}”");
            Assert.False(string.IsNullOrWhiteSpace(e.Message), $"no message in “{e}”");
        });
    }

    [Fact]
    public void Import_SeedAsIs_MatchesTheCommittedSerialization()
    {
        AssertIdentical(TestFiles.ImportText(TestFiles.SeedText));
    }

    [Fact]
    public void Import_TrailingTabsRemoved_ImportsIdentically()
    {
        AssertIdentical(TestFiles.ImportText(Map(TestFiles.SeedText, l => l.TrimEnd('\t'))));
    }

    [Fact]
    public void Import_DoubleTabsCollapsedInHeaderRows_ImportsIdentically()
    {
        string[] header = ["项目名称", "项目类型", "开始时间", "实施单位"];
        var text = Map(TestFiles.SeedText, l => header.Any(h => l.StartsWith(h, StringComparison.Ordinal)) ? Regex.Replace(l, "\t+", "\t") : l);

        Assert.NotEqual(TestFiles.SeedText, text);
        AssertIdentical(TestFiles.ImportText(text));
    }

    [Fact]
    public void Import_EveryRunOfTabsCollapsed_ImportsIdentically()
    {
        // Shifts every column, the spending row's included: amounts are then taken in order.
        AssertIdentical(TestFiles.ImportText(Regex.Replace(TestFiles.SeedText, "\t+", "\t")));
    }

    [Fact]
    public void Import_LeadingTabsRemoved_ImportsIdentically()
    {
        AssertIdentical(TestFiles.ImportText(Map(TestFiles.SeedText, l => l.TrimStart('\t'))));
    }

    [Fact]
    public void Import_TabAddedAtEveryLineEnd_ImportsIdentically()
    {
        // Title and year lines then carry a tab too.
        AssertIdentical(TestFiles.ImportText(Map(TestFiles.SeedText, l => l + "\t")));
    }

    [Fact]
    public void Import_CrlfLineEndings_ImportsIdentically()
    {
        var bytes = Encoding.UTF8.GetBytes(TestFiles.SeedText.Replace("\n", "\r\n", StringComparison.Ordinal));

        AssertIdentical(TestFiles.ImportBytes(bytes));
    }

    [Fact]
    public void Import_Gb18030Encoding_ImportsIdentically()
    {
        var bytes = TextDecoding.Gb18030.GetBytes(TestFiles.SeedText);

        Assert.NotEqual(Encoding.UTF8.GetBytes(TestFiles.SeedText), bytes);
        AssertIdentical(TestFiles.ImportBytes(bytes));
    }

    [Fact]
    public void Import_Gb18030WithCrlfAndNoTrailingTabs_ImportsIdentically()
    {
        var text = Map(TestFiles.SeedText, l => l.TrimEnd('\t')).Replace("\n", "\r\n", StringComparison.Ordinal);

        AssertIdentical(TestFiles.ImportBytes(TextDecoding.Gb18030.GetBytes(text)));
    }

    [Fact]
    public void Import_Utf8Bom_ImportsIdentically()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(TestFiles.SeedText)];

        AssertIdentical(TestFiles.ImportBytes(bytes));
    }

    [Fact]
    public void Import_SeedFileOnDisk_ImportsIdentically()
    {
        AssertIdentical(TargetTableTextImporter.Read(TestFiles.Seed).ToList());
    }

    [Fact]
    public void Import_BlankLinesRemoved_ImportsIdentically()
    {
        var text = string.Join("\n", Lines(TestFiles.SeedText).Where(l => l.Length > 0));

        AssertIdentical(TestFiles.ImportText(text));
    }

    [Fact]
    public void Import_BlankLineAfterEveryLine_ImportsIdentically()
    {
        AssertIdentical(TestFiles.ImportText(Map(TestFiles.SeedText, l => l + "\n")));
    }

    [Fact]
    public void Import_BlankLinesMovedElsewhere_ImportsIdentically()
    {
        // The seed's blank lines (page breaks, gaps around titles) taken out and put back after every fifth line, with spaces and tabs.
        var sb = new StringBuilder();
        var n = 0;
        foreach (var line in Lines(TestFiles.SeedText).Where(l => l.Length > 0))
        {
            sb.Append(line).Append('\n');
            if (++n % 5 == 0)
                sb.Append(n % 2 == 0 ? " \t \n" : "\n\n");
        }

        AssertIdentical(TestFiles.ImportText(sb.ToString()));
    }
}
