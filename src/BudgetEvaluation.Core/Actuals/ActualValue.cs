using System.Globalization;
using System.Text.RegularExpressions;
using BudgetEvaluation.Core.Rules;
using BudgetEvaluation.Core.Targets;

namespace BudgetEvaluation.Core.Actuals;

/// <summary>Reads an actual as people write it (<c>1700个</c>, <c>96.3%</c>, <c>部分达成 75%</c>, the target's own word) against its target.</summary>
public static partial class ActualValue
{
    // [0-9], not \d: \d also matches other scripts' digits (٣), which double.Parse then refuses with an exception.
    [GeneratedRegex(@"^[=≈约]?(?<num>[+-]?[0-9]+(?:\.[0-9]+)?)(?<pct>%)?(?<rest>.*)$", RegexOptions.Singleline)]
    private static partial Regex Number();

    [GeneratedRegex(@"^(?<num>[0-9]+(?:\.[0-9]+)?)%?$")]
    private static partial Regex BandPercent();

    [GeneratedRegex(@"(?<=[0-9]),(?=[0-9]{3}(?![0-9]))")]
    private static partial Regex ThousandsSeparator();

    /// <summary>The bands' full official labels (自评表 notes), which people copy in place of the short words.</summary>
    private static readonly (string Label, string Band)[] BandLabels =
    [
        ("部分达成并具有一定效果", RuleNames.PartlyMet),
        ("未达成且效果较差", RuleNames.NotMet),
        ("达成年度指标", RuleNames.Met),
    ];

    /// <summary>
    /// Parses <paramref name="text"/> for <paramref name="target"/>; returns null with the reason (Chinese, naming what was expected).
    /// </summary>
    public static ActualInput? TryParse(string text, Target target, IReadOnlyDictionary<string, (double Low, double High)> bands, out string? error)
    {
        error = null;
        var normalized = TargetNotation.Normalize(text);
        if (target.Direction == Direction.Qualitative)
            return Qualitative(normalized, target, bands, out error);
        // "1,700个" as Excel users write thousands.
        normalized = ThousandsSeparator().Replace(normalized, "");

        var match = Number().Match(normalized);
        if (!match.Success)
        {
            error = $"应为数值（目标为“{target.Text}”），实际为“{text}”";
            return null;
        }
        var value = double.Parse(match.Groups["num"].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
        var isPercent = match.Groups["pct"].Success;
        var rest = match.Groups["rest"].Value;
        if (target.IsPercent)
        {
            if (rest.Length > 0)
            {
                error = $"目标为百分比“{target.Text}”，实际完成值“{text}”带有多余内容“{rest}”";
                return null;
            }
            return new ActualInput { Value = value, Unit = "%" };
        }
        if (isPercent)
        {
            error = $"目标单位为“{UnitName(target)}”（{target.Text}），实际完成值“{text}”却是百分比";
            return null;
        }
        var (unit, _) = TargetNotation.SplitUnit(rest);
        if (unit.Length > 0 && target.Unit.Length > 0 && !UnitMatches(unit, target.Unit))
        {
            error = $"单位“{unit}”与目标单位“{target.Unit}”不一致（目标为“{target.Text}”）";
            return null;
        }
        if (unit.Length == 0 && rest.Trim().Length > 0 && target.Form != TargetForm.QuantityWithDescription)
        {
            error = $"无法识别实际完成值“{text}”中的“{rest}”：应为数值加单位“{target.Unit}”";
            return null;
        }
        return new ActualInput { Value = value, Unit = unit.Length > 0 ? unit : target.Unit };
    }

    private static ActualInput? Qualitative(string normalized, Target target, IReadOnlyDictionary<string, (double Low, double High)> bands, out string? error)
    {
        error = null;
        foreach (var (label, band) in BandLabels)
        {
            if (normalized.StartsWith(label, StringComparison.Ordinal))
            {
                normalized = band + normalized[label.Length..];
                break;
            }
        }
        // Longest band word first: 部分达成 and 未达成 both contain 达成.
        foreach (var band in new[] { RuleNames.PartlyMet, RuleNames.NotMet, RuleNames.Met })
        {
            if (!normalized.StartsWith(band, StringComparison.Ordinal))
                continue;
            var rest = normalized[band.Length..].TrimStart(':', '：', ',', '，', '(', '（').TrimEnd(')', '）');
            if (rest.Length == 0)
                return new ActualInput { Band = band };
            var m = BandPercent().Match(rest);
            if (!m.Success)
            {
                error = $"“{band}”后应为百分比（如“{band} 75%”），实际为“{rest}”";
                return null;
            }
            var percent = double.Parse(m.Groups["num"].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
            if (bands.TryGetValue(band, out var range) && (percent < range.Low || percent > range.High))
            {
                error = $"“{band} {percent}%”超出该档的得分区间 {range.Low}%–{range.High}%";
                return null;
            }
            return new ActualInput { Band = band, HasPercent = true, Percent = percent };
        }
        // The target's own word (规范 for 规范) or sentence means met.
        if (normalized == TargetNotation.Normalize(target.Text) || (target.Description.Length > 0 && normalized == TargetNotation.Normalize(target.Description)))
            return new ActualInput { Band = RuleNames.Met };
        error = $"定性指标应填写“达成”“部分达成”或“未达成”（可附该档内的百分比，如“部分达成 75%”），或目标原文“{target.Text}”；实际为“{normalized}”";
        return null;
    }

    /// <summary>A unit matches the target's when equal, or when it is one of a listed unit such as <c>台、件、套、 项</c>.</summary>
    public static bool UnitMatches(string unit, string targetUnit)
    {
        var u = TargetNotation.WithoutWhitespace(unit);
        var t = TargetNotation.WithoutWhitespace(targetUnit);
        return u == t || t.Split('、').Contains(u);
    }

    private static string UnitName(Target target) => target.Unit.Length > 0 ? target.Unit : "无单位";

    /// <summary>Parses a spending amount in 万元: <c>130</c> or <c>130万元</c>.</summary>
    public static bool TryAmount(string text, out double amount)
    {
        var t = TargetNotation.Normalize(text).Replace(",", "", StringComparison.Ordinal);
        if (t.EndsWith("万元", StringComparison.Ordinal))
            t = t[..^2];
        return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out amount) && double.IsFinite(amount);
    }
}
