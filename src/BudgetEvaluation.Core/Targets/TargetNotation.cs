using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace BudgetEvaluation.Core.Targets;

/// <summary>Parses target notation as finance bureaus write it (DOMAIN §3).</summary>
public static partial class TargetNotation
{
    public const string TimeProgressText = "序时进度";

    /// <summary>Words that make a target qualitative by themselves.</summary>
    public static readonly IReadOnlySet<string> QualitativeWords = new HashSet<string>
    {
        "规范", "充分", "明确", "合理", "科学", "合规", "健全", "有效", "较高", "高", "及时", "完成", "达标", "满意", "良好", "显著", "提升", "改善", "稳定", "安全", "准确", "到位", "符合要求", "按时完成",
    };

    /// <summary>Units that can follow a number; anything longer after a number is a description.</summary>
    public static readonly IReadOnlyList<string> KnownUnits =
    [
        "平方米", "立方米", "万元", "亿元", "千元", "公里", "千米", "小时", "人次", "家次", "个月", "工作日", "课时", "学时",
        "个", "场", "项", "人", "次", "台", "件", "套", "元", "年", "月", "日", "天", "家", "篇", "份", "名", "户", "所", "座", "辆", "批", "期",
        "位", "米", "亩", "吨", "条", "本", "册", "部", "张", "处", "间", "棵", "株", "只", "头", "周", "季", "类", "组", "支", "种", "门", "届", "轮", "批次", "万人", "万",
    ];

    private static readonly (string Words, string Symbol)[] ComparisonWords =
    [
        ("大于等于", "≥"), ("大于或等于", "≥"), ("不低于", "≥"), ("不少于", "≥"), ("不小于", "≥"), ("至少", "≥"),
        ("小于等于", "≤"), ("小于或等于", "≤"), ("不高于", "≤"), ("不超过", "≤"), ("不大于", "≤"), ("不多于", "≤"), ("至多", "≤"),
        ("大于", ">"), ("高于", ">"), ("超过", ">"), ("多于", ">"),
        ("小于", "<"), ("低于", "<"), ("少于", "<"),
        ("等于", "="),
    ];

    private static readonly (string Suffix, string Symbol)[] SuffixComparisons =
    [
        ("及以上", "≥"), ("以上", "≥"), ("及以下", "≤"), ("以下", "≤"), ("以内", "≤"),
    ];

    // Digit grouping ("1,800", as Excel formats numbers) is accepted only in groups of three, so "1,8" is not 18.
    // [0-9], not \d: \d also matches other scripts' digits (٣), which number parsing then refuses.
    [GeneratedRegex(@"^(?<cmp>≥|≤|>|<|=)?(?<num>[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?)(?<pct>%)?(?<rest>.*)$", RegexOptions.Singleline)]
    private static partial Regex QuantityPattern();

    /// <summary>Parses a target, or returns null with the reason in <paramref name="error"/>.</summary>
    public static Target? TryParse(string text, out string? error)
    {
        error = null;
        var normalized = Normalize(text);
        if (normalized.Length == 0)
        {
            error = "指标值为空";
            return null;
        }
        if (normalized == TimeProgressText)
            return new Target(text, TargetForm.TimeProgress, Direction.Positive, "≥", null, "%", "");

        var symbol = "";
        var body = normalized;
        if (body[0] is '≥' or '≤' or '>' or '<' or '=')
        {
            symbol = body[..1];
            body = body[1..];
        }
        else
        {
            foreach (var (words, s) in ComparisonWords)
            {
                if (body.StartsWith(words, StringComparison.Ordinal) && body.Length > words.Length && IsNumberStart(body[words.Length]))
                {
                    symbol = s;
                    body = body[words.Length..];
                    break;
                }
            }
        }

        var match = QuantityPattern().Match(symbol + body);
        if (match.Success)
        {
            var number = match.Groups["num"].Value;
            if (!decimal.TryParse(number.Replace(",", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                error = $"无法识别的指标值“{text}”：数值“{number}”超出范围";
                return null;
            }
            var rest = match.Groups["rest"].Value;
            // A formula character right after the number ("=1+cmd|…") is no notation, and would run in a spreadsheet.
            if (rest.Length > 0 && rest[0] is ',' or '.' or '+' or '-' or '=' or '@' or '|')
            {
                error = $"无法识别的指标值“{text}”：数字“{number}{rest}”写法不规范";
                return null;
            }
            var cmp = match.Groups["cmp"].Success ? match.Groups["cmp"].Value : "=";
            // "90%以上", "3天以内": the comparison written after the number.
            foreach (var (suffix, s) in SuffixComparisons)
            {
                if (!match.Groups["cmp"].Success && rest.EndsWith(suffix, StringComparison.Ordinal))
                {
                    cmp = s;
                    rest = rest[..^suffix.Length];
                    break;
                }
            }
            var direction = cmp switch
            {
                "≥" or ">" => Direction.Positive,
                "≤" or "<" => Direction.Negative,
                _ => Direction.Equal,
            };
            if (match.Groups["pct"].Success)
            {
                return new Target(text, TargetForm.Percent, direction, cmp, value, "%", rest);
            }
            var (unit, description) = SplitUnit(RestAsWritten(text, rest, match.Groups["rest"].Value.Length - rest.Length));
            var form = description.Length == 0 ? TargetForm.Quantity : TargetForm.QuantityWithDescription;
            return new Target(text, form, direction, cmp, value, unit, description);
        }

        if (symbol.Length > 0 || body.Any(char.IsAsciiDigit) && LooksNumeric(body))
        {
            error = $"无法识别的指标值“{text}”：比较符号后应为数字";
            return null;
        }
        if (IsNumberMissing(normalized))
        {
            error = $"无法识别的指标值“{text}”：缺少数值";
            return null;
        }
        var word = normalized;
        return QualitativeWords.Contains(word)
            ? new Target(text, TargetForm.QualitativeWord, Direction.Qualitative, "", null, "", word)
            : new Target(text, TargetForm.Descriptive, Direction.Qualitative, "", null, "", text.Trim());
    }

    /// <summary>Parses a target or throws <see cref="FormatException"/> naming the indicator and text.</summary>
    public static Target Parse(string text, string context)
    {
        return TryParse(text, out var error) ?? throw new FormatException($"{context}：{error}");
    }

    /// <summary>Full-width forms to half-width, <c>&gt;=</c> to <c>≥</c>, spaces removed.</summary>
    public static string Normalize(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var ch in Compatible(text))
        {
            if (char.IsWhiteSpace(ch) || ch == '\u00A0' || ch == '\u3000')
                continue;
            sb.Append(ch switch
            {
                '＞' => '>',
                '＜' => '<',
                '＝' => '=',
                '％' => '%',
                '﹪' => '%',
                '≧' => '≥',
                '≦' => '≤',
                '⩾' => '≥',
                '⩽' => '≤',
                _ => ch,
            });
        }
        return sb.ToString()
            .Replace(">=", "≥", StringComparison.Ordinal)
            .Replace("<=", "≤", StringComparison.Ordinal)
            .Replace("=>", "≥", StringComparison.Ordinal)
            .Replace("=<", "≤", StringComparison.Ordinal)
            .Replace("==", "=", StringComparison.Ordinal);
    }

    /// <summary>
    /// Unicode compatibility normalization (full-width forms to ASCII). A lone surrogate, which a damaged file or a
    /// truncated cell can carry, makes <see cref="string.Normalize(NormalizationForm)"/> throw: it becomes U+FFFD first.
    /// </summary>
    internal static string Compatible(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (!char.IsSurrogate(text[i]))
                continue;
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            return ReplaceLoneSurrogates(text).Normalize(NormalizationForm.FormKC);
        }
        return text.Normalize(NormalizationForm.FormKC);
    }

    private static string ReplaceLoneSurrogates(string text)
    {
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
                i++;
            else if (char.IsSurrogate(chars[i]))
                chars[i] = '\uFFFD';
        }
        return new string(chars);
    }

    /// <summary>Splits what follows the number into a unit (kept as written) and a description.</summary>
    internal static (string Unit, string Description) SplitUnit(string rest)
    {
        var trimmed = rest.Trim();
        if (trimmed.Length == 0)
            return ("", "");
        // A list of units such as "台、件、套、 项" is one unit, kept verbatim; spaces inside a unit ("平方 米") do not
        // make it a description.
        var parts = trimmed.Split('、', StringSplitOptions.TrimEntries);
        if (parts.All(p => KnownUnits.Contains(WithoutWhitespace(p))))
            return (trimmed, "");
        var leading = KnownUnits.Where(u => trimmed.StartsWith(u, StringComparison.Ordinal)).OrderByDescending(u => u.Length).FirstOrDefault();
        if (leading is not null)
            return (leading, trimmed[leading.Length..].Trim());
        // An unknown short word right after the number is taken as its unit (e.g. 人天, 户次).
        if (trimmed.Length <= 3 && trimmed.All(ch => char.IsLetter(ch)))
            return (trimmed, "");
        return ("", trimmed);
    }

    /// <summary>The unit and description as the source wrote them, so that odd spacing (<c>套、 项</c>) survives.</summary>
    private static string RestAsWritten(string original, string normalizedRest, int suffixLength)
    {
        if (normalizedRest.Length == 0)
            return "";
        var o = Compatible(original).Trim();
        o = o[..^suffixLength].TrimEnd();
        // Walk back from the end of the original over as many non-space characters as the normalized rest holds.
        var needed = normalizedRest.Length;
        var i = o.Length;
        while (i > 0 && needed > 0)
        {
            i--;
            if (!char.IsWhiteSpace(o[i]) && o[i] != '\u3000')
                needed--;
        }
        return o[i..];
    }

    /// <summary>
    /// A comparison word, percent sign or unit with no number (<c>不少于个</c>, <c>%</c>) is an incomplete quantity;
    /// read as a descriptive sentence it would be a silent default. Words followed by text (<c>不低于去年水平</c>) stay descriptive.
    /// </summary>
    private static bool IsNumberMissing(string normalized)
    {
        var rest = normalized;
        foreach (var (words, _) in ComparisonWords)
        {
            if (rest.StartsWith(words, StringComparison.Ordinal))
            {
                rest = rest[words.Length..];
                break;
            }
        }
        return rest.Length == 0 || rest == "%" || rest.Split('、', StringSplitOptions.TrimEntries).All(KnownUnits.Contains);
    }

    internal static string WithoutWhitespace(string text) =>
        text.Any(char.IsWhiteSpace) ? string.Concat(text.Where(ch => !char.IsWhiteSpace(ch))) : text;

    private static bool IsNumberStart(char ch) => char.IsAsciiDigit(ch) || ch is '+' or '-' || (ch >= '０' && ch <= '９');

    private static bool LooksNumeric(string body) => body.Length > 0 && (char.IsAsciiDigit(body[0]) || body[0] is '+' or '-' or '.');
}
