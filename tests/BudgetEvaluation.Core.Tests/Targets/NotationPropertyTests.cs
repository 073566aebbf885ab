using System.Globalization;
using System.Text;
using BudgetEvaluation.Core.Actuals;
using BudgetEvaluation.Core.Rules;
using BudgetEvaluation.Core.Targets;
using CsCheck;

namespace BudgetEvaluation.Core.Tests.Targets;

/// <summary>
/// Property-based tests (CsCheck) of the two parsers that read what people type: target notation and actual values.
/// Each property runs thousands of generated inputs; a failure prints the seed that reproduces it.
/// </summary>
public sealed class NotationPropertyTests
{
    /// <summary>Characters real uploads and hostile ones carry: full-width forms, RTL and zero-width marks, NUL, lone surrogates, other scripts' digits.</summary>
    private const string Hostile =
        "0123456789.,+-%=<>≥≤≧≦⩾⩽＞＜＝％﹪０１２３４５６７８９．，＋－" +
        "个场项人次台件套万元平方米年月日以上以下以内不低于不少于不超过大于等于小于、达成部分未规范序时进度" +
        " \t\r\n\u3000\u00A0\u200B\u200E\u200F\u202A\u202E\u2066\u2069\uFEFF\0\u0001\uD800\uDC00\uDBFF\uFFFD" +
        "٠١٢٣٤٥٦٧٨٩०१२३४५६७८९𝟎𝟏𝟐①②⑴ⅠⅫ٫٬'\"“”()（）<p></p>&nbsp;";

    private static readonly Gen<string> HostileText = Gen.Char[Hostile].Array[0, 40].Select(chars => new string(chars));

    /// <summary>Any UTF-16 text, valid or not, plus text built from the hostile characters.</summary>
    private static readonly Gen<string> AnyText = Gen.OneOf(Gen.String, HostileText, Gen.Char.Array[0, 60].Select(chars => new string(chars)));

    private static readonly Gen<string> VeryLongText = Gen.Select(Gen.Char[Hostile], Gen.Int[10_000, 200_000], HostileText)
        .Select((ch, n, tail) => new string(ch, n) + tail);

    /// <summary>Targets of every form, as the seed writes them.</summary>
    private static readonly Target[] Targets =
    [
        .. new[] { "≥1800个", "≤3场", "=2517.03平方米", "=100%", "≥90%", "100%", "≥37台、件、套、 项", "=3项报告、应急预案报告、安全巡检报告", "≤12月" }
            .Select(t => TargetNotation.Parse(t, "test")),
        TargetNotation.Parse("序时进度", "test"),
        TargetNotation.Parse("规范", "test"),
        TargetNotation.Parse("严格执行相关财经法规、制度", "test"),
    ];

    private static readonly Dictionary<string, (double Low, double High)> Bands = new()
    {
        [RuleNames.Met] = (80, 100),
        [RuleNames.PartlyMet] = (60, 80),
        [RuleNames.NotMet] = (0, 60),
    };

    /// <summary>Units that follow a number in targets; "%" makes a percent target.</summary>
    private static readonly string[] Units = ["个", "场", "项", "人", "台", "平方米", "万元", "年", "月", "人次", "%", ""];

    /// <summary>A comparison written the many ways people write it, and the symbol it means.</summary>
    private static readonly (string Written, string Symbol)[] Comparisons =
    [
        ("≥", "≥"), (">=", "≥"), ("＞＝", "≥"), ("≧", "≥"), ("大于等于", "≥"), ("不低于", "≥"), ("不少于", "≥"),
        ("≤", "≤"), ("<=", "≤"), ("＜＝", "≤"), ("不高于", "≤"), ("不超过", "≤"),
        (">", ">"), ("＞", ">"), ("<", "<"), ("＜", "<"), ("=", "="), ("＝", "="), ("", "="),
    ];

    /// <summary>A non-negative amount with at most two decimals, as targets carry them.</summary>
    private static readonly Gen<decimal> Amount = Gen.Select(Gen.Long[0, 99_999_999], Gen.Int[0, 2])
        .Select((units, scale) => units / (decimal)Math.Pow(10, scale));

    private static readonly Gen<(string Written, string Symbol)> Comparison = Gen.OneOf(Comparisons);

    private static readonly Gen<string> Unit = Gen.OneOf(Units);

    private static string Ascii(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private static string FullWidthDigits(string text) =>
        string.Concat(text.Select(ch => ch switch
        {
            >= '0' and <= '9' => (char)('０' + (ch - '0')),
            '.' => '．',
            '%' => '％',
            _ => ch,
        }));

    /// <summary>Inserts whitespace (space, ideographic space, tab, no-break space) at the given positions.</summary>
    private static string InsertWhitespace(string text, int[] positions, string[] spaces)
    {
        var sb = new StringBuilder(text);
        for (var i = positions.Length - 1; i >= 0; i--)
            sb.Insert(Math.Min(positions[i], sb.Length), spaces[i % spaces.Length]);
        return sb.ToString();
    }

    private static (TargetForm, Direction, string, decimal?, string) Meaning(Target t) => (t.Form, t.Direction, t.Comparison, t.Value, t.Unit);

    [Fact]
    public void TargetTryParse_AnyText_NeverThrowsAndExplainsEveryRefusal() =>
        AnyText.Sample(text =>
        {
            var target = TargetNotation.TryParse(text, out var error);
            if (target is null)
                Assert.False(string.IsNullOrWhiteSpace(error));
            else
                Assert.Equal(text, target.Text);
        }, iter: 20_000);

    [Fact]
    public void TargetTryParse_VeryLongText_NeverThrows() =>
        VeryLongText.Sample(text => { _ = TargetNotation.TryParse(text, out _); }, iter: 50);

    [Fact]
    public void ActualTryParse_AnyTextAgainstEveryTargetForm_NeverThrowsAndExplainsEveryRefusal() =>
        Gen.Select(AnyText, Gen.Int[0, Targets.Length - 1]).Sample((text, t) =>
        {
            var actual = ActualValue.TryParse(text, Targets[t], Bands, out var error);
            if (actual is null)
                Assert.False(string.IsNullOrWhiteSpace(error));
            else if (Targets[t].Direction == Direction.Qualitative)
                Assert.Contains(actual.Band, new[] { RuleNames.Met, RuleNames.PartlyMet, RuleNames.NotMet });
            else
                Assert.Equal("", actual.Band);
            _ = ActualValue.TryAmount(text, out _);
        }, iter: 20_000);

    [Fact]
    public void ActualTryParse_VeryLongText_NeverThrows() =>
        Gen.Select(VeryLongText, Gen.Int[0, Targets.Length - 1]).Sample((text, t) =>
        {
            _ = ActualValue.TryParse(text, Targets[t], Bands, out _);
            _ = ActualValue.TryAmount(text, out _);
        }, iter: 50);

    [Fact]
    public void TargetTryParse_ComparisonNumberUnit_ReadsBackWhatWasWritten() =>
        Gen.Select(Comparison, Amount, Unit).Sample((comparison, value, unit) =>
        {
            var target = TargetNotation.TryParse(comparison.Written + Ascii(value) + unit, out var error);

            Assert.True(target is not null, error);
            Assert.Equal(value, target.Value);
            Assert.Equal(comparison.Symbol, target.Comparison);
            Assert.Equal(unit, target.Unit);
            Assert.Equal(unit == "%" ? TargetForm.Percent : TargetForm.Quantity, target.Form);
            Assert.Equal(comparison.Symbol switch { "≥" or ">" => Direction.Positive, "≤" or "<" => Direction.Negative, _ => Direction.Equal }, target.Direction);
        }, iter: 5_000);

    [Fact]
    public void TargetTryParse_ParsedTargetWrittenAgain_ParsesToTheSameMeaning() =>
        Gen.Select(Comparison, Amount, Unit).Sample((comparison, value, unit) =>
        {
            var first = TargetNotation.Parse(comparison.Written + Ascii(value) + unit, "test");
            var again = TargetNotation.Parse(first.Comparison + Ascii(first.Value!.Value) + first.Unit, "test");

            Assert.Equal(Meaning(first), Meaning(again));
        }, iter: 5_000);

    [Fact]
    public void TargetTryParse_FullWidthDigits_EqualTheirAsciiForm() =>
        Gen.Select(Comparison, Amount, Unit).Sample((comparison, value, unit) =>
        {
            var ascii = comparison.Written + Ascii(value) + unit;

            Assert.Equal(Meaning(TargetNotation.Parse(ascii, "test")), Meaning(TargetNotation.Parse(FullWidthDigits(ascii), "test")));
        }, iter: 5_000);

    [Fact]
    public void TargetTryParse_WhitespaceAnywhere_DoesNotChangeTheMeaning() =>
        Gen.Select(Comparison, Amount, Unit, Gen.Int[0, 30].Array[1, 4], Gen.OneOf(" ", "\u3000", "\t", "\u00A0", "  ").Array[1, 4])
            .Sample((comparison, value, unit, positions, spaces) =>
            {
                var plain = comparison.Written + Ascii(value) + unit;
                var spaced = InsertWhitespace(plain, positions, spaces);

                var target = TargetNotation.TryParse(spaced, out var error);
                Assert.True(target is not null, $"“{spaced}”: {error}");
                Assert.Equal(Meaning(TargetNotation.Parse(plain, "test")), Meaning(target) with { Item5 = WithoutWhitespace(target.Unit) });
            }, iter: 5_000);

    [Fact]
    public void ActualTryParse_NumberWithTheTargetsUnit_ReadsTheNumber() =>
        Gen.Select(Amount, Gen.Bool, Gen.Int[0, 2]).Sample((value, withUnit, t) =>
        {
            var target = TargetNotation.Parse(new[] { "≥1800个", "≤3场", "=2517.03平方米" }[t], "test");
            var actual = ActualValue.TryParse(Ascii(value) + (withUnit ? target.Unit : ""), target, Bands, out var error);

            Assert.True(actual is not null, error);
            Assert.Equal((double)value, actual.Value);
            Assert.Equal(target.Unit, actual.Unit);
        }, iter: 5_000);

    [Fact]
    public void ActualTryParse_FullWidthDigitsAndWhitespace_EqualTheAsciiForm() =>
        Gen.Select(Amount, Gen.Int[0, 20].Array[0, 3], Gen.Int[0, 1]).Sample((value, positions, t) =>
        {
            var target = TargetNotation.Parse(new[] { "≥1800个", "≥90%" }[t], "test");
            var ascii = Ascii(value) + target.Unit;
            var written = InsertWhitespace(FullWidthDigits(ascii), positions, [" ", "\u3000"]);

            var expected = ActualValue.TryParse(ascii, target, Bands, out _)!;
            var actual = ActualValue.TryParse(written, target, Bands, out var error);
            Assert.True(actual is not null, $"“{written}”: {error}");
            Assert.Equal((expected.Value, expected.Unit), (actual.Value, actual.Unit));
        }, iter: 5_000);

    // Regressions the properties found.

    [Fact]
    public void TargetTryParse_LoneSurrogate_IsReadNotThrown()
    {
        // string.Normalize throws on a lone surrogate; a truncated UTF-16 cell carries one.
        var target = TargetNotation.TryParse("≥18\uD800个", out _);

        Assert.Equal((18m, Direction.Positive), (target!.Value, target.Direction));
    }

    [Fact]
    public void ActualTryParse_OtherScriptsDigits_AreRefusedWithAnError()
    {
        // \d matched ٦ (Arabic-Indic six) and double.Parse then threw.
        var actual = ActualValue.TryParse("٦", TargetNotation.Parse("≥1800个", "test"), Bands, out var error);

        Assert.Null(actual);
        Assert.Equal("应为数值（目标为“≥1800个”），实际为“٦”", error);
    }

    [Fact]
    public void TargetTryParse_SpaceInsideUnit_KeepsItAUnit()
    {
        var target = TargetNotation.Parse("≤476187.92平方 米", "test");

        Assert.Equal((TargetForm.Quantity, "平方 米", ""), (target.Form, target.Unit, target.Description));
        Assert.True(ActualValue.UnitMatches("平方米", target.Unit));
    }

    private static string WithoutWhitespace(string text) => string.Concat(text.Where(ch => !char.IsWhiteSpace(ch)));
}
