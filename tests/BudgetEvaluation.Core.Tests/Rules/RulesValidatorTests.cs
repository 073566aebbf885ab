using System.Text.Json.Nodes;
using BudgetEvaluation.Core.Rules;

namespace BudgetEvaluation.Core.Tests.Rules;

/// <summary>The validator compiles and runs every rule and names file, workflow and rule for each failure.</summary>
public sealed class RulesValidatorTests : IDisposable
{
    private readonly TempDirectory _rules = new();

    public RulesValidatorTests()
    {
        foreach (var project in TestFiles.SeedProjects)
        {
            var target = Path.Combine(_rules.Path, "2026", TestFiles.Department, project + ".json");
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(TestFiles.CommittedRulesFile(project), target);
        }
    }

    public void Dispose() => _rules.Dispose();

    private string FileOf(string project) => Path.Combine(_rules.Path, "2026", TestFiles.Department, project + ".json");

    /// <summary>Changes one rule of a copied file in place.</summary>
    private string Break(string project, string period, string ruleName, Action<JsonObject> change)
    {
        var path = FileOf(project);
        var root = JsonNode.Parse(File.ReadAllText(path))!;
        var workflow = root["workflows"]!.AsArray().Single(w => ((string)w!["WorkflowName"]!).EndsWith("/" + period, StringComparison.Ordinal))!;
        change(workflow["Rules"]!.AsArray().Single(r => (string)r!["RuleName"]! == ruleName)!.AsObject());
        File.WriteAllText(path, root.ToJsonString());
        return path;
    }

    [Fact]
    public async Task Validate_SeedRules_AllPass()
    {
        var (files, rules, failures) = await RulesValidator.ValidateAsync(RulesFile.FilesUnder(_rules.Path));

        Assert.Empty(failures);
        Assert.Equal(12, files);
        Assert.Equal(360, rules);
    }

    [Fact]
    public async Task Validate_MisspeltFieldInExpression_FailsNamingFileWorkflowAndRule()
    {
        var path = Break("“通创荟”和科技招商经费专项", "year-end", "产出指标/数量指标/招引科创项目数",
            rule => rule["Expression"] = "actual.Valeu >= target");

        var (_, _, failures) = await RulesValidator.ValidateAsync(RulesFile.FilesUnder(_rules.Path));

        var failure = Assert.Single(failures);
        Assert.Equal(path, failure.File);
        Assert.Equal("2026/南通市科学技术局/“通创荟”和科技招商经费专项/year-end", failure.Workflow);
        Assert.Equal("产出指标/数量指标/招引科创项目数", failure.Rule);
        Assert.Contains("Valeu", failure.Message);
    }

    [Fact]
    public async Task Validate_MisspeltFieldInAnAction_FailsNamingFileWorkflowAndRule()
    {
        // RulesEngine reports an action's error beside a successful rule; the validator must still catch it.
        var path = Break("物业管理费", "mid-year", "产出指标/数量指标/物业服务面积",
            rule => rule["Actions"]!["OnFailure"]!["Context"]!["Expression"] = "actual.Valeu / target");

        var (_, _, failures) = await RulesValidator.ValidateAsync(RulesFile.FilesUnder(_rules.Path));

        var failure = Assert.Single(failures);
        Assert.Equal(path, failure.File);
        Assert.Equal("2026/南通市科学技术局/物业管理费/mid-year", failure.Workflow);
        Assert.Equal("产出指标/数量指标/物业服务面积", failure.Rule);
        Assert.Contains("Valeu", failure.Message);
    }

    [Fact]
    public async Task Validate_FileThatIsNotJson_FailsNamingTheFile()
    {
        var path = FileOf("水电费补差");
        await File.WriteAllTextAsync(path, "{ \"project\": ");

        var (files, _, failures) = await RulesValidator.ValidateAsync(RulesFile.FilesUnder(_rules.Path));

        Assert.Equal(12, files);
        Assert.Equal(path, Assert.Single(failures).File);
    }
}
