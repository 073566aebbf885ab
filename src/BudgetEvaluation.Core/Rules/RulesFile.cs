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

    /// <summary>The workflows as stock RulesEngine reads them (free-form values as plain .NET values, see <see cref="LeanWorkflows"/>).</summary>
    public static Workflow[] Workflows(string json)
    {
        using var doc = JsonDocument.Parse(json);
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
            throw new FormatException("规则文件应为 JSON 对象（含 project 与 workflows）");
        if (!doc.RootElement.TryGetProperty("workflows", out var workflows))
            throw new FormatException("规则文件缺少 workflows 数组");
        return LeanWorkflows.Share(workflows.Deserialize<Workflow[]>(LeanWorkflows.Options) ?? []);
    }

    public static IEnumerable<string> FilesUnder(string pathOrDirectory) =>
        File.Exists(pathOrDirectory)
            ? [pathOrDirectory]
            : Directory.EnumerateFiles(pathOrDirectory, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal);

    /// <summary>Reads the target table back from a rules file: the project block and the rules' properties.</summary>
    /// <remarks>
    /// A file that is not JSON throws <see cref="JsonException"/>; JSON of the wrong shape (a field missing or of the
    /// wrong type) throws <see cref="FormatException"/> naming the field, never a null or cast exception.
    /// </remarks>
    public static TargetTable Read(string json)
    {
        var root = ObjectOf(JsonNode.Parse(json), "规则文件");
        var project = ReadProject(ObjectOf(root["project"], "project"));
        var workflows = ArrayOf(root["workflows"], "workflows");
        JsonArray RulesOf(Period period)
        {
            var workflow = workflows.Select(w => w as JsonObject)
                .FirstOrDefault(w => w?["WorkflowName"] is JsonValue name && name.TryGetValue<string>(out var n) && n.EndsWith("/" + period.Code(), StringComparison.Ordinal))
                ?? throw new FormatException($"规则文件缺少 {period.Code()} 工作流");
            return ArrayOf(workflow["Rules"], $"{period.Code()} 工作流的 Rules");
        }
        var mid = RulesOf(Period.MidYear);
        var full = RulesOf(Period.YearEnd);
        var indicators = new List<Indicator>();
        foreach (var node in full)
        {
            var rule = ObjectOf(node, "规则");
            var name = Text(rule, "RuleName", "规则", required: true);
            var midRule = mid.OfType<JsonObject>().FirstOrDefault(r => r["RuleName"] is JsonValue v && v.TryGetValue<string>(out var n) && n == name)
                ?? throw new FormatException($"规则“{name}”缺少半年目标");
            var where = $"规则“{name}”的 Properties";
            var props = ObjectOf(rule["Properties"], where);
            var context = $"项目“{project.Name}”指标“{name}”";
            indicators.Add(new Indicator(
                Text(props, "category", where, required: true),
                Text(props, "subcategory", where, required: true),
                Text(props, "indicator", where, required: true),
                TargetNotation.Parse(Text(ObjectOf(midRule["Properties"], where), "target", where, required: true), context),
                TargetNotation.Parse(Text(props, "target", where, required: true), context),
                Amount(props, "weight", where),
                Amount(props, "tolerance", where)));
        }
        return new TargetTable(project, indicators);
    }

    private static JsonObject ObjectOf(JsonNode? node, string what) =>
        node as JsonObject ?? throw new FormatException(node is null ? $"规则文件缺少 {what}" : $"规则文件的 {what} 应为 JSON 对象");

    private static JsonArray ArrayOf(JsonNode? node, string what) =>
        node as JsonArray ?? throw new FormatException(node is null ? $"规则文件缺少 {what}" : $"规则文件的 {what} 应为 JSON 数组");

    private static string Text(JsonObject o, string key, string where, bool required = false) => o[key] switch
    {
        null when required => throw new FormatException($"{where}缺少 {key}"),
        null => "",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => throw new FormatException($"{where}的 {key} 应为文本"),
    };

    private static decimal? Amount(JsonObject o, string key, string where) => o[key] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<decimal>(out var d) => d,
        _ => throw new FormatException($"{where}的 {key} 应为数字"),
    };

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
        const string where = "project ";
        string S(string key) => Text(o, key, where);
        var f = ObjectOf(o["funds"], "project 的 funds");
        decimal? F(string key) => Amount(f, key, "funds ");
        var year = o["year"] is JsonValue y && y.TryGetValue<int>(out var yv) ? yv : throw new FormatException("project 缺少 year（整数年度）");
        return new Project
        {
            Year = year,
            Name = Text(o, "name", where, required: true),
            Department = Text(o, "department", where, required: true),
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
                Total = F("total"),
                FiscalAppropriation = F("fiscalAppropriation"),
                GeneralBudget = F("generalBudget"),
                GovernmentFund = F("governmentFund"),
                SpecialAccount = F("specialAccount"),
                StateCapital = F("stateCapital"),
                SocialSecurityFund = F("socialSecurityFund"),
                CarriedOver = F("carriedOver"),
                Other = F("other"),
                MidYearPlannedSpend = F("midYearPlannedSpend"),
                AnnualBudget = F("annualBudget") ?? throw new FormatException("funds 缺少 annualBudget"),
            },
        };
    }
}
