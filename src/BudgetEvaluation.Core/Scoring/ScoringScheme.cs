using System.Text.Json;
using System.Text.Json.Serialization;

namespace BudgetEvaluation.Core.Scoring;

/// <summary>
/// How points are shared out and warnings drawn: a configuration file (schemes/*.json), not code.
/// The default is the Ministry of Finance scheme (财预〔2020〕10号): 预算执行率 10, 产出 50, 效益 30, 满意度 10.
/// </summary>
public sealed record ScoringScheme
{
    public string Name { get; init; } = "默认方案（预算执行率10/产出50/效益30/满意度10）";

    /// <summary>
    /// Points for 预算执行率, scored in the 项目资金 part of the table. Null when the scheme scores 预算执行率
    /// as an ordinary indicator inside its category (e.g. 过程 15 including 预算执行率).
    /// </summary>
    public double? BudgetExecutionPoints { get; init; } = 10;

    /// <summary>Points per 一级 category. Categories not listed are checked (met / not met) but carry no points.</summary>
    public Dictionary<string, double> CategoryPoints { get; init; } = new()
    {
        ["产出指标"] = 50,
        ["效益指标"] = 30,
        ["满意度指标"] = 10,
    };

    /// <summary>Grade bands, highest first: a total at or above <c>Min</c> takes the grade.</summary>
    public List<GradeBand> Grades { get; init; } =
    [
        new("优", 90),
        new("良", 80),
        new("中", 60),
        new("差", 0),
    ];

    /// <summary>Score 反向 misses as points × (1 − (actual − target)/target), zero at twice the target (a vendor's scheme).</summary>
    public bool LinearNegativeMiss { get; init; }

    /// <summary>An actual at or above this multiple of a positive target needs a 偏差原因 too (flagged, not docked).</summary>
    public double OverAchievementRatio { get; init; } = 1.3;

    public MidYearThresholds MidYear { get; init; } = new();

    /// <summary>The grade of the highest band the total reaches (the first listed among equal minimums); the last band below all.</summary>
    /// <remarks>A loop rather than sorting the bands: it runs once per project.</remarks>
    public string GradeFor(double total)
    {
        GradeBand? best = null;
        foreach (var band in Grades)
        {
            if (total >= band.Min - 1e-9 && (best is null || band.Min > best.Min))
                best = band;
        }
        return best?.Grade ?? Grades[^1].Grade;
    }

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static ScoringScheme Default { get; } = new();

    /// <summary>Reads a scheme file; a malformed file is an error naming the file and what is wrong.</summary>
    public static ScoringScheme Load(string path)
    {
        try
        {
            var scheme = JsonSerializer.Deserialize<ScoringScheme>(File.ReadAllText(path), Options)
                ?? throw new FormatException("文件为空");
            scheme.Check();
            return scheme;
        }
        catch (JsonException ex)
        {
            throw new FormatException($"评分方案“{path}”无法读取：{ex.Message}", ex);
        }
        catch (FormatException ex) when (!ex.Message.StartsWith("评分方案", StringComparison.Ordinal))
        {
            throw new FormatException($"评分方案“{path}”：{ex.Message}", ex);
        }
    }

    private void Check()
    {
        // A negative part could make the sum 100 while giving some category more than 100.
        if (BudgetExecutionPoints is < 0)
            throw new FormatException($"预算执行率分值不能为负数（{BudgetExecutionPoints}）");
        var negative = CategoryPoints.Where(kv => kv.Value < 0).ToList();
        if (negative.Count > 0)
            throw new FormatException($"一级指标“{negative[0].Key}”的分值不能为负数（{negative[0].Value}）");
        var total = (BudgetExecutionPoints ?? 0) + CategoryPoints.Values.Sum();
        if (Math.Abs(total - 100) > 1e-6)
            throw new FormatException($"各部分分值之和应为 100，实际为 {total}");
        foreach (var category in CategoryPoints.Keys)
        {
            if (!Targets.IndicatorTree.Categories.Contains(category))
                throw new FormatException($"未知的一级指标“{category}”，应为 {string.Join("、", Targets.IndicatorTree.Categories)}");
        }
        if (Grades.Count == 0)
            throw new FormatException("缺少等级划分 grades");
    }
}

public sealed record GradeBand(string Grade, double Min);

/// <summary>What spending is compared with at mid-year.</summary>
public enum SpendingBasis
{
    /// <summary>Execution rate against 半年计划执行数 / 全年预算数 (the table's own plan).</summary>
    Plan,
    /// <summary>Execution rate ÷ 序时进度 (some regions' rule).</summary>
    TimeProgress,
}

/// <summary>Mid-year warning thresholds (DOMAIN §5); other regions' rules are other values here.</summary>
public sealed record MidYearThresholds
{
    /// <summary>Completion at or above this is green.</summary>
    public double GreenCompletion { get; init; } = 1.0;
    /// <summary>Completion at or above this (and below green) is yellow; below is red.</summary>
    public double YellowCompletion { get; init; } = 0.8;
    public SpendingBasis SpendingBasis { get; init; } = SpendingBasis.Plan;
    /// <summary>Plan basis: up to this many percentage points below the planned rate is yellow, more is red.</summary>
    public double SpendingYellowPoints { get; init; } = 10;
    /// <summary>Time-progress basis: execution ÷ 序时进度 at or above this is green.</summary>
    public double SpendingGreenRatio { get; init; } = 0.8;
    /// <summary>Time-progress basis: execution ÷ 序时进度 at or above this is yellow, below red.</summary>
    public double SpendingYellowRatio { get; init; } = 0.6;
    /// <summary>An actual at or above this multiple of the half-year target is flagged as an over-run.</summary>
    public double OverrunRatio { get; init; } = 1.2;
}
