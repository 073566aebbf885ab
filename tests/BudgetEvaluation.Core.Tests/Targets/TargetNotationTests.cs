using System.Globalization;
using BudgetEvaluation.Core.Targets;
using static BudgetEvaluation.Core.Targets.Direction;
using static BudgetEvaluation.Core.Targets.TargetForm;

namespace BudgetEvaluation.Core.Tests.Targets;

/// <summary>The target notation of DOMAIN §3: every target string of the seed, and the variants real uploads use.</summary>
public sealed class TargetNotationTests
{
    /// <summary>Every distinct target text in the seed (both periods), with what it means.</summary>
    public static readonly TheoryData<string, TargetForm, Direction, string, string?, string, string> SeedTargets = new()
    {
        // Qualitative words (the description is the word itself).
        { "规范", QualitativeWord, Qualitative, "", null, "", "规范" },
        { "充分", QualitativeWord, Qualitative, "", null, "", "充分" },
        { "明确", QualitativeWord, Qualitative, "", null, "", "明确" },
        { "合理", QualitativeWord, Qualitative, "", null, "", "合理" },
        { "科学", QualitativeWord, Qualitative, "", null, "", "科学" },
        { "合规", QualitativeWord, Qualitative, "", null, "", "合规" },
        { "健全", QualitativeWord, Qualitative, "", null, "", "健全" },
        { "有效", QualitativeWord, Qualitative, "", null, "", "有效" },
        { "较高", QualitativeWord, Qualitative, "", null, "", "较高" },
        { "及时", QualitativeWord, Qualitative, "", null, "", "及时" },
        { "完成", QualitativeWord, Qualitative, "", null, "", "完成" },
        // Descriptive sentences.
        { "严格执行相关财经法规、制度", Descriptive, Qualitative, "", null, "", "严格执行相关财经法规、制度" },
        { "在平台、载体、园区、基金、项目上启动合作", Descriptive, Qualitative, "", null, "", "在平台、载体、园区、基金、项目上启动合作" },
        { "在平台、载体、园区、基金、项目上深化合作", Descriptive, Qualitative, "", null, "", "在平台、载体、园区、基金、项目上深化合作" },
        // 序时进度.
        { "序时进度", TimeProgress, Positive, "≥", null, "%", "" },
        // Percent: bare, =, ≥, ≤.
        { "100%", Percent, Equal, "=", "100", "%", "" },
        { "=0%", Percent, Equal, "=", "0", "%", "" },
        { "=6%", Percent, Equal, "=", "6", "%", "" },
        { "=8%", Percent, Equal, "=", "8", "%", "" },
        { "=10%", Percent, Equal, "=", "10", "%", "" },
        { "=15%", Percent, Equal, "=", "15", "%", "" },
        { "=20%", Percent, Equal, "=", "20", "%", "" },
        { "=40%", Percent, Equal, "=", "40", "%", "" },
        { "=48%", Percent, Equal, "=", "48", "%", "" },
        { "=95%", Percent, Equal, "=", "95", "%", "" },
        { "=100%", Percent, Equal, "=", "100", "%", "" },
        { "≥50%", Percent, Positive, "≥", "50", "%", "" },
        { "≥90%", Percent, Positive, "≥", "90", "%", "" },
        { "≥100%", Percent, Positive, "≥", "100", "%", "" },
        { "≤50%", Percent, Negative, "≤", "50", "%", "" },
        { "≤100%", Percent, Negative, "≤", "100", "%", "" },
        // Comparison, number and unit.
        { "≥0个", Quantity, Positive, "≥", "0", "个", "" },
        { "≥3个", Quantity, Positive, "≥", "3", "个", "" },
        { "≥10个", Quantity, Positive, "≥", "10", "个", "" },
        { "≥13个", Quantity, Positive, "≥", "13", "个", "" },
        { "≥20个", Quantity, Positive, "≥", "20", "个", "" },
        { "≥30个", Quantity, Positive, "≥", "30", "个", "" },
        { "≥40个", Quantity, Positive, "≥", "40", "个", "" },
        { "≥80个", Quantity, Positive, "≥", "80", "个", "" },
        { "≥100个", Quantity, Positive, "≥", "100", "个", "" },
        { "≥170个", Quantity, Positive, "≥", "170", "个", "" },
        { "≥350个", Quantity, Positive, "≥", "350", "个", "" },
        { "≥600个", Quantity, Positive, "≥", "600", "个", "" },
        { "≥800个", Quantity, Positive, "≥", "800", "个", "" },
        { "≥900个", Quantity, Positive, "≥", "900", "个", "" },
        { "≥1800个", Quantity, Positive, "≥", "1800", "个", "" },
        { "≥2000个", Quantity, Positive, "≥", "2000", "个", "" },
        { "≥1场", Quantity, Positive, "≥", "1", "场", "" },
        { "≥2场", Quantity, Positive, "≥", "2", "场", "" },
        { "≤1场", Quantity, Negative, "≤", "1", "场", "" },
        { "≤3场", Quantity, Negative, "≤", "3", "场", "" },
        { "≥2次", Quantity, Positive, "≥", "2", "次", "" },
        { "≥4次", Quantity, Positive, "≥", "4", "次", "" },
        { "≥5项", Quantity, Positive, "≥", "5", "项", "" },
        { "≥10项", Quantity, Positive, "≥", "10", "项", "" },
        { "≥800项", Quantity, Positive, "≥", "800", "项", "" },
        { "≥1600项", Quantity, Positive, "≥", "1600", "项", "" },
        { "≥50人", Quantity, Positive, "≥", "50", "人", "" },
        { "≥100人", Quantity, Positive, "≥", "100", "人", "" },
        { "≥5万元", Quantity, Positive, "≥", "5", "万元", "" },
        { "≤1年", Quantity, Negative, "≤", "1", "年", "" },
        { "≤12月", Quantity, Negative, "≤", "12", "月", "" },
        { "=2517.03平方米", Quantity, Equal, "=", "2517.03", "平方米", "" },
        // A list of units is one unit, kept as written (with its stray space).
        { "≥0台、件、套、 项", Quantity, Positive, "≥", "0", "台、件、套、 项", "" },
        { "≥37台、件、套、 项", Quantity, Positive, "≥", "37", "台、件、套、 项", "" },
        // Number and description.
        { "=1项报告、应急预案报告、安全巡检报告", QuantityWithDescription, Equal, "=", "1", "项", "报告、应急预案报告、安全巡检报告" },
        { "=3项报告、应急预案报告、安全巡检报告", QuantityWithDescription, Equal, "=", "3", "项", "报告、应急预案报告、安全巡检报告" },
    };

    /// <summary>Forms real uploads use beyond the seed (DOMAIN §3): full-width, ASCII, words, spaces, suffixes.</summary>
    public static readonly TheoryData<string, TargetForm, Direction, string, string?, string, string> Variants = new()
    {
        { "＞＝90％", Percent, Positive, "≥", "90", "%", "" },
        { "＝100％", Percent, Equal, "=", "100", "%", "" },
        { "≥１８００个", Quantity, Positive, "≥", "1800", "个", "" },
        { "≥９０．５％", Percent, Positive, "≥", "90.5", "%", "" },
        { ">=90%", Percent, Positive, "≥", "90", "%", "" },
        { ">=1800个", Quantity, Positive, "≥", "1800", "个", "" },
        { "<=3天", Quantity, Negative, "≤", "3", "天", "" },
        { "≧90%", Percent, Positive, "≥", "90", "%", "" },
        { ">0个", Quantity, Positive, ">", "0", "个", "" },
        { "<5%", Percent, Negative, "<", "5", "%", "" },
        { "大于等于90%", Percent, Positive, "≥", "90", "%", "" },
        { "不低于95%", Percent, Positive, "≥", "95", "%", "" },
        { "不低于 90 ％", Percent, Positive, "≥", "90", "%", "" },
        { "不少于50人", Quantity, Positive, "≥", "50", "人", "" },
        { "不高于5%", Percent, Negative, "≤", "5", "%", "" },
        { "不超过3天", Quantity, Negative, "≤", "3", "天", "" },
        { "小于等于12月", Quantity, Negative, "≤", "12", "月", "" },
        { "≥ 1800 个", Quantity, Positive, "≥", "1800", "个", "" },
        { " ≥1800个 ", Quantity, Positive, "≥", "1800", "个", "" },
        { "≥ 37 台、件、套、 项", Quantity, Positive, "≥", "37", "台、件、套、 项", "" },
        { "90%以上", Percent, Positive, "≥", "90", "%", "" },
        { "50人及以上", Quantity, Positive, "≥", "50", "人", "" },
        { "3天以内", Quantity, Negative, "≤", "3", "天", "" },
        { "≥2.5万元", Quantity, Positive, "≥", "2.5", "万元", "" },
        { "≥1,800个", Quantity, Positive, "≥", "1800", "个", "" },
        { "≥1，800个", Quantity, Positive, "≥", "1800", "个", "" },
        { "=2项报告", QuantityWithDescription, Equal, "=", "2", "项", "报告" },
        { " 序时进度 ", TimeProgress, Positive, "≥", null, "%", "" },
        { " 规范 ", QualitativeWord, Qualitative, "", null, "", "规范" },
        { "达标", QualitativeWord, Qualitative, "", null, "", "达标" },
        { "按计划完成年度任务", Descriptive, Qualitative, "", null, "", "按计划完成年度任务" },
        { "在2026年底前完成验收", Descriptive, Qualitative, "", null, "", "在2026年底前完成验收" },
        { "不低于去年水平", Descriptive, Qualitative, "", null, "", "不低于去年水平" },
    };

    [Theory]
    [MemberData(nameof(SeedTargets))]
    [MemberData(nameof(Variants))]
    public void TryParse_Target_ReadsFormDirectionComparisonValueUnitAndDescription(
        string text, TargetForm form, Direction direction, string comparison, string? value, string unit, string description)
    {
        var target = TargetNotation.TryParse(text, out var error);

        Assert.Null(error);
        Assert.NotNull(target);
        Assert.Equal(text, target.Text);
        Assert.Equal(form, target.Form);
        Assert.Equal(direction, target.Direction);
        Assert.Equal(comparison, target.Comparison);
        Assert.Equal(value is null ? null : decimal.Parse(value, CultureInfo.InvariantCulture), target.Value);
        Assert.Equal(unit, target.Unit);
        Assert.Equal(description, target.Description);
    }

    [Fact]
    public void SeedTargets_CoverEveryTargetTextInTheSeed()
    {
        var inSeed = TestFiles.ImportSeed()
            .SelectMany(i => i.Table!.Indicators)
            .SelectMany(i => new[] { i.MidYearTarget.Text, i.YearEndTarget.Text })
            .ToHashSet();
        var inTable = SeedTargets.Select(row => (string)row[0]).ToHashSet();

        Assert.Equal(67, inSeed.Count);
        Assert.Equal(inSeed.Order(StringComparer.Ordinal), inTable.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("≥")]
    [InlineData("＞＝")]
    [InlineData(">=")]
    [InlineData("≥个")]
    [InlineData("≥%")]
    [InlineData("≥ 台、件、套、 项")]
    [InlineData("大于等于")]
    [InlineData("不少于个")]
    [InlineData("%")]
    [InlineData("个")]
    [InlineData("≥规范")]
    [InlineData("≥100000000000000000000000000000000个")]
    public void TryParse_UnparseableTarget_ReturnsAnErrorInsteadOfADefault(string text)
    {
        var target = TargetNotation.TryParse(text, out var error);

        Assert.Null(target);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void Parse_UnparseableTarget_ThrowsNamingTheContextAndText()
    {
        var ex = Assert.Throws<FormatException>(() => TargetNotation.Parse("≥个", "项目“物业管理费”指标“物业服务面积”"));

        Assert.Contains("项目“物业管理费”指标“物业服务面积”", ex.Message);
        Assert.Contains("≥个", ex.Message);
    }

    [Theory]
    [InlineData("＞＝90％", "≥90%")]
    [InlineData("≥ １８００ 个", "≥1800个")]
    [InlineData("=>5", "≥5")]
    [InlineData("=<5", "≤5")]
    [InlineData("==5", "=5")]
    [InlineData("≦3天", "≤3天")]
    public void Normalize_FullWidthAsciiAndSpacedForms_BecomeTheCanonicalSymbols(string text, string expected)
    {
        Assert.Equal(expected, TargetNotation.Normalize(text));
    }
}
