using System.Text.Json;
using System.Text.Json.Nodes;
using BudgetEvaluation.Core.Rules;

namespace BudgetEvaluation.Core.Tests.Rules;

/// <summary>A hand-edited rules file of the wrong shape is a <see cref="FormatException"/> naming the field, not a crash.</summary>
public sealed class RulesFileReadTests
{
    private static JsonNode Committed() => JsonNode.Parse(File.ReadAllText(TestFiles.CommittedRulesFile("物业管理费")))!;

    private static JsonObject FirstYearEndRule(JsonNode root) => root["workflows"]![1]!["Rules"]![0]!.AsObject();

    public static TheoryData<string, string> Mutations() => new()
    {
        { "project.year removed", "year" },
        { "project.year as text", "year" },
        { "project.name removed", "name" },
        { "project.funds.annualBudget removed", "annualBudget" },
        { "project.funds.total as text", "total" },
        { "rule category removed", "category" },
        { "rule weight as text", "weight" },
        { "rule Properties removed", "Properties" },
        { "mid-year workflow removed", "mid-year" },
        { "workflows as object", "workflows" },
    };

    private static string Apply(string mutation)
    {
        var root = Committed();
        var project = root["project"]!.AsObject();
        switch (mutation)
        {
            case "project.year removed": project.Remove("year"); break;
            case "project.year as text": project["year"] = "2026年"; break;
            case "project.name removed": project.Remove("name"); break;
            case "project.funds.annualBudget removed": project["funds"]!.AsObject().Remove("annualBudget"); break;
            case "project.funds.total as text": project["funds"]!["total"] = "19.53万元"; break;
            case "rule category removed": FirstYearEndRule(root)["Properties"]!.AsObject().Remove("category"); break;
            case "rule weight as text": FirstYearEndRule(root)["Properties"]!["weight"] = "10分"; break;
            case "rule Properties removed": FirstYearEndRule(root).Remove("Properties"); break;
            case "mid-year workflow removed": root["workflows"]!.AsArray().RemoveAt(0); break;
            case "workflows as object": root.AsObject()["workflows"] = new JsonObject(); break;
        }
        return root.ToJsonString();
    }

    [Theory]
    [MemberData(nameof(Mutations))]
    public void Read_FileOfTheWrongShape_ThrowsFormatExceptionNamingTheField(string mutation, string field)
    {
        var json = Apply(mutation);

        var ex = Assert.Throws<FormatException>(() => RulesFile.Read(json));

        Assert.Contains(field, ex.Message);
    }

    [Fact]
    public void Read_NotJson_ThrowsJsonException()
    {
        Assert.ThrowsAny<JsonException>(() => RulesFile.Read("{ \"project\": "));
    }

    [Fact]
    public void Read_JsonArray_ThrowsFormatException()
    {
        Assert.Throws<FormatException>(() => RulesFile.Read("[]"));
    }

    [Fact]
    public void Read_NullFunds_AreNullNotZero()
    {
        var read = RulesFile.Read(Committed().ToJsonString());

        Assert.Null(read.Project.Funds.GovernmentFund);
        Assert.Equal(0m, read.Project.Funds.CarriedOver);
    }
}
