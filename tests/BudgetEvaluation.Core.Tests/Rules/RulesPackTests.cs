using System.Text.Json;
using System.Text.Json.Nodes;
using BudgetEvaluation.Benchmarks;
using BudgetEvaluation.Core.Rules;
using BudgetEvaluation.Core.Scoring;
using BudgetEvaluation.Core.Targets;
using RulesEngine.Models;
using static BudgetEvaluation.Core.Tests.Scoring.ScoringFixtures;

namespace BudgetEvaluation.Core.Tests.Rules;

/// <summary>A packed rules file loads as exactly what parsing its JSON gives, and what cannot be packed is not.</summary>
public sealed class RulesPackTests
{
    private static RulesProject Unpacked(RulesProject parsed) =>
        RulesPack.Unpack(RulesPack.Pack(parsed) ?? throw new InvalidOperationException($"{parsed.Source} was not packed"), parsed.Source, parsed.Fingerprint);

    private static void AssertSame(RulesProject expected, RulesProject actual)
    {
        Assert.Equal(JsonSerializer.Serialize(expected.Table), JsonSerializer.Serialize(actual.Table));
        Assert.Equal(JsonSerializer.Serialize(expected.Workflows), JsonSerializer.Serialize(actual.Workflows));
        Assert.Equal(expected.Fingerprint, actual.Fingerprint);
    }

    [Fact]
    public void Unpack_EverySeedRulesFile_GivesWhatParsingTheJsonGives()
    {
        var seed = SeedProjects();
        Assert.Equal(12, seed.Count);
        foreach (var parsed in seed)
            AssertSame(parsed, Unpacked(parsed));
    }

    [Fact]
    public void Unpack_1000GeneratedRulesFiles_GivesWhatParsingTheJsonGives()
    {
        var tables = new Generator().Tables(1000).ToList();
        for (var i = 0; i < tables.Count; i++)
        {
            var parsed = RulesProject.Parse(RulesFile.Serialize(tables[i]), $"generated-{i}.json");
            AssertSame(parsed, Unpacked(parsed));
        }
    }

    [Theory]
    [InlineData(Period.MidYear)]
    [InlineData(Period.YearEnd)]
    public void Unpack_ForOnePeriod_HoldsExactlyThatPeriodsWorkflowAndTheWholeTable(Period period)
    {
        var tables = new Generator().Tables(200).ToList();
        var projects = SeedProjects().Concat(tables.Select((t, i) => RulesProject.Parse(RulesFile.Serialize(t), $"generated-{i}.json")));
        foreach (var parsed in projects)
        {
            var packed = RulesPack.Pack(parsed)!;
            var one = RulesPack.Unpack(packed, parsed.Source, parsed.Fingerprint, period);

            var workflow = Assert.Single(one.Workflows);
            Assert.Equal(parsed.WorkflowName(period), workflow.WorkflowName);
            Assert.Equal(JsonSerializer.Serialize(parsed.WorkflowFor(period)), JsonSerializer.Serialize(workflow));
            Assert.Equal(JsonSerializer.Serialize(parsed.Table), JsonSerializer.Serialize(one.Table));
            Assert.Equal(parsed.Fingerprint, one.Fingerprint);
        }
    }

    [Fact]
    public async Task Evaluate_SeedRulesUnpackedForYearEnd_ScoresAsTheWholeRules()
    {
        var whole = SeedProjects().Select(Unpacked).ToList();
        var yearEnd = SeedProjects().Select(p => RulesPack.Unpack(RulesPack.Pack(p)!, p.Source, p.Fingerprint, Period.YearEnd)).ToList();

        var expected = await ScoreAsync(YearEndActuals, Period.YearEnd, projects: whole);
        var actual = await ScoreAsync(YearEndActuals, Period.YearEnd, projects: yearEnd);

        Assert.Equal(12, actual.Count);
        Assert.Equal(JsonSerializer.Serialize(expected), JsonSerializer.Serialize(actual));
        Assert.Equal(90.15046296296296, actual.Project(TongChuangHui).TotalScore!.Value, 1e-9);
    }

    [Fact]
    public void Pack_SeedRulesFile_IsAFifthOfTheJsonOrLess()
    {
        var file = TestFiles.CommittedRulesFile("“通创荟”和科技招商经费专项");
        var json = File.ReadAllBytes(file);
        var packed = RulesPack.Pack(RulesProject.Parse(File.ReadAllText(file), file))!;
        Assert.True(packed.Length * 5 <= json.Length, $"{packed.Length} bytes packed, {json.Length} bytes of JSON");
        Assert.True(RulesPack.IsCurrent(packed));
        Assert.Equal(RulesPack.Header, packed[..RulesPack.Header.Length]);
    }

    [Fact]
    public async Task Evaluate_UnpackedSeedRules_ScoresTongChuangHui90Point15()
    {
        var projects = SeedProjects().Select(Unpacked).ToList();
        var e = (await ScoreAsync(YearEndActuals, Period.YearEnd, projects: projects)).Project(TongChuangHui);

        // As YearEndGoldenTests works it out by hand from the JSON rules.
        Assert.Equal(90.15046296296296, e.TotalScore!.Value, 1e-9);
        Assert.Equal("优", e.Grade);
        // The qualitative bands come from the rules' Properties, read back from the pack.
        Assert.Equal((80.0, 100.0), projects.Single(p => p.Project.Name == TongChuangHui).Bands(Period.YearEnd, "决策/绩效目标/绩效目标合理性")["达成"]);
    }

    public static TheoryData<string> Unpackable() => new()
    {
        "GlobalParams",
        "nested Rules",
        "Operator",
        "WorkflowsToInject",
        "workflow WorkflowsToInject",
    };

    [Theory]
    [MemberData(nameof(Unpackable))]
    public void Pack_RulesUsingWhatThePackDoesNotCarry_IsNotPacked(string feature)
    {
        var root = JsonNode.Parse(File.ReadAllText(TestFiles.CommittedRulesFile("物业管理费")))!;
        var workflow = root["workflows"]![1]!.AsObject();
        var rule = workflow["Rules"]![0]!.AsObject();
        switch (feature)
        {
            case "GlobalParams": workflow["GlobalParams"] = new JsonArray(new JsonObject { ["Name"] = "g", ["Expression"] = "1.0" }); break;
            case "nested Rules": rule["Rules"] = new JsonArray(); break;
            case "Operator": rule["Operator"] = "And"; break;
            case "WorkflowsToInject": rule["WorkflowsToInject"] = new JsonArray("other"); break;
            case "workflow WorkflowsToInject": workflow["WorkflowsToInject"] = new JsonArray("other"); break;
        }
        var parsed = RulesProject.Parse(root.ToJsonString(), "edited.json");

        Assert.Null(RulesPack.Pack(parsed));
    }

    [Fact]
    public void Pack_CarriesEveryPropertyOfRulesEnginesWorkflowTypes()
    {
        // The packer writes (or refuses) each of these; a RulesEngine upgrade that adds one must teach it the new one.
        static string[] Names(Type type) => type.GetProperties().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(["GlobalParams", "RuleExpressionType", "Rules", "WorkflowName", "WorkflowRulesToInject", "WorkflowsToInject"], Names(typeof(Workflow)));
        Assert.Equal(["Actions", "Enabled", "ErrorMessage", "Expression", "LocalParams", "Operator", "Properties", "RuleExpressionType", "RuleName",
            "Rules", "SuccessEvent", "WorkflowsToInject"], Names(typeof(Rule)));
        Assert.Equal(["OnFailure", "OnSuccess"], Names(typeof(RuleActions)));
        Assert.Equal(["Context", "Name"], Names(typeof(ActionInfo)));
        Assert.Equal(["Expression", "Name"], Names(typeof(ScopedParam)));
    }

    [Fact]
    public void Unpack_TruncatedPack_IsAFormatException()
    {
        var packed = RulesPack.Pack(SeedProjects()[0])!;

        var ex = Assert.Throws<FormatException>(() => RulesPack.Unpack(packed[..(packed.Length / 2)], "x", "AB"));
        Assert.Equal("规则包已损坏", ex.Message);
        Assert.Throws<FormatException>(() => RulesPack.Unpack([.. packed, 0], "x", "AB"));
    }

    [Fact]
    public void Unpack_PackOfAnotherFormatVersion_IsRefused()
    {
        var packed = RulesPack.Pack(SeedProjects()[0])!;
        packed[RulesPack.Header.Length - 1]++;

        Assert.False(RulesPack.IsCurrent(packed));
        var ex = Assert.Throws<FormatException>(() => RulesPack.Unpack(packed, "x", "AB"));
        Assert.Equal("不是当前版本的规则包", ex.Message);
    }
}
