using BudgetEvaluation.Core.Rules;

namespace BudgetEvaluation.Core.Tests.Import;

public sealed partial class ImportRobustnessTests
{
    [Fact]
    public void Import_CutAtEveryLineBoundary_KeepsCompleteTablesAndFailsTheCutOne()
    {
        var lines = Lines(TestFiles.SeedText);
        for (var kept = 3; kept <= 577; kept++)
        {
            var imports = TestFiles.ImportText(string.Join("\n", lines.Take(kept)));

            var complete = LastLines.Count(l => l <= kept);
            var started = TitleLines.Count(t => t <= kept);
            Assert.True(imports.Count == started, $"cut after line {kept}: {imports.Count} tables, expected {started}");
            for (var t = 0; t < complete; t++)
                Assert.True(imports[t].Succeeded, $"cut after line {kept}: table {t + 1} failed: {string.Join("; ", imports[t].Errors)}");
            // The table closest to the cut is the one a truncation could have changed.
            if (complete > 0)
                Assert.Equal(Expected.Value[complete - 1], RulesFile.Serialize(imports[complete - 1].Table!));
            if (started > complete)
                AssertClearErrors(imports[^1]);
        }
    }

    [Fact]
    public void Import_CutInTheMiddleOfEveryLine_KeepsCompleteTablesAndFailsTheCutOne()
    {
        var lines = Lines(TestFiles.SeedText);
        for (var cut = 1; cut <= 577; cut++)
        {
            var line = lines[cut - 1];
            if (line.Length < 2)
                continue;
            var text = string.Join("\n", lines.Take(cut - 1)) + "\n" + line[..(line.Length / 2)];
            var imports = TestFiles.ImportText(text);

            // A title cut short is no title: its text lands in the table before it, which then fails.
            var intact = TitleLines.Count(t => t < cut);
            var complete = Math.Max(intact - 1, 0);
            Assert.True(imports.Count == Math.Max(intact, 1), $"cut in line {cut}: {imports.Count} tables, expected {Math.Max(intact, 1)}");
            for (var t = 0; t < complete; t++)
                Assert.True(imports[t].Succeeded, $"cut in line {cut}: table {t + 1} failed: {string.Join("; ", imports[t].Errors)}");
            // The table closest to the cut is the one a truncation could have changed.
            if (complete > 0)
                Assert.Equal(Expected.Value[complete - 1], RulesFile.Serialize(imports[complete - 1].Table!));
            AssertClearErrors(imports[^1]);
        }
    }

    [Fact]
    public void Import_CutInTheLastIndicatorRow_FailsNamingTheTruncation()
    {
        // 通创荟 cut after "≥900个" in its 招引科创项目数 row (line 41): the table must not import with eleven indicators.
        var lines = Lines(TestFiles.SeedText);
        var text = string.Join("\n", lines.Take(40)) + "\n产出指标\t数量指标\t招引科创项目数\t≥900个";

        var import = Assert.Single(TestFiles.ImportText(text));

        AssertClearErrors(import);
        Assert.Contains(import.Errors, e => e.Message.Contains("截断", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Import_OnlyBlankLinesBeforeTheCut_ReportsNoTable(int kept)
    {
        var imports = TestFiles.ImportText(string.Join("\n", Lines(TestFiles.SeedText).Take(kept)));

        var import = Assert.Single(imports);
        AssertClearErrors(import, lineKnown: false);
        Assert.Contains("没有找到", Assert.Single(import.Errors).Message);
    }
}
