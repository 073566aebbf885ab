using System.Globalization;
using BudgetEvaluation.Core.Actuals;
using BudgetEvaluation.Core.Rules;
using BudgetEvaluation.Core.Targets;

namespace BudgetEvaluation.Benchmarks;

/// <summary>
/// Synthetic actuals for <see cref="Generator"/>'s tables, written as departments write them: numbers with and without
/// their unit, percentages with and without <c>%</c>, band words with and without a percentage, the target's own word;
/// edge values (0, negative, exactly at target, far over); about 5 % of indicator rows and spending rows missing and,
/// when <see cref="BadShare"/> is set, that share of the indicator rows wrong in a way the reader must report (a word
/// where a number belongs, an indicator the project does not have, at mid-year a 完成目标可能性 outside the list).
/// Deterministic: project <c>i</c> gets the same rows in every run.
/// </summary>
/// <remarks>Linked into the Core tests, which hold the compiled rules to RulesEngine on these rows.</remarks>
public sealed class ActualsGenerator(int seed = 2026)
{
    /// <summary>Share of indicator rows (and spending rows) left out.</summary>
    public const double MissingShare = 0.05;

    /// <summary>Share of indicator rows written wrong (0 by default: the Core tests score these rows).</summary>
    public double BadShare { get; init; }

    /// <summary>The benchmark's 1 % bad rows.</summary>
    public const double BenchBadShare = 0.01;

    private static readonly string[] Choices = ["确定能", "有可能", "完全不可能"];

    private const string BadNumber = "待核实";
    private const string UnknownIndicator = "未列入目标表的指标";
    private const string BadLikelihood = "大概能";

    /// <summary>True for a row this generator wrote wrong on purpose (each must come back as one error).</summary>
    public static bool IsBad(ActualRow row) =>
        row.Value == BadNumber || row.Indicator == UnknownIndicator || row.Likelihood == BadLikelihood;

    /// <summary>Rows for tables 0 .. n-1 (by position in <paramref name="tables"/>), line numbers from 2 as in a file with a header.</summary>
    public IEnumerable<ActualRow> Rows(IEnumerable<TargetTable> tables, Period period)
    {
        var line = 2;
        var index = 0;
        foreach (var table in tables)
        {
            foreach (var row in Rows(table, index++, period, line))
            {
                line++;
                yield return row;
            }
        }
    }

    public IEnumerable<ActualRow> Rows(TargetTable table, int index, Period period, int firstLine = 2)
    {
        var random = new Random(unchecked(seed * 7_919 + index * 31 + (int)period));
        var project = table.Project;
        var line = firstLine;
        foreach (var indicator in table.Indicators)
        {
            // 预算执行率 is computed from the spending row; its own row carries no value.
            if (indicator.Name == IndicatorTree.BudgetExecutionRate || random.NextDouble() < MissingShare)
                continue;
            var target = indicator.TargetFor(period);
            var row = new ActualRow
            {
                Line = line++,
                Year = project.Year.ToString(CultureInfo.InvariantCulture),
                Department = project.Department,
                Project = project.Name,
                Category = indicator.Category,
                Subcategory = indicator.Subcategory,
                Indicator = indicator.Name,
                Value = Value(random, target, period),
                Likelihood = period == Period.MidYear && random.Next(10) == 0 ? Choices[random.Next(Choices.Length)] : "",
            };
            // Drawn only when asked for, so that rows without bad ones stay what they were.
            if (BadShare > 0 && random.NextDouble() < BadShare)
            {
                row = random.Next(3) switch
                {
                    0 when target.Direction != Direction.Qualitative => row with { Value = BadNumber },
                    // 完成目标可能性 is a mid-year column: a year-end file has nowhere to write it wrong.
                    2 when period == Period.MidYear => row with { Likelihood = BadLikelihood },
                    _ => row with { Indicator = UnknownIndicator },
                };
            }
            yield return row;
        }
        if (random.NextDouble() >= MissingShare)
        {
            var spent = (double)project.Funds.AnnualBudget * random.Next(0, 121) / 100.0 * (period == Period.MidYear ? 0.5 : 1.0);
            yield return new ActualRow
            {
                Line = line,
                Year = project.Year.ToString(CultureInfo.InvariantCulture),
                Department = project.Department,
                Project = project.Name,
                Category = ActualsColumns.FundsCategory,
                Indicator = ActualsColumns.SpendingIndicator,
                Value = Number(Math.Round(spent, 2)) + (random.Next(2) == 0 ? "万元" : ""),
            };
        }
    }

    private static string Value(Random random, Target target, Period period)
    {
        if (target.Direction == Direction.Qualitative)
        {
            return random.Next(9) switch
            {
                0 or 1 => RuleNames.Met,
                2 => RuleNames.PartlyMet,
                3 => RuleNames.NotMet,
                4 => $"{RuleNames.PartlyMet} {random.Next(60, 81)}%",
                5 => $"{RuleNames.NotMet} {random.Next(0, 61)}%",
                6 => $"{RuleNames.Met} {random.Next(80, 101)}",
                7 => "部分达成并具有一定效果",
                _ => target.Text,
            };
        }
        // 序时进度 targets are percentages of the year: half at mid-year, all at year-end.
        var goal = target.Form == TargetForm.TimeProgress ? (period == Period.MidYear ? 50.0 : 100.0) : (double)(target.Value ?? 0);
        var value = random.Next(10) switch
        {
            0 => 0,
            1 => goal * 0.5,
            2 or 3 => goal,
            4 => goal * 1.2,
            5 => goal * 1.5 + 1,
            6 => -1,
            7 => Math.Round(goal * random.NextDouble() * 1.3, 2),
            _ => Math.Round(goal * (0.8 + random.NextDouble() * 0.3), 1),
        };
        var unit = target.IsPercent || target.Form == TargetForm.TimeProgress ? "%" : FirstUnit(target.Unit);
        return Number(value) + (random.Next(3) == 0 ? "" : unit);
    }

    /// <summary>A listed unit (<c>台、件、套、 项</c>) is written as one of its parts.</summary>
    private static string FirstUnit(string unit) => unit.Split('、')[0].Trim();

    private static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
