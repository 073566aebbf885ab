using BudgetEvaluation.Core.Import;
using BudgetEvaluation.Core.Rules;

namespace BudgetEvaluation.Core.Tests.Import;

/// <summary>Bad cells in one table are reported with file, line, field, project, indicator and text; the other tables still read.</summary>
public sealed class ImportErrorTests
{
    /// <summary>The seed with one exact piece of text replaced (the piece must occur once).</summary>
    private static string SeedWith(string original, string replacement)
    {
        var text = TestFiles.SeedText;
        var at = text.IndexOf(original, StringComparison.Ordinal);
        Assert.True(at >= 0 && text.IndexOf(original, at + 1, StringComparison.Ordinal) < 0, $"“{original}” must occur once in the seed");
        return text[..at] + replacement + text[(at + original.Length)..];
    }

    private static ImportError SingleErrorOf(List<TableImport> imports, string project)
    {
        var failed = Assert.Single(imports, i => !i.Succeeded);
        Assert.Equal(11, imports.Count(i => i.Succeeded));
        Assert.DoesNotContain(imports.Where(i => i.Succeeded), i => i.Table!.Project.Name == project);
        return Assert.Single(failed.Errors);
    }

    [Fact]
    public void Import_UnparseableYearEndTarget_NamesProjectIndicatorAndText()
    {
        var imports = TestFiles.ImportText(SeedWith("招引科创项目数\t≥900个\t≥1800个", "招引科创项目数\t≥900个\t≥个"));

        var error = SingleErrorOf(imports, "“通创荟”和科技招商经费专项");
        Assert.Equal(TestFiles.SeedName, error.File);
        Assert.Equal(41, error.Line);
        Assert.Equal("全年指标值", error.Field);
        Assert.Contains("“通创荟”和科技招商经费专项", error.Message);
        Assert.Contains("招引科创项目数", error.Message);
        Assert.Contains("≥个", error.Message);
    }

    [Fact]
    public void Import_BareComparisonAsHalfYearTarget_NamesProjectIndicatorAndText()
    {
        var imports = TestFiles.ImportText(SeedWith("物业服务面积\t=2517.03平方米", "物业服务面积\t≥"));

        var error = SingleErrorOf(imports, "物业管理费");
        Assert.Equal(89, error.Line);
        Assert.Equal("半年指标值", error.Field);
        Assert.Contains("物业管理费", error.Message);
        Assert.Contains("物业服务面积", error.Message);
        Assert.Contains("“≥”", error.Message);
    }

    [Fact]
    public void Import_EmptyTargetCell_NamesProjectIndicatorAndTheTargetLeft()
    {
        var imports = TestFiles.ImportText(SeedWith("组织科技创新双月例会场次\t≤1场\t≤3场", "组织科技创新双月例会场次\t\t≤3场"));

        var error = SingleErrorOf(imports, "科技创新双月例会专项");
        Assert.Equal(329, error.Line);
        Assert.Equal("指标值", error.Field);
        Assert.Contains("科技创新双月例会专项", error.Message);
        Assert.Contains("组织科技创新双月例会场次", error.Message);
        Assert.Contains("≤3场", error.Message);
    }

    [Fact]
    public void Import_BadTargetsInTwoTables_ReportsBoth()
    {
        var text = SeedWith("招引科创项目数\t≥900个\t≥1800个", "招引科创项目数\t≥900个\t≥个");
        text = text.Replace("全市实施产学研合作项目数\t≥800项\t≥1600项", "全市实施产学研合作项目数\t大于等于\t≥1600项", StringComparison.Ordinal);

        var imports = TestFiles.ImportText(text);

        Assert.Equal(10, imports.Count(i => i.Succeeded));
        Assert.Equal([41, 569], imports.SelectMany(i => i.Errors).Select(e => e.Line));
    }

    [Fact]
    public void Import_UnknownSubcategory_ReportsTheRow()
    {
        var imports = TestFiles.ImportText(SeedWith("产出指标\t数量指标\t招引科创项目数", "产出指标\t数量指\t招引科创项目数"));

        var error = SingleErrorOf(imports, "“通创荟”和科技招商经费专项");
        Assert.Equal(41, error.Line);
        Assert.Contains("数量指", error.Message);
    }

    [Fact]
    public void Import_MissingDepartment_IsAnError()
    {
        var imports = TestFiles.ImportText(SeedWith("项目名称\t物业管理费\t主管部门\t南通市科学技术局", "项目名称\t物业管理费\t主管部门\t"));

        var error = SingleErrorOf(imports, "物业管理费");
        Assert.Equal("主管部门", error.Field);
        Assert.Contains("物业管理费", error.Message);
    }

    [Fact]
    public void Import_SpendingAmountThatIsNotANumber_IsAnErrorNotABlank()
    {
        // Read by column, "十三点五" sat where 半年计划执行数 belongs and used to be skipped, leaving the plan empty.
        var imports = TestFiles.ImportText(SeedWith("\t“通创荟”和科技招商经费专项\t\t13.5\t135\t", "\t“通创荟”和科技招商经费专项\t\t十三点五\t135\t"));

        var error = SingleErrorOf(imports, "“通创荟”和科技招商经费专项");
        Assert.Equal(25, error.Line);
        Assert.Equal("半年计划执行数", error.Field);
        Assert.Contains("十三点五", error.Message);
    }

    [Fact]
    public void Import_SatisfactionRowWithoutSubcategory_ImportsIdentically()
    {
        // "满意度指标" alone on its row (no 服务对象满意度 cell) is an empty category, not a misplaced subcategory.
        var text = TestFiles.SeedText.Replace("满意度指标\t服务对象满意度\t\t\t", "满意度指标\t\t\t\t", StringComparison.Ordinal);
        Assert.NotEqual(TestFiles.SeedText, text);

        var imports = TestFiles.ImportText(text);

        Assert.All(imports, i => Assert.Empty(i.Errors));
        Assert.Equal(
            TestFiles.ImportSeed().Select(i => RulesFile.Serialize(i.Table!)),
            imports.Select(i => RulesFile.Serialize(i.Table!)));
    }

    [Fact]
    public void Import_UnsupportedExtension_IsAnErrorNamingIt()
    {
        var import = Assert.Single(TargetFiles.Read("targets.pdf"));

        var error = Assert.Single(import.Errors);
        Assert.Equal("targets.pdf", error.File);
        Assert.Equal("文件类型", error.Field);
        Assert.Contains(".pdf", error.Message);
    }
}
