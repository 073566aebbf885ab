using BudgetEvaluation.Core.Import;

namespace BudgetEvaluation.Core.Tests.Import;

/// <summary>Importing into the rules folder is all or nothing.</summary>
public sealed class RulesImportTests : IDisposable
{
    private readonly TempDirectory _work = new();

    private string RulesRoot => Path.Combine(_work.Path, "rules");

    public void Dispose() => _work.Dispose();

    /// <summary>Every file and folder under the rules root with its bytes and write time.</summary>
    private Dictionary<string, (byte[] Bytes, DateTime Written)> Snapshot() =>
        Directory.EnumerateFileSystemEntries(RulesRoot, "*", SearchOption.AllDirectories).ToDictionary(
            e => Path.GetRelativePath(RulesRoot, e),
            e => File.Exists(e) ? (File.ReadAllBytes(e), File.GetLastWriteTimeUtc(e)) : ([], Directory.GetLastWriteTimeUtc(e)));

    private static void AssertSame(Dictionary<string, (byte[] Bytes, DateTime Written)> before, Dictionary<string, (byte[] Bytes, DateTime Written)> after)
    {
        Assert.Equal(before.Keys.Order(StringComparer.Ordinal), after.Keys.Order(StringComparer.Ordinal));
        Assert.All(before, kv =>
        {
            Assert.Equal(kv.Value.Bytes, after[kv.Key].Bytes);
            Assert.Equal(kv.Value.Written, after[kv.Key].Written);
        });
    }

    /// <summary>A rules folder that already holds an older version of one seed project and a file of another year.</summary>
    private void SeedExistingRules()
    {
        var older = Path.Combine(RulesRoot, "2026", TestFiles.Department, "物业管理费.json");
        Directory.CreateDirectory(Path.GetDirectoryName(older)!);
        File.WriteAllText(older, "{ \"older\": true }\n");
        var otherYear = Path.Combine(RulesRoot, "2025", TestFiles.Department, "物业管理费.json");
        Directory.CreateDirectory(Path.GetDirectoryName(otherYear)!);
        File.Copy(TestFiles.CommittedRulesFile("物业管理费"), otherYear);
    }

    private string InputWith(string original, string replacement)
    {
        var path = _work.File("targets.txt");
        File.WriteAllText(path, TestFiles.SeedText.Replace(original, replacement, StringComparison.Ordinal));
        return path;
    }

    [Fact]
    public void Run_Seed_WritesTwelveFilesEqualToTheCommittedOnes()
    {
        var (projects, errors) = RulesImport.Run(TestFiles.Seed, RulesRoot);

        Assert.Empty(errors);
        Assert.Equal(TestFiles.SeedProjects, projects.Select(p => p.Name));
        Assert.All(projects, p => Assert.Equal(15, p.Indicators));
        Assert.All(projects, p => Assert.Equal(File.ReadAllBytes(TestFiles.CommittedRulesFile(p.Name)), File.ReadAllBytes(p.Path)));
        // Nothing but the year folder: the staging folder is gone.
        Assert.Equal(["2026"], Directory.EnumerateFileSystemEntries(RulesRoot).Select(Path.GetFileName));
    }

    [Fact]
    public void Run_OneBadTableLastInTheFile_WritesNothingAndLeavesExistingFilesUntouched()
    {
        SeedExistingRules();
        var before = Snapshot();
        // The last table fails, after the eleven before it were read (and staged).
        var input = InputWith("全市实施产学研合作项目数\t≥800项\t≥1600项", "全市实施产学研合作项目数\t≥800项\t≥项");

        var (projects, errors) = RulesImport.Run(input, RulesRoot);

        Assert.Empty(projects);
        var error = Assert.Single(errors);
        Assert.Equal("targets.txt", error.File);
        Assert.Equal(569, error.Line);
        Assert.Equal("全年指标值", error.Field);
        AssertSame(before, Snapshot());
    }

    [Fact]
    public void Run_OneBadTableFirstInTheFile_WritesNothingAndReportsIt()
    {
        SeedExistingRules();
        var before = Snapshot();
        var input = InputWith("招引科创项目数\t≥900个\t≥1800个", "招引科创项目数\t≥\t≥1800个");

        var (projects, errors) = RulesImport.Run(input, RulesRoot);

        Assert.Empty(projects);
        Assert.Equal(41, Assert.Single(errors).Line);
        AssertSame(before, Snapshot());
    }

    [Fact]
    public void Run_SameProjectTwiceInOneFile_WritesNothing()
    {
        SeedExistingRules();
        var before = Snapshot();
        var input = _work.File("twice.txt");
        File.WriteAllText(input, TestFiles.SeedText + "\n" + TestFiles.SeedText);

        var (projects, errors) = RulesImport.Run(input, RulesRoot);

        Assert.Empty(projects);
        Assert.Equal(12, errors.Count);
        Assert.All(errors, e => Assert.Equal("项目名称", e.Field));
        AssertSame(before, Snapshot());
    }

    [Fact]
    public void Run_TruncatedFile_WritesNothing()
    {
        SeedExistingRules();
        var before = Snapshot();
        var input = _work.File("truncated.txt");
        File.WriteAllText(input, string.Join("\n", TestFiles.SeedText.Split('\n').Take(470)));

        var (projects, errors) = RulesImport.Run(input, RulesRoot);

        Assert.Empty(projects);
        Assert.Contains(errors, e => e.Message.Contains("截断", StringComparison.Ordinal));
        AssertSame(before, Snapshot());
    }
}
