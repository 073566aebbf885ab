using System.Text;
using BudgetEvaluation.Core.Import;

namespace BudgetEvaluation.Core.Tests;

/// <summary>
/// The repository files the test project links into its output (see the csproj): the seed, the published
/// RulesEngine workflow schema and the committed rules.
/// </summary>
internal static class TestFiles
{
    public const string SeedName = "000_39cb5bcb496eb896.txt";
    public const string Department = "南通市科学技术局";

    public static string Seed => Path.Combine(AppContext.BaseDirectory, "seeds", SeedName);

    public static string Schema => Path.Combine(AppContext.BaseDirectory, "schemas", "rulesengine-workflow-schema.json");

    /// <summary>The committed rules folder (<c>rules/</c>) as copied next to the tests.</summary>
    public static string CommittedRules => Path.Combine(AppContext.BaseDirectory, "rules");

    public static string CommittedRulesFile(string project) => Path.Combine(CommittedRules, "2026", Department, project + ".json");

    public static string SeedText => File.ReadAllText(Seed, Encoding.UTF8);

    /// <summary>The twelve seed projects in the order the seed lists them.</summary>
    public static readonly string[] SeedProjects =
    [
        "“通创荟”和科技招商经费专项",
        "物业管理费",
        "网络设备设施运行与维护费",
        "水电费补差",
        "科创办推进专项",
        "办公设备购置",
        "科技创新双月例会专项",
        "科研机构建设专项",
        "引进国外智力专项",
        "科技创新体系建设专项",
        "高新技术发展专项",
        "产学研合作交流专项",
    ];

    public static List<TableImport> ImportText(string text, string fileName = SeedName) =>
        TargetTableTextImporter.Read(new StringReader(text), fileName).ToList();

    public static List<TableImport> ImportBytes(byte[] bytes, string fileName = SeedName) =>
        TargetTableTextImporter.Read(new MemoryStream(bytes), fileName).ToList();

    public static List<TableImport> ImportSeed() => TargetTableTextImporter.Read(Seed).ToList();
}

/// <summary>A fresh directory under the system temp folder, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "be-tests-" + Guid.NewGuid().ToString("N"));

    public TempDirectory() => Directory.CreateDirectory(Path);

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        if (Directory.Exists(Path))
            Directory.Delete(Path, recursive: true);
    }
}
