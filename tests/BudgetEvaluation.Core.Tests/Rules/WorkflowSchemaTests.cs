using System.Text.Json;
using System.Text.Json.Nodes;
using BudgetEvaluation.Core.Rules;
using Json.Schema;
using RulesEngine.Models;

namespace BudgetEvaluation.Core.Tests.Rules;

/// <summary>
/// Every generated workflow validates against RulesEngine's published schema and loads into a stock
/// <c>RulesEngine.RulesEngine</c> after taking the <c>workflows</c> array with default System.Text.Json options.
/// </summary>
public sealed class WorkflowSchemaTests
{
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromFile(TestFiles.Schema));

    private static readonly Lazy<Dictionary<string, string>> Generated = new(() =>
        TestFiles.ImportSeed().ToDictionary(i => i.Table!.Project.Name, i => RulesFile.Serialize(i.Table!)));

    public static TheoryData<string> Projects()
    {
        var data = new TheoryData<string>();
        foreach (var p in TestFiles.SeedProjects)
            data.Add(p);
        return data;
    }

    private static string[] SchemaErrors(JsonNode workflow)
    {
        var result = Schema.Value.Evaluate(workflow, new EvaluationOptions { OutputFormat = OutputFormat.List });
        return result.IsValid
            ? []
            : (result.Details ?? []).Where(d => d.HasErrors).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key} {e.Value}")).DefaultIfEmpty("invalid").ToArray();
    }

    private static JsonArray WorkflowsOf(string json) => JsonNode.Parse(json)!["workflows"]!.AsArray();

    [Theory]
    [MemberData(nameof(Projects))]
    public void GeneratedWorkflows_ValidateAgainstThePublishedSchema(string project)
    {
        var workflows = WorkflowsOf(Generated.Value[project]);

        Assert.Equal(2, workflows.Count);
        Assert.All(workflows, w => Assert.Empty(SchemaErrors(w!)));
    }

    [Fact]
    public void SchemaCheck_RuleWithoutExpression_IsInvalid()
    {
        // The check must be able to fail: a leaf rule needs its Expression.
        var workflow = WorkflowsOf(Generated.Value["物业管理费"])[1]!;
        workflow["Rules"]![0]!.AsObject().Remove("Expression");

        Assert.NotEmpty(SchemaErrors(workflow));
    }

    [Fact]
    public void SchemaCheck_WorkflowWithoutName_IsInvalid()
    {
        var workflow = WorkflowsOf(Generated.Value["物业管理费"])[0]!;
        workflow.AsObject().Remove("WorkflowName");

        Assert.NotEmpty(SchemaErrors(workflow));
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void GeneratedWorkflows_LoadIntoAStockRulesEngine(string project)
    {
        using var doc = JsonDocument.Parse(Generated.Value[project]);
        var workflows = doc.RootElement.GetProperty("workflows").Deserialize<Workflow[]>()!;

        var engine = new RulesEngine.RulesEngine(workflows);

        Assert.Equal(
            [$"2026/南通市科学技术局/{project}/mid-year", $"2026/南通市科学技术局/{project}/year-end"],
            engine.GetAllRegisteredWorkflowNames().Order(StringComparer.Ordinal));
        Assert.All(workflows, w =>
        {
            Assert.Equal(15, w.Rules.Count());
            Assert.All(w.Rules, r =>
            {
                Assert.False(string.IsNullOrWhiteSpace(r.Expression));
                Assert.Equal(RuleExpressionType.LambdaExpression, r.RuleExpressionType);
                Assert.NotNull(r.Properties);
            });
        });
    }

    [Fact]
    public void StockDeserialization_ReadsRuleNamesAndProperties()
    {
        using var doc = JsonDocument.Parse(Generated.Value["科技创新双月例会专项"]);
        var yearEnd = doc.RootElement.GetProperty("workflows").Deserialize<Workflow[]>()![1];

        var meetings = yearEnd.Rules.Single(r => r.RuleName == "产出指标/数量指标/组织科技创新双月例会场次");

        Assert.Equal("≤3场", ((JsonElement)meetings.Properties["target"]).GetString());
        Assert.Equal("场", ((JsonElement)meetings.Properties["unit"]).GetString());
        Assert.Equal("negative", ((JsonElement)meetings.Properties["direction"]).GetString());
        Assert.False(meetings.Properties.ContainsKey("weight"));
    }
}
