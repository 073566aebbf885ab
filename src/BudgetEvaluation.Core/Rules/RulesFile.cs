using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using BudgetEvaluation.Core.Targets;
using RulesEngine.Models;

namespace BudgetEvaluation.Core.Rules;

/// <summary>
/// The product's public rules format: one JSON file per project, <c>rules/&lt;年度&gt;/&lt;主管部门&gt;/&lt;项目名称&gt;.json</c>,
/// holding the project (header, texts, funds) and its mid-year and year-end RulesEngine workflows.
/// </summary>
public static class RulesFile
{
    private static readonly JsonSerializerOptions WriteOptions = new()
    {
        WriteIndented = true,
        NewLine = "\n",
        // Keep Chinese readable in the files; the default encoder writes \uXXXX.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly JsonSerializerOptions ReadOptions = new() { PropertyNameCaseInsensitive = true };

    /// <summary>The file's path under <paramref name="root"/>.</summary>
    public static string PathFor(string root, Project project) =>
        Path.Combine(root, project.Year.ToString(CultureInfo.InvariantCulture), SafeName(project.Department), SafeName(project.Name) + ".json");

    /// <summary>Characters that cannot stand in a file name on Linux or Windows become their full-width forms.</summary>
    public static string SafeName(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (var ch in name.Trim())
        {
            sb.Append(ch switch
            {
                '/' => '／',
                '\\' => '＼',
                ':' => '：',
                '*' => '＊',
                '?' => '？',
                '"' => '＂',
                '<' => '＜',
                '>' => '＞',
                '|' => '｜',
                _ when char.IsControl(ch) => '_',
                _ => ch,
            });
        }
        var safe = sb.ToString();
        return safe is "" or "." or ".." ? "_" + safe : safe;
    }

    public static string Serialize(TargetTable table)
    {
        var root = new JsonObject
        {
            ["project"] = ProjectJson(table.Project),
            ["workflows"] = new JsonArray(RuleGenerator.Workflow(table, Period.MidYear), RuleGenerator.Workflow(table, Period.YearEnd)),
        };
        return root.ToJsonString(WriteOptions) + "\n";
    }

    /// <summary>Writes the file, replacing any earlier one atomically (write to a temporary file, then rename).</summary>
    public static string Write(string root, TargetTable table)
    {
        var path = PathFor(root, table.Project);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        File.WriteAllText(temp, Serialize(table), new UTF8Encoding(false));
        File.Move(temp, path, overwrite: true);
        return path;
    }

    /// <summary>The workflows as stock RulesEngine reads them.</summary>
    public static Workflow[] Workflows(string json)
    {
        using var doc = JsonDocument.Parse(json);
        if (!doc.RootElement.TryGetProperty("workflows", out var workflows))
            throw new FormatException("规则文件缺少 workflows 数组");
        return workflows.Deserialize<Workflow[]>(ReadOptions) ?? [];
    }

    public static IEnumerable<string> FilesUnder(string pathOrDirectory) =>
        File.Exists(pathOrDirectory)
            ? [pathOrDirectory]
            : Directory.EnumerateFiles(pathOrDirectory, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal);

    /// <summary>Reads the target table back from a rules file: the project block and the rules' properties.</summary>
    public static TargetTable Read(string json)
    {
        var root = JsonNode.Parse(json)?.AsObject() ?? throw new FormatException("规则文件不是 JSON 对象");
        var project = ReadProject(root["project"]?.AsObject() ?? throw new FormatException("规则文件缺少 project"));
        var workflows = root["workflows"]?.AsArray() ?? throw new FormatException("规则文件缺少 workflows");
        JsonArray RulesOf(Period period) =>
            workflows.Select(w => w!.AsObject()).FirstOrDefault(w => ((string?)w["WorkflowName"])?.EndsWith("/" + period.Code(), StringComparison.Ordinal) == true)?["Rules"]?.AsArray()
            ?? throw new FormatException($"规则文件缺少 {period.Code()} 工作流");
        var mid = RulesOf(Period.MidYear);
        var full = RulesOf(Period.YearEnd);
        var indicators = new List<Indicator>();
        foreach (var rule in full.Select(r => r!.AsObject()))
        {
            var name = (string)rule["RuleName"]!;
            var midRule = mid.Select(r => r!.AsObject()).FirstOrDefault(r => (string?)r["RuleName"] == name)
                ?? throw new FormatException($"规则“{name}”缺少半年目标");
            var props = rule["Properties"]!.AsObject();
            var context = $"项目“{project.Name}”指标“{name}”";
            indicators.Add(new Indicator(
                (string)props["category"]!,
                (string)props["subcategory"]!,
                (string)props["indicator"]!,
                TargetNotation.Parse((string)midRule["Properties"]!["target"]!, context),
                TargetNotation.Parse((string)props["target"]!, context),
                (decimal?)props["weight"],
                (decimal?)props["tolerance"]));
        }
        return new TargetTable(project, indicators);
    }

    private static JsonObject ProjectJson(Project p)
    {
        var f = p.Funds;
        return new JsonObject
        {
            ["year"] = p.Year,
            ["name"] = p.Name,
            ["department"] = p.Department,
            ["implementingUnit"] = p.ImplementingUnit,
            ["type"] = p.ProjectType,
            ["governmentLevel"] = p.GovernmentLevel,
            ["startYear"] = p.StartYear,
            ["endYear"] = p.EndYear,
            ["contact"] = p.Contact,
            ["necessity"] = p.Necessity,
            ["feasibility"] = p.Feasibility,
            ["content"] = p.Content,
            ["longTermGoal"] = p.LongTermGoal,
            ["annualGoal"] = p.AnnualGoal,
            ["funds"] = new JsonObject
            {
                ["total"] = f.Total,
                ["fiscalAppropriation"] = f.FiscalAppropriation,
                ["generalBudget"] = f.GeneralBudget,
                ["governmentFund"] = f.GovernmentFund,
                ["specialAccount"] = f.SpecialAccount,
                ["stateCapital"] = f.StateCapital,
                ["socialSecurityFund"] = f.SocialSecurityFund,
                ["carriedOver"] = f.CarriedOver,
                ["other"] = f.Other,
                ["midYearPlannedSpend"] = f.MidYearPlannedSpend,
                ["annualBudget"] = f.AnnualBudget,
            },
        };
    }

    private static Project ReadProject(JsonObject o)
    {
        string S(string key) => (string?)o[key] ?? "";
        var f = o["funds"]?.AsObject() ?? throw new FormatException("project 缺少 funds");
        return new Project
        {
            Year = (int)o["year"]!,
            Name = S("name"),
            Department = S("department"),
            ImplementingUnit = S("implementingUnit"),
            ProjectType = S("type"),
            GovernmentLevel = S("governmentLevel"),
            StartYear = S("startYear"),
            EndYear = S("endYear"),
            Contact = S("contact"),
            Necessity = S("necessity"),
            Feasibility = S("feasibility"),
            Content = S("content"),
            LongTermGoal = S("longTermGoal"),
            AnnualGoal = S("annualGoal"),
            Funds = new Funds
            {
                Total = (decimal?)f["total"],
                FiscalAppropriation = (decimal?)f["fiscalAppropriation"],
                GeneralBudget = (decimal?)f["generalBudget"],
                GovernmentFund = (decimal?)f["governmentFund"],
                SpecialAccount = (decimal?)f["specialAccount"],
                StateCapital = (decimal?)f["stateCapital"],
                SocialSecurityFund = (decimal?)f["socialSecurityFund"],
                CarriedOver = (decimal?)f["carriedOver"],
                Other = (decimal?)f["other"],
                MidYearPlannedSpend = (decimal?)f["midYearPlannedSpend"],
                AnnualBudget = (decimal?)f["annualBudget"] ?? throw new FormatException("funds 缺少 annualBudget"),
            },
        };
    }
}
