using BudgetEvaluation.Core.Scoring;
using static BudgetEvaluation.Core.Tests.Scoring.ScoringFixtures;

namespace BudgetEvaluation.Core.Tests.Scoring;

public sealed class ScoringSchemeTests
{
    [Fact]
    public void Load_DefaultSchemeFile_MatchesTheMinistryScheme()
    {
        var scheme = ScoringScheme.Load(Scheme("default.json"));

        Assert.Equal(10, scheme.BudgetExecutionPoints);
        Assert.Equal(new Dictionary<string, double> { ["产出指标"] = 50, ["效益指标"] = 30, ["满意度指标"] = 10 }, scheme.CategoryPoints);
        Assert.Equal(["优", "良", "中", "差"], scheme.Grades.Select(g => g.Grade));
        Assert.Equal(SpendingBasis.Plan, scheme.MidYear.SpendingBasis);
    }

    [Fact]
    public void Load_DecisionProcessScheme_ScoresBudgetExecutionInsideProcess()
    {
        var scheme = ScoringScheme.Load(Scheme("decision-process.json"));

        Assert.Null(scheme.BudgetExecutionPoints);
        Assert.Equal(new Dictionary<string, double> { ["决策"] = 15, ["过程"] = 15, ["产出指标"] = 40, ["效益指标"] = 30 }, scheme.CategoryPoints);
    }

    [Fact]
    public void Load_TimeProgressScheme_ComparesSpendingWithTimeProgress()
    {
        var scheme = ScoringScheme.Load(Scheme("time-progress.json"));

        Assert.Equal(SpendingBasis.TimeProgress, scheme.MidYear.SpendingBasis);
        Assert.Equal(0.8, scheme.MidYear.SpendingGreenRatio);
        Assert.Equal(0.6, scheme.MidYear.SpendingYellowRatio);
        // Points are not set in the file: the defaults apply.
        Assert.Equal(10, scheme.BudgetExecutionPoints);
        Assert.Equal(50, scheme.CategoryPoints["产出指标"]);
    }

    [Fact]
    public void Load_PointsNotSummingToOneHundred_IsRejectedNamingFileAndSum()
    {
        var path = Path.Combine(Path.GetTempPath(), $"scheme-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{ "name": "少了满意度", "budgetExecutionPoints": 10, "categoryPoints": { "产出指标": 50, "效益指标": 30 } }""");
        try
        {
            var ex = Assert.Throws<FormatException>(() => ScoringScheme.Load(path));

            Assert.Equal($"评分方案“{path}”：各部分分值之和应为 100，实际为 90", ex.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_NegativeCategoryPoints_IsRejected()
    {
        var path = Path.Combine(Path.GetTempPath(), $"scheme-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{ "budgetExecutionPoints": 10, "categoryPoints": { "产出指标": 100, "效益指标": -10 } }""");
        try
        {
            var ex = Assert.Throws<FormatException>(() => ScoringScheme.Load(path));

            Assert.Equal($"评分方案“{path}”：一级指标“效益指标”的分值不能为负数（-10）", ex.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
