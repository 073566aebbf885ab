namespace BudgetEvaluation.Core.Tests.Import;

/// <summary>How indicator rows are read when their label cells come and go (merged cells, page breaks).</summary>
public sealed class IndicatorRowTests
{
    private static List<BudgetEvaluation.Core.Import.TableImport> ImportWith(string original, string replacement)
    {
        var text = TestFiles.SeedText;
        Assert.Equal(1, text.Split(original).Length - 1);
        return TestFiles.ImportText(text.Replace(original, replacement, StringComparison.Ordinal));
    }

    [Fact]
    public void Import_MissingTargetOnTheFirstRowOfASubcategory_IsAnErrorNotAnIndicatorNamedAfterTheSubcategory()
    {
        // Regression: "质量指标 | 达成合作项目数 | ≥20个" was read as an indicator named 质量指标 with targets 达成合作项目数 and ≥20个.
        var imports = ImportWith("\t质量指标\t达成合作项目数\t≥10个\t≥20个", "\t质量指标\t达成合作项目数\t\t≥20个");

        var failed = Assert.Single(imports, i => !i.Succeeded);
        var error = Assert.Single(failed.Errors);
        Assert.Equal(330, error.Line);
        Assert.Equal("指标值", error.Field);
        Assert.Contains("达成合作项目数", error.Message);
    }

    [Fact]
    public void Import_MissingTargetOnACategoryRow_IsAnError()
    {
        var imports = ImportWith("产出指标\t数量指标\t组织科技创新双月例会场次\t≤1场\t≤3场", "产出指标\t数量指标\t组织科技创新双月例会场次\t≤3场");

        var error = Assert.Single(Assert.Single(imports, i => !i.Succeeded).Errors);
        Assert.Equal(329, error.Line);
        Assert.Equal("指标值", error.Field);
    }

    [Fact]
    public void Import_IndicatorNamedAfterItsSubcategory_IsAnIndicator()
    {
        var imports = ImportWith(
            "满意度指标\t服务对象满意度\t\t\t\n\n南通市本级项目预算绩效目标表\n\n2026年度\n\n项目名称\t物业管理费",
            "满意度指标\t服务对象满意度\t企业满意度\t≥90%\t≥90%\n\t\t服务对象满意度\t≥85%\t≥85%\n\n南通市本级项目预算绩效目标表\n\n2026年度\n\n项目名称\t物业管理费");

        var table = imports[0].Table!;
        Assert.Equal(17, table.Indicators.Count);
        Assert.Equal(
            ["满意度指标/服务对象满意度/企业满意度", "满意度指标/服务对象满意度/服务对象满意度"],
            table.Indicators.TakeLast(2).Select(i => i.Path));
        Assert.Equal("≥85%", table.Indicators[^1].YearEndTarget.Text);
    }

    [Fact]
    public void Import_SubcategoryLabelRepeatedAfterAPageBreak_KeepsTheSubcategory()
    {
        // Some extractions repeat a merged cell's label on the first row of the next page.
        var imports = ImportWith("\t\t资金使用合规性\t合规\t合规\n\t\t预算执行率\t=10%", "\t\t资金使用合规性\t合规\t合规\n\n\t资金管理\t预算执行率\t=10%");

        Assert.All(imports, i => Assert.Empty(i.Errors));
        Assert.Equal("过程/资金管理/预算执行率", imports[0].Table!.Indicators[8].Path);
    }
}
