using BudgetEvaluation.Core.Reports;

namespace BudgetEvaluation.Core.Tests.Reports;

public sealed class SpreadsheetTextTests
{
    [Theory]
    [InlineData("=1+1")]
    [InlineData("=HYPERLINK(\"http://example.invalid\")")]
    [InlineData("+86 513 1234")]
    [InlineData("-受宏观环境影响")]
    [InlineData("-5%")]
    [InlineData("@SUM(A1:A2)")]
    [InlineData("\t=1+1")]
    [InlineData("\r=1+1")]
    public void IsFormulaLike_TextStartingWithAFormulaCharacter_IsTrue(string text) =>
        Assert.True(SpreadsheetText.IsFormulaLike(text));

    [Theory]
    [InlineData("-5")]
    [InlineData("+3.5")]
    [InlineData("12.5")]
    [InlineData("1700个")]
    [InlineData("部分达成 75%")]
    [InlineData("受宏观环境影响 = 推迟")]
    [InlineData("")]
    [InlineData(null)]
    public void IsFormulaLike_PlainNumbersAndOrdinaryText_IsFalse(string? text) =>
        Assert.False(SpreadsheetText.IsFormulaLike(text));

    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("-受影响", "'-受影响")]
    [InlineData("-5", "-5")]
    [InlineData("达成", "达成")]
    public void Neutralize_PrefixesOnlyFormulaLikeText(string text, string expected) =>
        Assert.Equal(expected, SpreadsheetText.Neutralize(text));
}
