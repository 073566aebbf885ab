using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using RulesEngine.ExpressionBuilders;
using RulesEngine.Models;

namespace BudgetEvaluation.Core.Rules;

/// <summary>
/// Checks the expressions of a rules file against an allow-list before the file is stored or run: rule expressions are
/// code, and a file that comes from outside (an API upload) must not read the machine, leak its paths or hang the engine.
/// </summary>
/// <remarks>
/// RulesEngine's expression language rejects <c>System.IO.File</c> or <c>Process</c> by itself, but allows
/// <c>"".GetType().Assembly</c>, <c>Enumerable.Range(0, int.MaxValue)</c> and <c>DateTime.Now</c> (RULESENGINE.md,
/// "Expressions are code"). So every expression is parsed with RulesEngine's own parser and settings, against the
/// real input types, and the resulting expression tree is walked: only what a scoring rule needs is allowed —
/// the inputs and local params, properties of <see cref="ActualInput"/> and <see cref="RuleContext"/>, indexing
/// <c>actuals</c> and <c>context.Points</c>, arithmetic, comparisons, conditionals, text compared with <c>==</c> or
/// <c>!=</c>, constants, and <see cref="AllowedMathMethods"/>. Anything else is refused with its name.
/// Text limits are checked before parsing: the parser recurses on brackets and overflows the stack near 1 000 levels,
/// which would end the process rather than throw.
/// </remarks>
public static class RuleSafety
{
    /// <summary>Longest expression text accepted; the generated rules' longest is under 200 characters.</summary>
    public const int MaxExpressionLength = 2_000;

    /// <summary>Deepest bracket nesting accepted in an expression's text.</summary>
    public const int MaxBracketNesting = 32;

    /// <summary>Deepest parsed expression tree accepted; the generated rules' deepest is about 12.</summary>
    public const int MaxTreeDepth = 64;

    /// <summary>The only action RulesEngine may run: it evaluates an expression, which is checked like the others.</summary>
    public const string OutputExpressionAction = "OutputExpression";

    /// <summary>The <see cref="Math"/> methods expressions may call.</summary>
    public static readonly IReadOnlySet<string> AllowedMathMethods = new HashSet<string>(StringComparer.Ordinal)
    {
        nameof(Math.Min), nameof(Math.Max), nameof(Math.Abs), nameof(Math.Round), nameof(Math.Floor), nameof(Math.Ceiling),
    };

    private static readonly string AllowedList = string.Join("、", AllowedMathMethods.Select(m => $"Math.{m}"));

    private static readonly ReadOnlyMemory<Type> InputTypes = new[] { typeof(ActualInput[]), typeof(RuleContext) };

    /// <summary>
    /// RulesEngine's own parser with the settings <see cref="RuleSet"/> runs under; the input types are registered
    /// as RulesEngine's <c>AutoRegisterInputType</c> registers them when a workflow runs.
    /// </summary>
    private static readonly RuleExpressionParser Parser = CreateParser();

    /// <summary>
    /// Parse results by expression text and visible parameters: generated rules share their expression text across
    /// projects, so a folder of many projects parses a few dozen distinct expressions.
    /// </summary>
    private static readonly ConcurrentDictionary<string, Parsed> Cache = new(StringComparer.Ordinal);

    private const int CacheLimit = 50_000;

    /// <summary>Checks a rules file's JSON; returns every unsafe or unreadable expression (empty when the file is safe).</summary>
    public static List<RuleFailure> Check(string rulesJson, string fileName)
    {
        Workflow[] workflows;
        try
        {
            workflows = RulesFile.Workflows(rulesJson);
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return [new RuleFailure(fileName, "", "", $"无法读取规则文件：{ex.Message}")];
        }
        return Check(workflows, fileName);
    }

    /// <summary>Checks workflows as RulesEngine reads them.</summary>
    public static List<RuleFailure> Check(IEnumerable<Workflow> workflows, string fileName)
    {
        var failures = new List<RuleFailure>();
        foreach (var workflow in workflows)
        {
            if (workflow is null)
            {
                failures.Add(new RuleFailure(fileName, "", "", "工作流为空（null）"));
                continue;
            }
            var name = workflow.WorkflowName ?? "";
            void Fail(string rule, string message) => failures.Add(new RuleFailure(fileName, name, rule, message));

            if (workflow.WorkflowsToInject?.Any() == true)
                Fail("", "不允许引用其他工作流（WorkflowsToInject）：每个项目的规则只能使用本文件中的表达式");
            var scope = new List<ParameterExpression>
            {
                Expression.Parameter(typeof(ActualInput[]), RuleNames.ActualsInput),
                Expression.Parameter(typeof(RuleContext), RuleNames.ContextInput),
            };
            AddParams(workflow.GlobalParams, "全局参数", scope, message => Fail("", message));
            foreach (var rule in workflow.Rules ?? [])
                CheckRule(rule, scope, Fail);
        }
        return failures;
    }

    private static void CheckRule(Rule? rule, List<ParameterExpression> outerScope, Action<string, string> fail)
    {
        if (rule is null)
        {
            fail("", "规则为空（null）");
            return;
        }
        var name = rule.RuleName ?? "";
        void Fail(string message) => fail(name, message);
        if (rule.WorkflowsToInject?.Any() == true)
            Fail("不允许引用其他工作流（WorkflowsToInject）");
        var scope = new List<ParameterExpression>(outerScope);
        if (!AddParams(rule.LocalParams, "局部参数", scope, Fail))
            return; // later expressions use the param that did not parse; its error says enough
        if (!string.IsNullOrEmpty(rule.Expression))
            CheckExpression(rule.Expression, "规则表达式", scope, Fail);
        CheckAction(rule.Actions?.OnSuccess, "OnSuccess", scope, Fail);
        CheckAction(rule.Actions?.OnFailure, "OnFailure", scope, Fail);
        // Nested rules see their parent's local params.
        foreach (var child in rule.Rules ?? [])
            CheckRule(child, scope, fail);
    }

    /// <summary>Parses params in order, each seeing the ones before it; false when one could not be parsed.</summary>
    private static bool AddParams(IEnumerable<ScopedParam>? parameters, string what, List<ParameterExpression> scope, Action<string> fail)
    {
        foreach (var param in parameters ?? [])
        {
            var where = $"{what}“{param?.Name}”";
            if (param is null || string.IsNullOrWhiteSpace(param.Name) || param.Expression is null)
            {
                fail($"{where}缺少名称或表达式");
                return false;
            }
            var type = CheckExpression(param.Expression, where, scope, fail);
            if (type is null)
                return false;
            scope.RemoveAll(p => string.Equals(p.Name, param.Name, StringComparison.OrdinalIgnoreCase));
            scope.Add(Expression.Parameter(type, param.Name));
        }
        return true;
    }

    private static void CheckAction(ActionInfo? action, string trigger, List<ParameterExpression> scope, Action<string> fail)
    {
        if (action is null)
            return;
        if (action.Name != OutputExpressionAction)
        {
            fail($"{trigger} 动作“{action.Name}”不允许：只允许 {OutputExpressionAction} 动作");
            return;
        }
        var context = action.Context ?? [];
        var keys = context.Keys.ToList();
        if (keys.Count != 1 || !string.Equals(keys[0], "Expression", StringComparison.OrdinalIgnoreCase))
        {
            fail($"{trigger} 动作的 Context 应只有一项 Expression，实际为“{string.Join("、", keys)}”");
            return;
        }
        var expression = context[keys[0]] switch
        {
            string s => s,
            JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
            _ => null,
        };
        if (expression is null)
        {
            fail($"{trigger} 动作的 Expression 应为文本");
            return;
        }
        CheckExpression(expression, $"{trigger} 动作的输出表达式", scope, fail);
    }

    /// <summary>Checks one expression; returns its type when it parsed and is safe, else reports why and returns null.</summary>
    private static Type? CheckExpression(string text, string where, List<ParameterExpression> scope, Action<string> fail)
    {
        var shown = Shorten(text);
        if (text.Length > MaxExpressionLength)
        {
            fail($"{where}过长：{text.Length} 个字符，最多 {MaxExpressionLength} 个（{shown}）");
            return null;
        }
        if (BracketNesting(text) > MaxBracketNesting)
        {
            fail($"{where}括号嵌套超过 {MaxBracketNesting} 层（{shown}）");
            return null;
        }
        var parsed = Parse(text, scope);
        if (parsed.Error is not null)
        {
            fail($"{where}“{shown}”{parsed.Error}");
            return null;
        }
        return parsed.Type;
    }

    private sealed record Parsed(Type? Type, string? Error);

    private static Parsed Parse(string text, List<ParameterExpression> scope)
    {
        var key = string.Join("|", scope.Select(p => p.Name + ":" + p.Type.FullName)) + "\n" + text;
        if (Cache.TryGetValue(key, out var cached))
            return cached;
        Parsed result;
        try
        {
            var parameters = scope.ToArray();
            var expression = Parser.Parse(text, parameters, null);
            var body = expression is LambdaExpression lambda ? lambda.Body : expression;
            var violation = new Walker(parameters).Visit(body, 0);
            result = violation is null ? new Parsed(body.Type, null) : new Parsed(null, "不安全：" + violation);
        }
        // The parser reports bad text with several exception types (ParseException, InvalidOperationException,
        // ArgumentException, …); every one of them means the expression is refused.
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            result = new Parsed(null, Unparseable(text, ex.Message));
        }
        if (Cache.Count >= CacheLimit)
            Cache.Clear();
        Cache[key] = result;
        return result;
    }

    /// <summary>
    /// Why an expression did not parse. The expression language does not know <c>System.IO.File</c>, <c>Process</c>,
    /// <c>Environment</c>, <c>Activator</c>, <c>Assembly</c> or <c>Type</c>, so those arrive here as unknown names:
    /// they are named as refused, with what they would reach, rather than left as the parser's English message.
    /// </summary>
    private static string Unparseable(string text, string parserMessage)
    {
        var match = UnknownName.Match(parserMessage);
        if (!match.Success)
            return $"无法解析：{parserMessage}";
        var member = match.Groups["owner"].Success
            ? match.Groups["owner"].Value + "." + match.Groups["name"].Value
            : Chain(text, match.Groups["name"].Value);
        var segments = member.Split('.');
        var reason = RefusedNames.FirstOrDefault(r => segments.Any(r.Names.Contains)).Reason
            ?? (segments[0] == "System" ? "不允许访问 .NET 系统类型" : null);
        return reason is null
            ? $"无法解析：规则中没有“{member}”，只能使用 actual、actuals、context、局部参数、常量和 {AllowedList}（{parserMessage}）"
            : $"不安全：不允许使用 {member}：{reason}（{parserMessage}）";
    }

    /// <summary>The parser's messages for a name it does not know or will not give access to.</summary>
    private static readonly Regex UnknownName = new(
        @"^(Unknown identifier '(?<name>[^']+)'|Type '(?<name>[^']+)' not found|Method '(?<name>[^']+)' on type '(?<owner>[^']+)' is not accessible)",
        RegexOptions.CultureInvariant);

    /// <summary>The dotted name starting at <paramref name="name"/> in the text (<c>System.IO.File.Exists</c> for <c>System</c>).</summary>
    private static string Chain(string text, string name)
    {
        var match = Regex.Match(text, @"(?<![\w.])" + Regex.Escape(name) + @"(\s*\.\s*[A-Za-z_]\w*)*", RegexOptions.CultureInvariant);
        return match.Success ? Regex.Replace(match.Value, @"\s+", "") : name;
    }

    /// <summary>Names the expression language does not know but a hostile rule would try, by what they reach.</summary>
    private static readonly (HashSet<string> Names, string Reason)[] RefusedNames =
    [
        (["IO", "File", "Directory", "Path", "FileInfo", "DirectoryInfo", "Stream", "StreamReader", "StreamWriter"], "不允许读写文件或目录"),
        (["Process", "Diagnostics", "Environment", "AppDomain", "Activator", "Assembly", "AssemblyLoadContext", "Marshal", "GC", "Thread", "Task"],
            "不允许访问进程、环境、程序集加载或动态创建对象"),
        (["Type", "GetType", "Reflection", "GetMethods", "GetMethod", "GetProperty", "GetField", "Invoke", "DynamicInvoke", "MethodInfo", "Delegate"],
            "反射（读取类型、程序集或方法信息）不允许在规则中使用"),
        (["Net", "Http", "HttpClient", "WebClient", "Socket", "Dns"], "不允许访问网络"),
    ];

    /// <summary>The deepest nesting of (), [] and {} outside string literals.</summary>
    private static int BracketNesting(string text)
    {
        var depth = 0;
        var max = 0;
        char? quote = null;
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (quote is not null)
            {
                if (ch == '\\')
                    i++;
                else if (ch == quote)
                    quote = null;
                continue;
            }
            switch (ch)
            {
                case '"' or '\'':
                    quote = ch;
                    break;
                case '(' or '[' or '{':
                    max = Math.Max(max, ++depth);
                    break;
                case ')' or ']' or '}':
                    depth--;
                    break;
            }
        }
        return max;
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";

    private static RuleExpressionParser CreateParser()
    {
        var settings = RuleSet.Settings(1);
        settings.CustomTypes = [.. settings.CustomTypes ?? [], .. InputTypes.Span];
        return new RuleExpressionParser(settings);
    }

    /// <summary>Walks a parsed expression; returns the first construct that is not allowed, described for the user.</summary>
    private sealed class Walker(ParameterExpression[] parameters)
    {
        public string? Visit(Expression? e, int depth)
        {
            if (e is null)
                return null;
            if (depth > MaxTreeDepth)
                return $"表达式嵌套超过 {MaxTreeDepth} 层";
            var next = depth + 1;
            switch (e)
            {
                case ConstantExpression c:
                    return IsAllowedConstant(c) ? null : $"不允许使用“{TypeName(c.Type)}”类型的常量";
                case ParameterExpression p:
                    return Array.IndexOf(parameters, p) >= 0 ? null : $"不允许使用参数“{p.Name}”（lambda 参数）";
                case MemberExpression m:
                    return Member(m, next);
                case MethodCallExpression call:
                    return Call(call, next);
                case BinaryExpression b:
                    return Binary(b, next);
                case UnaryExpression u:
                    return Unary(u, next);
                case ConditionalExpression c:
                    return Visit(c.Test, next) ?? Visit(c.IfTrue, next) ?? Visit(c.IfFalse, next);
                case NewExpression or MemberInitExpression or ListInitExpression or NewArrayExpression:
                    return $"不允许用 new 创建对象（{TypeName(e.Type)}）";
                case LambdaExpression:
                    return "不允许使用 lambda 表达式（=>）：集合查询可能耗尽内存或 CPU";
                case TypeBinaryExpression:
                    return "不允许判断类型（is）：只允许读取实际值和评分上下文";
                default:
                    return $"不允许的表达式（{e.NodeType}）";
            }
        }

        private string? Member(MemberExpression m, int depth)
        {
            var member = m.Member;
            var owner = m.Expression?.Type ?? member.DeclaringType;
            var allowed = member switch
            {
                PropertyInfo p when m.Expression is not null && p.GetMethod is { IsPublic: true, IsStatic: false } && IsInputType(p.DeclaringType) => true,
                // The length of actuals or context.Points.
                PropertyInfo { Name: nameof(Array.Length) } when m.Expression is not null && IsInputArray(m.Expression.Type) => true,
                // A numeric constant such as int.MaxValue.
                FieldInfo { IsStatic: true, IsLiteral: true } field => IsScalar(field.FieldType),
                _ => false,
            };
            // Inner constructs first, so that "".GetType().Assembly names GetType, the root of the problem.
            if (Visit(m.Expression, depth) is { } inner)
                return inner;
            return allowed ? null : $"不允许访问 {TypeName(owner)}.{member.Name}：{Reason(member, owner)}";
        }

        private string? Call(MethodCallExpression call, int depth)
        {
            var method = call.Method;
            var owner = call.Object?.Type ?? method.DeclaringType;
            // The receiver first (an extension method's is its first argument), then the method, then its arguments:
            // Enumerable.Range(0, int.MaxValue).Count() names Range.
            var extension = call.Object is null && method.IsDefined(typeof(System.Runtime.CompilerServices.ExtensionAttribute), false);
            var receiver = call.Object ?? (extension ? call.Arguments[0] : null);
            if (Visit(receiver, depth) is { } inner)
                return inner;
            if (method.DeclaringType != typeof(Math) || !method.IsStatic || !AllowedMathMethods.Contains(method.Name))
                return $"不允许调用 {TypeName(owner)}.{method.Name}()：{Reason(method, owner)}";
            foreach (var argument in call.Arguments)
            {
                if (Visit(argument, depth) is { } violation)
                    return violation;
            }
            return null;
        }

        private string? Binary(BinaryExpression b, int depth)
        {
            switch (b.NodeType)
            {
                case ExpressionType.Add or ExpressionType.AddChecked or ExpressionType.Subtract or ExpressionType.SubtractChecked
                    or ExpressionType.Multiply or ExpressionType.MultiplyChecked or ExpressionType.Divide or ExpressionType.Modulo
                    or ExpressionType.Equal or ExpressionType.NotEqual or ExpressionType.LessThan or ExpressionType.LessThanOrEqual
                    or ExpressionType.GreaterThan or ExpressionType.GreaterThanOrEqual
                    or ExpressionType.AndAlso or ExpressionType.OrElse or ExpressionType.And or ExpressionType.Or or ExpressionType.ExclusiveOr:
                    if ((Visit(b.Left, depth) ?? Visit(b.Right, depth)) is { } inner)
                        return inner;
                    if (b.Method is { } op && !IsAllowedOperator(op))
                        return $"不允许使用运算符 {TypeName(op.DeclaringType)}.{op.Name}：只允许数值运算和文本的 == / != 比较";
                    return null;
                case ExpressionType.ArrayIndex:
                    if (!IsInputArray(b.Left.Type))
                        return $"不允许对 {TypeName(b.Left.Type)} 取下标：只允许 actuals[i] 和 context.Points[i]";
                    return Visit(b.Left, depth) ?? Visit(b.Right, depth);
                default:
                    return $"不允许的运算（{b.NodeType}）";
            }
        }

        private string? Unary(UnaryExpression u, int depth)
        {
            switch (u.NodeType)
            {
                case ExpressionType.Negate or ExpressionType.NegateChecked or ExpressionType.UnaryPlus or ExpressionType.Not:
                    if (u.Method is { } op && !IsAllowedOperator(op))
                        return $"不允许使用运算符 {TypeName(op.DeclaringType)}.{op.Name}";
                    break;
                case ExpressionType.Convert or ExpressionType.ConvertChecked:
                    // The parser converts numbers to a common type (int to double); no other conversion is needed.
                    if (!IsScalar(u.Operand.Type) || !IsScalar(u.Type) || (u.Method is { } conversion && !IsAllowedOperator(conversion)))
                        return $"不允许把 {TypeName(u.Operand.Type)} 转换为 {TypeName(u.Type)}";
                    break;
                case ExpressionType.ArrayLength:
                    if (!IsInputArray(u.Operand.Type))
                        return $"不允许取 {TypeName(u.Operand.Type)} 的长度";
                    break;
                default:
                    return $"不允许的运算（{u.NodeType}）";
            }
            return Visit(u.Operand, depth);
        }
    }

    private static bool IsInputType(Type? type) => type == typeof(ActualInput) || type == typeof(RuleContext);

    private static bool IsInputArray(Type type) => type == typeof(ActualInput[]) || type == typeof(double[]);

    private static bool IsScalar(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t == typeof(decimal);
    }

    private static bool IsAllowedConstant(ConstantExpression c) =>
        c.Value is null ? IsScalar(c.Type) || c.Type == typeof(string) || c.Type == typeof(object)
            : IsScalar(c.Type) || c.Type == typeof(string) || c.Type == typeof(MidpointRounding);

    /// <summary>Operator methods: decimal arithmetic and conversions, and string equality.</summary>
    private static bool IsAllowedOperator(MethodInfo op) =>
        (op.DeclaringType == typeof(decimal) && op.Name.StartsWith("op_", StringComparison.Ordinal))
        || (op.DeclaringType == typeof(string) && op.Name is "op_Equality" or "op_Inequality");

    /// <summary>Why a member is refused, by what it would give access to.</summary>
    private static string Reason(MemberInfo member, Type? owner)
    {
        var type = member.DeclaringType;
        var ns = type?.Namespace ?? "";
        var name = member.Name;
        if (type == typeof(Type) || typeof(MemberInfo).IsAssignableFrom(owner) || ns.StartsWith("System.Reflection", StringComparison.Ordinal)
            || name is "GetType" or "Assembly" or "Module" or "Location" or "DefinedTypes" or "GetMethods" or "GetMethod" or "Invoke" or "DynamicInvoke")
            return "反射（读取类型、程序集或方法信息）不允许在规则中使用";
        if (ns.StartsWith("System.IO", StringComparison.Ordinal))
            return "不允许读写文件或目录";
        if (ns.StartsWith("System.Diagnostics", StringComparison.Ordinal) || type == typeof(Environment) || type == typeof(AppDomain)
            || type == typeof(Activator) || ns.StartsWith("System.Runtime", StringComparison.Ordinal))
            return "不允许访问进程、环境、程序集加载或动态创建对象";
        if (((type == typeof(DateTime) || type == typeof(DateTimeOffset)) && name is "Now" or "UtcNow" or "Today")
            || type == typeof(Guid) || type == typeof(Random) || type == typeof(TimeProvider))
            return "结果随时间或随机变化，评分将无法复现";
        if (ns.StartsWith("System.Linq", StringComparison.Ordinal) || ns.StartsWith("System.Collections", StringComparison.Ordinal))
            return "不允许集合查询（LINQ）：可能耗尽内存或 CPU";
        if (type == typeof(string) || owner == typeof(string))
            return "不允许调用字符串方法：文本只能用 == 或 != 比较";
        if (type == typeof(Math))
            return $"数学函数只允许 {AllowedList}";
        return $"只允许读取实际值（actual）和评分上下文（context）的属性，以及调用 {AllowedList}";
    }

    private static string TypeName(Type? type) => type switch
    {
        null => "?",
        _ when type == typeof(string) => "string",
        _ when type == typeof(double) => "double",
        _ when type == typeof(int) => "int",
        _ when type == typeof(bool) => "bool",
        _ when type == typeof(object) => "object",
        { IsArray: true } => TypeName(type.GetElementType()) + "[]",
        { IsGenericType: true } => type.Name[..Math.Max(type.Name.IndexOf('`'), 0)] + "<" + string.Join(", ", type.GetGenericArguments().Select(TypeName)) + ">",
        _ => type.Name,
    };
}
