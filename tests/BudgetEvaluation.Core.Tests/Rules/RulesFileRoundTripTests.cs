using System.Text;
using BudgetEvaluation.Core.Import;
using BudgetEvaluation.Core.Rules;
using BudgetEvaluation.Core.Targets;

namespace BudgetEvaluation.Core.Tests.Rules;

/// <summary>The rules files are the product's public format: stable, byte for byte, through read and write.</summary>
public sealed class RulesFileRoundTripTests
{
    public static TheoryData<string> Projects()
    {
        var data = new TheoryData<string>();
        foreach (var p in TestFiles.SeedProjects)
            data.Add(p);
        return data;
    }

    private static byte[] Utf8(string text) => new UTF8Encoding(false).GetBytes(text);

    [Theory]
    [MemberData(nameof(Projects))]
    public void ReadThenSerialize_CommittedFile_IsByteIdentical(string project)
    {
        var bytes = File.ReadAllBytes(TestFiles.CommittedRulesFile(project));

        var table = RulesFile.Read(Encoding.UTF8.GetString(bytes));

        Assert.Equal(bytes, Utf8(RulesFile.Serialize(table)));
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void CommittedFile_EqualsAFreshImportOfTheSeed(string project)
    {
        var table = TestFiles.ImportSeed().Single(i => i.Table!.Project.Name == project).Table!;

        Assert.Equal(File.ReadAllBytes(TestFiles.CommittedRulesFile(project)), Utf8(RulesFile.Serialize(table)));
    }

    [Fact]
    public void CommittedRules_HoldExactlyTheTwelveSeedProjects()
    {
        var files = Directory.EnumerateFiles(TestFiles.CommittedRules, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(TestFiles.CommittedRules, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);

        Assert.Equal(TestFiles.SeedProjects.Select(p => $"2026/南通市科学技术局/{p}.json").Order(StringComparer.Ordinal), files);
    }

    [Fact]
    public void CommittedFile_IsIndentedUtf8WithoutBomOrEscapedChinese()
    {
        var bytes = File.ReadAllBytes(TestFiles.CommittedRulesFile("办公设备购置"));
        var text = Encoding.UTF8.GetString(bytes);

        Assert.NotEqual(0xEF, bytes[0]);
        Assert.StartsWith("{\n  \"project\": {\n    \"year\": 2026,\n    \"name\": \"办公设备购置\",", text);
        Assert.DoesNotContain("\\u", text);
        Assert.DoesNotContain("\r", text);
        Assert.EndsWith("}\n", text);
        Assert.Contains("\"target\": \"≥37台、件、套、 项\"", text);
    }

    [Fact]
    public void ReadThenSerialize_WeightAndTolerance_SurviveTheRoundTrip()
    {
        // Weights and tolerances are set by hand in a rules file; the seed has none.
        var table = TestFiles.ImportSeed().Single(i => i.Table!.Project.Name == "物业管理费").Table!;
        var indicators = table.Indicators.ToList();
        indicators[11] = indicators[11] with { Weight = 20m, Tolerance = 0.5m };
        indicators[12] = indicators[12] with { Weight = 12.5m };
        var json = RulesFile.Serialize(table with { Indicators = indicators });

        var read = RulesFile.Read(json);

        Assert.Equal("产出指标/数量指标/物业服务面积", read.Indicators[11].Path);
        Assert.Equal(20m, read.Indicators[11].Weight);
        Assert.Equal(0.5m, read.Indicators[11].Tolerance);
        Assert.Equal(12.5m, read.Indicators[12].Weight);
        Assert.Null(read.Indicators[12].Tolerance);
        Assert.Null(read.Indicators[0].Weight);
        Assert.Equal(json, RulesFile.Serialize(read));
    }

    [Fact]
    public void Read_CommittedFile_GivesBackTheImportedModel()
    {
        var read = RulesFile.Read(File.ReadAllText(TestFiles.CommittedRulesFile("网络设备设施运行与维护费")));

        Assert.Equal("网络设备设施运行与维护费", read.Project.Name);
        Assert.Equal(31.39m, read.Project.Funds.AnnualBudget);
        Assert.Equal(15m, read.Project.Funds.MidYearPlannedSpend);
        Assert.Null(read.Project.Funds.StateCapital);
        var reports = read.Indicators[11];
        Assert.Equal("产出指标/数量指标/等保测评及安全运维服务成果", reports.Path);
        Assert.Equal(TargetForm.QuantityWithDescription, reports.YearEndTarget.Form);
        Assert.Equal(3m, reports.YearEndTarget.Value);
        Assert.Equal(1m, reports.MidYearTarget.Value);
    }

    [Fact]
    public void Import_SameTableTwice_WritesByteIdenticalFiles()
    {
        using var first = new TempDirectory();
        using var second = new TempDirectory();

        var (projects, errors) = RulesImport.Run(TestFiles.Seed, first.Path);
        var before = projects.ToDictionary(p => Path.GetRelativePath(first.Path, p.Path), p => File.ReadAllBytes(p.Path));
        var (again, againErrors) = RulesImport.Run(TestFiles.Seed, first.Path);
        RulesImport.Run(TestFiles.Seed, second.Path);

        Assert.Empty(errors);
        Assert.Empty(againErrors);
        Assert.Equal(12, before.Count);
        Assert.All(again, p => Assert.Equal(before[Path.GetRelativePath(first.Path, p.Path)], File.ReadAllBytes(p.Path)));
        Assert.All(before, kv => Assert.Equal(kv.Value, File.ReadAllBytes(Path.Combine(second.Path, kv.Key))));
    }
}
