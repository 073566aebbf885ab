using System.Globalization;
using System.Text.Json.Nodes;
using BudgetEvaluation.Core.Targets;

namespace BudgetEvaluation.Core.Rules;

/// <summary>
/// Turns an indicator's target into a RulesEngine rule: the expression says whether the target is met,
/// the OnSuccess/OnFailure OutputExpression actions compute the score (year-end) or completion (mid-year).
/// </summary>
/// <remarks>
/// Expression text depends only on the target's form and direction, never on its value: the value is the
/// local param <c>target</c>. RulesEngine caches compiled expressions by text, so 100 000 projects compile a
/// few dozen distinct expressions instead of 1.5 million (see RULESENGINE.md, "Compile cost decides everything").
/// </remarks>
public static class RuleGenerator
{
    /// <summary>Default qualitative bands, in percent of the points (DOMAIN §4).</summary>
    public static readonly (string Band, double Low, double High, double Default)[] DefaultBands =
    [
        (RuleNames.Met, 80, 100, 100),
        (RuleNames.PartlyMet, 60, 80, 70),
        (RuleNames.NotMet, 0, 60, 30),
    ];

    public static JsonObject Workflow(TargetTable table, Period period)
    {
        var p = table.Project;
        var rules = new JsonArray();
        foreach (var indicator in table.Indicators)
            rules.Add(Rule(indicator, period));
        return new JsonObject
        {
            ["WorkflowName"] = RuleNames.Workflow(p.Year, p.Department, p.Name, period),
            ["Rules"] = rules,
        };
    }

    public static JsonObject Rule(Indicator indicator, Period period)
    {
        var target = indicator.TargetFor(period);
        var properties = new JsonObject
        {
            ["category"] = indicator.Category,
            ["subcategory"] = indicator.Subcategory,
            ["indicator"] = indicator.Name,
            ["target"] = target.Text,
            ["form"] = FormCode(target.Form),
            ["direction"] = DirectionCode(target.Direction),
            ["comparison"] = target.Comparison,
            ["unit"] = target.Unit,
        };
        if (target.Description.Length > 0 && target.Form != TargetForm.QualitativeWord)
            properties["description"] = target.Description;
        if (indicator.Weight is { } weight)
            properties["weight"] = weight;
        var exact = indicator.Tolerance is not null && target.Direction == Direction.Equal;
        if (exact)
        {
            properties["exact"] = true;
            properties["tolerance"] = indicator.Tolerance;
        }
        if (target.Direction == Direction.Qualitative)
        {
            var bands = new JsonObject();
            foreach (var (band, low, high, _) in DefaultBands)
                bands[band] = new JsonArray(low, high);
            properties["bands"] = bands;
        }

        var (localParams, expression, onSuccess, onFailure) = exact
            ? Exact(target, indicator.Tolerance!.Value, period)
            : Shape(target, period);
        var rule = new JsonObject
        {
            ["RuleName"] = indicator.Path,
            ["Properties"] = properties,
        };
        if (localParams.Count > 0)
        {
            var array = new JsonArray();
            foreach (var (name, expr) in localParams)
                array.Add(new JsonObject { ["Name"] = name, ["Expression"] = expr });
            rule["LocalParams"] = array;
        }
        rule["Expression"] = expression;
        rule["Actions"] = new JsonObject
        {
            ["OnSuccess"] = Output(onSuccess),
            ["OnFailure"] = Output(onFailure),
        };
        return rule;
    }

    private static JsonObject Output(string expression) => new()
    {
        ["Name"] = "OutputExpression",
        ["Context"] = new JsonObject { ["Expression"] = expression },
    };

    private static (List<(string, string)> LocalParams, string Expression, string OnSuccess, string OnFailure) Shape(Target target, Period period)
    {
        var yearEnd = period == Period.YearEnd;
        if (target.Direction == Direction.Qualitative)
        {
            var shares = new List<(string, string)>
            {
                ("partlyShare", Number(DefaultBands[1].Default / 100)),
                ("missedShare", Number(DefaultBands[2].Default / 100)),
            };
            var points = yearEnd ? "context.Points * " : "";
            return (shares,
                $"actual.Band == \"{RuleNames.Met}\"",
                $"{points}(actual.HasPercent ? actual.Percent / 100.0 : 1.0)",
                $"{points}(actual.HasPercent ? actual.Percent / 100.0 : actual.Band == \"{RuleNames.PartlyMet}\" ? partlyShare : missedShare)");
        }

        var targetParam = target.Form == TargetForm.TimeProgress
            ? "context.TimeProgress * 100.0"
            : Number((double)target.Value!.Value);
        var locals = new List<(string, string)> { ("target", targetParam) };
        var strict = target.Comparison is ">" or "<";
        // DOMAIN §4: at year-end "=0" (no accidents, no complaints) is met only by an actual ≤ 0; read as "reach the
        // value" it would be met by any actual. Mid-year keeps "reach": a half-year target of 0 is met by any actual ≥ 0 (§5).
        var direction = yearEnd && target.Direction == Direction.Equal && target.Value == 0 ? Direction.Negative : target.Direction;
        switch (direction)
        {
            case Direction.Negative:
                return (locals,
                    strict ? "actual.Value < target" : "actual.Value <= target",
                    yearEnd ? "context.Points" : "1.0",
                    yearEnd
                        ? "actual.Value > 0 ? context.Points * (context.LinearNegativeMiss ? Math.Max(1.0 - (actual.Value - target) / target, 0.0) : Math.Min(target / actual.Value, 1.0)) : 0.0"
                        : "actual.Value > 0 ? target / actual.Value : 0.0");
            default:
                // Positive, and "=" read as "reach the value" (DOMAIN §4: real tables write = loosely).
                return (locals,
                    strict ? "actual.Value > target" : "actual.Value >= target",
                    yearEnd ? "context.Points" : "target > 0 ? actual.Value / target : 1.0",
                    yearEnd
                        ? "target > 0 ? context.Points * Math.Min(Math.Max(actual.Value, 0.0) / target, 1.0) : 0.0"
                        : "target > 0 ? Math.Max(actual.Value, 0.0) / target : 0.0");
        }
    }

    private static (List<(string, string)>, string, string, string) Exact(Target target, decimal tolerance, Period period)
    {
        var yearEnd = period == Period.YearEnd;
        var locals = new List<(string, string)>
        {
            ("target", Number((double)target.Value!.Value)),
            ("tolerance", Number((double)tolerance)),
        };
        const string ratio = "(actual.Value > 0 && target > 0 ? Math.Min(actual.Value / target, target / actual.Value) : 0.0)";
        return (locals,
            "Math.Abs(actual.Value - target) <= tolerance",
            yearEnd ? "context.Points" : "1.0",
            yearEnd ? "context.Points * " + ratio : ratio);
    }

    /// <summary>A number as a double literal the expression parser reads back exactly.</summary>
    public static string Number(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.') || text.Contains('E') ? text : text + ".0";
    }

    public static string FormCode(TargetForm form) => form switch
    {
        TargetForm.Quantity => "quantity",
        TargetForm.Percent => "percent",
        TargetForm.QuantityWithDescription => "quantityWithDescription",
        TargetForm.TimeProgress => "timeProgress",
        TargetForm.QualitativeWord => "qualitative",
        _ => "descriptive",
    };

    public static string DirectionCode(Direction direction) => direction switch
    {
        Direction.Positive => "positive",
        Direction.Negative => "negative",
        Direction.Equal => "equal",
        _ => "qualitative",
    };
}
