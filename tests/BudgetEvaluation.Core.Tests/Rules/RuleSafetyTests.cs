using System.Text.Json.Nodes;
using BudgetEvaluation.Core.Rules;

namespace BudgetEvaluation.Core.Tests.Rules;

/// <summary>
/// Rules files from outside are code: every expression is parsed against the real input types and only an
/// allow-list passes. The forbidden examples are those RULESENGINE.md ("Expressions are code") lists.
/// </summary>
public sealed class RuleSafetyTests
{
    private const string Project = "办公设备购置";
    private const string YearEnd = "2026/南通市科学技术局/办公设备购置/year-end";
    private const string Rule = "产出指标/数量指标/设备购置采购数量";
    private const string FileName = "办公设备购置.json";

    /// <summary>The committed seed rules file with one year-end rule changed.</summary>
    private static string Changed(Action<JsonObject> change, string rule = Rule)
    {
        var root = JsonNode.Parse(File.ReadAllText(TestFiles.CommittedRulesFile(Project)))!;
        var workflow = root["workflows"]!.AsArray().Single(w => (string)w!["WorkflowName"]! == YearEnd)!.AsObject();
        change(rule.Length == 0 ? workflow : workflow["Rules"]!.AsArray().Single(r => (string)r!["RuleName"]! == rule)!.AsObject());
        return root.ToJsonString();
    }

    private static string WithExpression(string expression) => Changed(rule => rule["Expression"] = expression);

    [Fact]
    public void Check_EveryCommittedSeedRulesFile_IsSafe()
    {
        foreach (var project in TestFiles.SeedProjects)
            Assert.Empty(RuleSafety.Check(File.ReadAllText(TestFiles.CommittedRulesFile(project)), project + ".json"));
    }

    [Fact]
    public void Check_GeneratedExactRuleWithTolerance_IsSafe()
    {
        // The seed has no exact rule: generate one (=2517.03平方米 with a tolerance) and check both periods.
        var table = TestFiles.ImportSeed().Select(i => i.Table!).Single(t => t.Project.Name == "物业管理费");
        var area = table.Indicators.Single(i => i.YearEndTarget.Text.Contains("平方米", StringComparison.Ordinal));
        var exact = table with { Indicators = table.Indicators.Select(i => i == area ? i with { Tolerance = 0.5m } : i).ToList() };
        var json = RulesFile.Serialize(exact);
        Assert.Contains("Math.Abs(actual.Value - target) <= tolerance", json);

        Assert.Empty(RuleSafety.Check(json, "物业管理费.json"));
    }

    [Theory]
    // Reflection: allowed by the expression language, refused here.
    [InlineData("\"\".GetType().Assembly != null", "不允许调用 string.GetType()：反射（读取类型、程序集或方法信息）不允许在规则中使用")]
    [InlineData("actuals[0].GetType().Assembly.Location == \"\"", "不允许调用 ActualInput.GetType()：反射（读取类型、程序集或方法信息）不允许在规则中使用")]
    [InlineData("actual.GetType().Assembly.DefinedTypes != null", "不允许调用 ActualInput.GetType()：反射（读取类型、程序集或方法信息）不允许在规则中使用")]
    [InlineData("context.GetType().Name == \"RuleContext\"", "不允许调用 RuleContext.GetType()：反射（读取类型、程序集或方法信息）不允许在规则中使用")]
    // Denial of service and non-determinism.
    [InlineData("Enumerable.Range(0, int.MaxValue).Count() > 0", "不允许调用 Enumerable.Range()：不允许集合查询（LINQ）：可能耗尽内存或 CPU")]
    [InlineData("actuals.Count() > 0", "不允许调用 Enumerable.Count()：不允许集合查询（LINQ）：可能耗尽内存或 CPU")]
    [InlineData("actuals.Any(a => a.Value > 0)", "不允许调用 Enumerable.Any()：不允许集合查询（LINQ）：可能耗尽内存或 CPU")]
    [InlineData("DateTime.Now.Ticks > 0", "不允许访问 DateTime.Now：结果随时间或随机变化，评分将无法复现")]
    [InlineData("DateTime.UtcNow.Year > 2025", "不允许访问 DateTime.UtcNow：结果随时间或随机变化，评分将无法复现")]
    [InlineData("Guid.NewGuid() != Guid.Empty", "不允许调用 Guid.NewGuid()：结果随时间或随机变化，评分将无法复现")]
    // Objects, strings and methods outside the allow-list.
    [InlineData("new RuleContext().TimeProgress > 0", "不允许用 new 创建对象（RuleContext）")]
    [InlineData("actual.Band.Contains(\"达\")", "不允许调用 string.Contains()：不允许调用字符串方法：文本只能用 == 或 != 比较")]
    [InlineData("actual.Band.Length > 0", "不允许访问 string.Length：不允许调用字符串方法：文本只能用 == 或 != 比较")]
    [InlineData("actual.Band + \"x\" == \"达成x\"", "不允许调用 string.Concat()：不允许调用字符串方法：文本只能用 == 或 != 比较")]
    [InlineData("Math.Pow(actual.Value, 2.0) > target", "不允许调用 Math.Pow()：数学函数只允许 Math.Min、Math.Max、Math.Abs、Math.Round、Math.Floor、Math.Ceiling")]
    [InlineData("int.Parse(\"3\") > 0", "不允许调用 int.Parse()：只允许读取实际值（actual）和评分上下文（context）的属性，以及调用 Math.Min、Math.Max、Math.Abs、Math.Round、Math.Floor、Math.Ceiling")]
    [InlineData("Convert.ToDouble(\"3\") > 0", "不允许调用 Convert.ToDouble()：只允许读取实际值（actual）和评分上下文（context）的属性，以及调用 Math.Min、Math.Max、Math.Abs、Math.Round、Math.Floor、Math.Ceiling")]
    public void Check_ForbiddenConstructInRuleExpression_IsRefusedNamingWorkflowRuleAndConstruct(string expression, string expected)
    {
        var failure = Assert.Single(RuleSafety.Check(WithExpression(expression), FileName));

        Assert.Equal(FileName, failure.File);
        Assert.Equal(YearEnd, failure.Workflow);
        Assert.Equal(Rule, failure.Rule);
        Assert.Equal($"规则表达式“{expression}”不安全：{expected}", failure.Message);
    }

    [Theory]
    // The expression language itself does not know these names; the check names each as refused, with what it would reach.
    [InlineData("Assembly.Location != \"\"", "Assembly.Location", "不允许访问进程、环境、程序集加载或动态创建对象", "Unknown identifier 'Assembly'")]
    [InlineData("System.IO.File.Exists(\"/etc/passwd\")", "System.IO.File.Exists", "不允许读写文件或目录", "Unknown identifier 'System'")]
    [InlineData("File.ReadAllText(\"/etc/passwd\") == \"\"", "File.ReadAllText", "不允许读写文件或目录", "Unknown identifier 'File'")]
    [InlineData("Process.Start(\"sh\") != null", "Process.Start", "不允许访问进程、环境、程序集加载或动态创建对象", "Unknown identifier 'Process'")]
    [InlineData("System.Diagnostics.Process.GetCurrentProcess().Id > 0", "System.Diagnostics.Process.GetCurrentProcess", "不允许访问进程、环境、程序集加载或动态创建对象", "Unknown identifier 'System'")]
    [InlineData("Environment.GetEnvironmentVariable(\"PATH\") != null", "Environment.GetEnvironmentVariable", "不允许访问进程、环境、程序集加载或动态创建对象", "Unknown identifier 'Environment'")]
    [InlineData("Activator.CreateInstance(null) != null", "Activator.CreateInstance", "不允许访问进程、环境、程序集加载或动态创建对象", "Unknown identifier 'Activator'")]
    [InlineData("Assembly.Load(\"System.IO\") != null", "Assembly.Load", "不允许访问进程、环境、程序集加载或动态创建对象", "Unknown identifier 'Assembly'")]
    [InlineData("Type.GetType(\"System.IO.File\") != null", "Type.GetType", "反射（读取类型、程序集或方法信息）不允许在规则中使用", "Unknown identifier 'Type'")]
    [InlineData("\"\".GetType().GetMethods().Length > 0", "Type.GetMethods", "反射（读取类型、程序集或方法信息）不允许在规则中使用", "Method 'GetMethods' on type 'Type' is not accessible")]
    [InlineData("actual.GetType().GetMethod(\"ToString\").Invoke(actual, null) != null", "Type.GetMethod", "反射（读取类型、程序集或方法信息）不允许在规则中使用", "Method 'GetMethod' on type 'Type' is not accessible")]
    [InlineData("new HttpClient() != null", "HttpClient", "不允许访问网络", "Type 'HttpClient' not found")]
    public void Check_NameTheParserDoesNotKnow_IsRefusedNamingTheMemberAndWhatItWouldReach(string expression, string member, string reason, string parserMessage)
    {
        var failure = Assert.Single(RuleSafety.Check(WithExpression(expression), FileName));

        Assert.Equal((YearEnd, Rule), (failure.Workflow, failure.Rule));
        Assert.StartsWith($"规则表达式“{expression}”不安全：不允许使用 {member}：{reason}（", failure.Message);
        Assert.Contains(parserMessage, failure.Message);
    }

    [Fact]
    public void Check_MisspelledName_IsUnparseableListingWhatMayBeUsed()
    {
        var failure = Assert.Single(RuleSafety.Check(WithExpression("actul.Value > target"), FileName));

        Assert.StartsWith("规则表达式“actul.Value > target”无法解析：规则中没有“actul.Value”，只能使用 actual、actuals、context、局部参数、常量和 Math.Min、Math.Max、Math.Abs、Math.Round、Math.Floor、Math.Ceiling（Unknown identifier 'actul'", failure.Message);
    }

    [Theory]
    [InlineData("Math.Round(actual.Value, 1) >= Math.Floor(target) && Math.Ceiling(target) > Math.Abs(-1.0)")]
    [InlineData("actual.Band != \"达成\" || actual.Band == \"部分达成\"")]
    [InlineData("context.Points.Length > 0 && context.Points[0] * 2 - points / 3 % 2 >= -actual.Value")]
    [InlineData("(actual.HasPercent ? actual.Percent : context.TimeProgress * 100.0) > Math.Min(target, Math.Max(points, 1))")]
    [InlineData("actuals[0].Value + actuals.Length > 0 && !context.LinearNegativeMiss")]
    public void Check_ArithmeticComparisonsAndAllowedMath_Pass(string expression) =>
        Assert.Empty(RuleSafety.Check(WithExpression(expression), FileName));

    [Fact]
    public void Check_ExpressionOver2000Characters_IsRefusedBeforeParsing()
    {
        var expression = string.Join(" && ", Enumerable.Repeat("actual.Value >= target", 100)); // 2 596 characters

        var failure = Assert.Single(RuleSafety.Check(WithExpression(expression), FileName));

        Assert.StartsWith("规则表达式过长：2596 个字符，最多 2000 个（actual.Value >= target && ", failure.Message);
    }

    [Fact]
    public void Check_BracketsNestedDeeperThan32_AreRefusedBeforeParsing()
    {
        // About a thousand levels overflow the parser's stack and end the process: the text is refused unparsed.
        var expression = new string('(', 900) + "actual.Value" + new string(')', 900) + " > 0";

        var failure = Assert.Single(RuleSafety.Check(WithExpression(expression), FileName));

        Assert.StartsWith("规则表达式括号嵌套超过 32 层", failure.Message);
    }

    [Fact]
    public void Check_BracketsInsideTextLiterals_DoNotCountAsNesting()
    {
        var expression = $"actual.Band == \"{new string('(', 40)}\"";

        Assert.Empty(RuleSafety.Check(WithExpression(expression), FileName));
    }

    [Fact]
    public void Check_TreeDeeperThan64_IsRefused()
    {
        var expression = string.Join(" + ", Enumerable.Repeat("actual.Value", 80)) + " > 0";

        var failure = Assert.Single(RuleSafety.Check(WithExpression(expression), FileName));

        Assert.EndsWith("不安全：表达式嵌套超过 64 层", failure.Message);
    }

    [Fact]
    public void Check_ForbiddenLocalParam_IsRefusedNamingTheParam()
    {
        var json = Changed(rule => rule["LocalParams"]!.AsArray().Add(new JsonObject { ["Name"] = "leak", ["Expression"] = "actual.GetType().Assembly.Location" }));

        var failure = Assert.Single(RuleSafety.Check(json, FileName));

        Assert.Equal(Rule, failure.Rule);
        Assert.Equal("局部参数“leak”“actual.GetType().Assembly.Location”不安全：不允许调用 ActualInput.GetType()：反射（读取类型、程序集或方法信息）不允许在规则中使用", failure.Message);
    }

    [Fact]
    public void Check_LocalParamUsedLater_IsTypedFromItsExpression()
    {
        // "share" is a double; a later param and the action may use it, but not call a string method on it.
        var json = Changed(rule =>
        {
            rule["LocalParams"]!.AsArray().Add(new JsonObject { ["Name"] = "share", ["Expression"] = "Math.Min(actual.Value / target, 1.0)" });
            rule["Actions"]!["OnFailure"]!["Context"]!["Expression"] = "points * share.ToString().Length";
        });

        var failure = Assert.Single(RuleSafety.Check(json, FileName));

        Assert.Equal("OnFailure 动作的输出表达式“points * share.ToString().Length”不安全：不允许调用 double.ToString()：只允许读取实际值（actual）和评分上下文（context）的属性，以及调用 Math.Min、Math.Max、Math.Abs、Math.Round、Math.Floor、Math.Ceiling", failure.Message);
    }

    [Fact]
    public void Check_ForbiddenOutputExpression_IsRefused()
    {
        var json = Changed(rule => rule["Actions"]!["OnSuccess"]!["Context"]!["Expression"] = "Enumerable.Range(0, int.MaxValue).Sum()");

        var failure = Assert.Single(RuleSafety.Check(json, FileName));

        Assert.Equal("OnSuccess 动作的输出表达式“Enumerable.Range(0, int.MaxValue).Sum()”不安全：不允许调用 Enumerable.Range()：不允许集合查询（LINQ）：可能耗尽内存或 CPU", failure.Message);
    }

    [Fact]
    public void Check_ActionOtherThanOutputExpression_IsRefused()
    {
        var json = Changed(rule => rule["Actions"]!["OnSuccess"] = new JsonObject
        {
            ["Name"] = "EvaluateRule",
            ["Context"] = new JsonObject { ["workflowName"] = "2026/其他部门/其他项目/year-end", ["ruleName"] = "x" },
        });

        var failure = Assert.Single(RuleSafety.Check(json, FileName));

        Assert.Equal("OnSuccess 动作“EvaluateRule”不允许：只允许 OutputExpression 动作", failure.Message);
    }

    [Fact]
    public void Check_OutputExpressionWithExtraContext_IsRefused()
    {
        var json = Changed(rule => rule["Actions"]!["OnFailure"]!["Context"]!["additionalInputs"] = "[]");

        var failure = Assert.Single(RuleSafety.Check(json, FileName));

        Assert.Equal("OnFailure 动作的 Context 应只有一项 Expression，实际为“Expression、additionalInputs”", failure.Message);
    }

    [Fact]
    public void Check_ForbiddenGlobalParam_IsRefusedOnTheWorkflow()
    {
        var json = Changed(workflow => workflow["GlobalParams"] = new JsonArray(new JsonObject { ["Name"] = "now", ["Expression"] = "DateTime.Now" }), rule: "");

        var failure = Assert.Single(RuleSafety.Check(json, FileName));

        Assert.Equal((YearEnd, ""), (failure.Workflow, failure.Rule));
        Assert.Equal("全局参数“now”“DateTime.Now”不安全：不允许访问 DateTime.Now：结果随时间或随机变化，评分将无法复现", failure.Message);
    }

    [Fact]
    public void Check_ForbiddenNestedRule_IsRefusedNamingTheNestedRule()
    {
        var json = Changed(rule => rule["Rules"] = new JsonArray(new JsonObject { ["RuleName"] = "嵌套", ["Expression"] = "actual.GetType() != null" }));

        var failure = Assert.Single(RuleSafety.Check(json, FileName));

        Assert.Equal("嵌套", failure.Rule);
    }

    [Fact]
    public void Check_WorkflowInjection_IsRefused()
    {
        var json = Changed(workflow => workflow["WorkflowsToInject"] = new JsonArray("2026/其他部门/其他项目/year-end"), rule: "");

        var failure = Assert.Single(RuleSafety.Check(json, FileName));

        Assert.Equal("不允许引用其他工作流（WorkflowsToInject）：每个项目的规则只能使用本文件中的表达式", failure.Message);
    }

    [Fact]
    public void Check_SeveralProblems_AreAllReported()
    {
        var json = Changed(rule =>
        {
            rule["Expression"] = "DateTime.Now.Year > 2000";
            rule["Actions"]!["OnSuccess"]!["Context"]!["Expression"] = "\"\".GetType().Assembly.Location.Length";
        });

        var failures = RuleSafety.Check(json, FileName);

        Assert.Equal(["规则表达式", "OnSuccess 动作的输出表达式"], failures.Select(f => f.Message[..f.Message.IndexOf('“')]));
    }

    [Fact]
    public void Check_NotJson_ReportsTheFileUnreadable()
    {
        var failure = Assert.Single(RuleSafety.Check("{ \"workflows\": ", FileName));

        Assert.StartsWith("无法读取规则文件：", failure.Message);
    }

    [Fact]
    public async Task Validate_UnsafeRule_IsReportedAndNeverRun()
    {
        using var folder = new TempDirectory();
        var path = folder.File(FileName);
        // Run, this would count to int.MaxValue on every evaluation.
        File.WriteAllText(path, Changed(rule => rule["Actions"]!["OnSuccess"]!["Context"]!["Expression"] = "Enumerable.Range(0, int.MaxValue).Count()"));

        var (files, rules, failures) = await RulesValidator.ValidateAsync([path]);

        Assert.Equal((1, 30), (files, rules));
        var failure = Assert.Single(failures);
        Assert.Equal($"{path}: 工作流“{YearEnd}” 规则“{Rule}”：OnSuccess 动作的输出表达式“Enumerable.Range(0, int.MaxValue).Count()”不安全：不允许调用 Enumerable.Range()：不允许集合查询（LINQ）：可能耗尽内存或 CPU", failure.ToString());
    }
}
