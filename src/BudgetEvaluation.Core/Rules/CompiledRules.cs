using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Text.Json;
using RulesEngine.ExpressionBuilders;
using RulesEngine.Models;

namespace BudgetEvaluation.Core.Rules;

/// <summary>Runs workflows by name: the RulesEngine workflow path (<see cref="RuleSet"/>) or <see cref="CompiledRules"/>.</summary>
public interface IRuleRunner
{
    bool Contains(string workflowName);

    /// <summary>Outcomes in rule order; <paramref name="actuals"/> holds one entry per rule, by position.</summary>
    ValueTask<RuleOutcome[]> RunAsync(string workflowName, ActualInput[] actuals, RuleContext context);
}

/// <summary>
/// The loaded workflows turned into delegates, for the hot path. Nothing is hand-written: every expression text of the
/// rules (local params, <c>Expression</c>, the <c>OutputExpression</c> actions) is parsed by RulesEngine's own parser
/// (System.Linq.Dynamic.Core with the engine's custom types), and a rule runs as RulesEngine runs it: local params in
/// order, then the expression, then the OnSuccess or OnFailure action. The rules JSON stays the single source of truth;
/// <see cref="RuleSet"/> stays the checked reference (CompiledRulesTests proves both give the same outcomes).
/// </summary>
/// <remarks>
/// <para>Rules that differ only in number literals share one compiled delegate. A local param whose whole text is a
/// <c>double</c> literal (<c>target</c> = <c>1800.0</c>) is read from a per-rule constant, so a rule's "shape" is its
/// texts with those literals blanked out; 100 000 generated projects have a few hundred shapes (one per rule position
/// and target form), each parsed and compiled once per process (about 1 ms), instead of 1.5 million rule compiles.</para>
/// <para>A workflow using what this class does not reproduce (global params, nested or disabled rules, another
/// expression type or action, duplicate rule names, a local param of a type that is not sealed) falls back to a
/// RulesEngine <see cref="RuleSet"/> and is listed in <see cref="Fallbacks"/>. An expression that does not parse fails
/// loudly when the set is built (<see cref="RuleCompileException"/>): RulesEngine would report it as a rule error.</para>
/// </remarks>
public sealed class CompiledRules : IRuleRunner
{
    private readonly Dictionary<string, CompiledWorkflow> _workflows;
    private readonly Dictionary<string, CompiledWorkflow>.AlternateLookup<ReadOnlySpan<char>> _workflowsBySpan;
    private readonly RuleSet? _fallback;

    private CompiledRules(Dictionary<string, CompiledWorkflow> workflows, RuleSet? fallback, List<(string, string)> fallbacks)
    {
        _workflows = workflows;
        _workflowsBySpan = workflows.GetAlternateLookup<ReadOnlySpan<char>>();
        _fallback = fallback;
        Fallbacks = fallbacks;
    }

    /// <summary>Workflows run through RulesEngine instead, with the reason (Chinese, for reports and logs).</summary>
    public IReadOnlyList<(string Workflow, string Reason)> Fallbacks { get; }

    /// <summary>Distinct rule shapes compiled in this process so far (for the benchmark).</summary>
    public static int ShapeCount => Shapes.Count;

    public static CompiledRules Compile(IEnumerable<Workflow> workflows)
    {
        var compiled = new Dictionary<string, CompiledWorkflow>(StringComparer.Ordinal);
        var fallbacks = new List<(string, string)>();
        var fallbackWorkflows = new List<Workflow>();
        foreach (var workflow in workflows)
        {
            if (Unsupported(workflow) is { } reason)
            {
                fallbacks.Add((workflow.WorkflowName, reason));
                fallbackWorkflows.Add(workflow);
                continue;
            }
            try
            {
                compiled[workflow.WorkflowName] = CompileWorkflow(workflow);
            }
            catch (UnsupportedRuleException ex)
            {
                fallbacks.Add((workflow.WorkflowName, ex.Message));
                fallbackWorkflows.Add(workflow);
            }
        }
        return new CompiledRules(compiled, fallbackWorkflows.Count > 0 ? new RuleSet(fallbackWorkflows) : null, fallbacks);
    }

    public bool Contains(string workflowName) => _workflows.ContainsKey(workflowName) || (_fallback?.Contains(workflowName) ?? false);

    /// <summary>The compiled workflow, or null when it is unknown or runs through the RulesEngine fallback.</summary>
    public CompiledWorkflow? Workflow(string workflowName) => _workflows.GetValueOrDefault(workflowName);

    /// <summary>The compiled workflow by a name written into a buffer: the Evaluator looks one up per project without building the name.</summary>
    public CompiledWorkflow? Workflow(ReadOnlySpan<char> workflowName) =>
        _workflowsBySpan.TryGetValue(workflowName, out var workflow) ? workflow : null;

    public ValueTask<RuleOutcome[]> RunAsync(string workflowName, ActualInput[] actuals, RuleContext context)
    {
        if (_workflows.TryGetValue(workflowName, out var workflow))
            return new ValueTask<RuleOutcome[]>(workflow.Evaluate(actuals, context));
        if (_fallback is not null && _fallback.Contains(workflowName))
        {
            // Evaluator runs projects in parallel; RulesEngine's compile-on-first-use is not meant to be raced.
            lock (_fallback)
                return new ValueTask<RuleOutcome[]>(_fallback.EvaluateAsync(workflowName, actuals, context).GetAwaiter().GetResult());
        }
        // As RulesEngine does for a workflow it does not hold: every rule fails with the reason.
        return new ValueTask<RuleOutcome[]>([new RuleOutcome("", false, 0, $"Workflow “{workflowName}” is not loaded")]);
    }

    // ---- compiling ----------------------------------------------------------------------------------------------

    /// <summary>The rule inputs, in the order RulesEngine passes them (sorted by name).</summary>
    private static readonly (string Name, Type Type)[] Inputs =
    [
        (RuleNames.ActualsInput, typeof(ActualInput[])),
        (RuleNames.ContextInput, typeof(RuleContext)),
    ];

    /// <summary>
    /// RulesEngine's parser with the settings RuleSet uses, and the custom types RulesEngine registers itself from the
    /// inputs (AutoRegisterInputType): the same texts mean the same thing on both paths.
    /// </summary>
    private static readonly RuleExpressionParser Parser = new(ParserSettings());

    private static ReSettings ParserSettings()
    {
        var settings = RuleSet.Settings(0);
        settings.CustomTypes = [.. settings.CustomTypes ?? [], typeof(ActualInput[]), typeof(ActualInput), typeof(RuleContext)];
        return settings;
    }

    /// <summary>Parsed texts, by parameter signature, return type and text: each distinct text is parsed once.</summary>
    private static readonly ConcurrentDictionary<(Signature, Type?, string), Lazy<Parsed>> ParseCache = new();

    /// <summary>
    /// The parameters a text is parsed with (inputs, then the rule's earlier locals), shared by every rule that declares
    /// the same locals so that looking a text up hashes the text, not the parameter list.
    /// </summary>
    private sealed class Signature((string Name, Type Type)[] parameters)
    {
        private readonly ConcurrentDictionary<(string, Type), Signature> _next = new();

        public static readonly Signature Inputs = new(CompiledRules.Inputs);

        public (string Name, Type Type)[] Parameters { get; } = parameters;

        // Looked up before GetOrAdd, whose factory closure would be allocated on every call (once per local of every rule).
        public Signature With(string name, Type type) =>
            _next.TryGetValue((name, type), out var next) ? next : _next.GetOrAdd((name, type), key => new Signature([.. Parameters, key]));
    }

    /// <summary>Compiled rule shapes, by shape key.</summary>
    private static readonly ConcurrentDictionary<string, Lazy<RuleBody>> Shapes = new(StringComparer.Ordinal);

    private static readonly ConcurrentDictionary<string, Lazy<RuleBody>>.AlternateLookup<ReadOnlySpan<char>> ShapesBySpan =
        Shapes.GetAlternateLookup<ReadOnlySpan<char>>();

    // A run compiles every rule of every project (1.5 million for a province): the shape key and the locals are built
    // in per-thread buffers, and become a string and an array only for a shape not seen yet.
    [ThreadStatic]
    private static System.Text.StringBuilder? _key;

    [ThreadStatic]
    private static List<Local>? _locals;

    [ThreadStatic]
    private static char[]? _keyChars;

    private sealed record Parsed(ParameterExpression[] Parameters, Expression? Body, string? Error)
    {
        /// <summary>The value when the whole text is a <c>double</c> literal, which is folded into a per-rule constant.</summary>
        public double? Literal => Body is ConstantExpression { Value: double d } && Body.Type == typeof(double) ? d : null;
    }

    private static string? Unsupported(Workflow workflow)
    {
        if (workflow.GlobalParams?.Any() == true)
            return "工作流使用 GlobalParams";
        if (workflow.RuleExpressionType != RuleExpressionType.LambdaExpression)
            return $"工作流表达式类型为 {workflow.RuleExpressionType}";
        if (workflow.WorkflowsToInject?.Any() == true)
            return "工作流使用 WorkflowsToInject";
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rule in workflow.Rules ?? [])
        {
            if (!rule.Enabled)
                return $"规则“{rule.RuleName}”已停用（Enabled = false）";
            if (rule.Rules?.Any() == true || !string.IsNullOrEmpty(rule.Operator))
                return $"规则“{rule.RuleName}”含嵌套规则";
            if (rule.RuleExpressionType != RuleExpressionType.LambdaExpression)
                return $"规则“{rule.RuleName}”表达式类型为 {rule.RuleExpressionType}";
            if (!names.Add(rule.RuleName ?? ""))
                return $"规则名“{rule.RuleName}”重复";
            foreach (var action in new[] { rule.Actions?.OnSuccess, rule.Actions?.OnFailure })
            {
                if (action is not null && action.Name != "OutputExpression")
                    return $"规则“{rule.RuleName}”使用动作 {action.Name}";
            }
        }
        return null;
    }

    private sealed class UnsupportedRuleException(string message) : Exception(message);

    private static CompiledWorkflow CompileWorkflow(Workflow workflow)
    {
        var rules = (workflow.Rules ?? []).ToArray();
        var compiled = new CompiledRule[rules.Length];
        var constants = new List<double>();
        for (var i = 0; i < rules.Length; i++)
            compiled[i] = CompileRule(workflow.WorkflowName, rules[i], constants);
        return new CompiledWorkflow(workflow.WorkflowName, compiled, constants.ToArray());
    }

    private static CompiledRule CompileRule(string workflowName, Rule rule, List<double> constants)
    {
        var texts = _texts ??= new RuleTexts();
        var success = ActionText(rule.Actions?.OnSuccess);
        var failure = ActionText(rule.Actions?.OnFailure);
        texts.Fill(rule, success, failure);
        var memos = _memos ??= new Dictionary<RuleTexts, Memo>();
        if (memos.TryGetValue(texts, out var memo))
        {
            var at = constants.Count;
            for (var i = 0; i < memo.Literals.Length; i++)
            {
                // A decimal literal is this rule's own target; any other literal is part of the shared texts.
                if (memo.Literals[i] is { } literal)
                    constants.Add(double.IsNaN(texts.Decimals[i]) ? literal : texts.Decimals[i]);
            }
            return new CompiledRule(rule.RuleName, memo.Shape, at);
        }
        var compiled = CompileRule(workflowName, rule, constants, success, failure, out var literals);
        if (memos.Count >= MemoLimit)
            memos.Clear();
        memos[texts.Copy()] = new Memo(compiled.Body, literals);
        return compiled;
    }

    // ---- compiling a rule seen before ---------------------------------------------------------------------------

    /// <summary>
    /// Compiled rules of this thread by the identity of their texts. A province's rules repeat a few dozen shapes whose
    /// texts are shared instances (<see cref="LeanWorkflows"/>): a rule whose texts are the same objects as one compiled
    /// before compiles to the same delegate, and only its targets (decimal literals) are read. Texts that are equal but
    /// not the same objects just take the full path.
    /// </summary>
    [ThreadStatic]
    private static Dictionary<RuleTexts, Memo>? _memos;

    [ThreadStatic]
    private static RuleTexts? _texts;

    private const int MemoLimit = 4096;

    /// <param name="Literals">Per local: its constant when it has one (for a decimal literal, the first rule's), else null.</param>
    private sealed record Memo(RuleBody Shape, double?[] Literals);

    /// <summary>A rule's texts as references (a decimal literal as a marker, its value kept aside), compared by identity.</summary>
    private sealed class RuleTexts : IEquatable<RuleTexts>
    {
        private static readonly string DecimalMarker = new('#', 1);

        private string?[] _items = new string?[16];
        private int _count;
        private int _hash;

        /// <summary>The decimal literals' values, by local (NaN for the others).</summary>
        public double[] Decimals { get; private set; } = new double[8];

        public void Fill(Rule rule, string? success, string? failure)
        {
            var locals = rule.LocalParams as IList<ScopedParam> ?? rule.LocalParams?.ToList() ?? [];
            _count = 0;
            if (_items.Length < 3 + 2 * locals.Count)
                _items = new string?[3 + 2 * locals.Count];
            if (Decimals.Length < locals.Count)
                Decimals = new double[locals.Count];
            Add(rule.Expression);
            Add(success);
            Add(failure);
            for (var i = 0; i < locals.Count; i++)
            {
                var value = DecimalLiteral(locals[i].Expression);
                Decimals[i] = value ?? double.NaN;
                Add(locals[i].Name);
                Add(value is null ? locals[i].Expression : DecimalMarker);
            }
            var hash = new HashCode();
            for (var i = 0; i < _count; i++)
                hash.Add(_items[i] is null ? 0 : System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(_items[i]!));
            _hash = hash.ToHashCode();
        }

        private void Add(string? text) => _items[_count++] = text;

        public RuleTexts Copy() => new() { _items = _items[.._count], _count = _count, _hash = _hash };

        public bool Equals(RuleTexts? other)
        {
            if (other is null || other._count != _count || other._hash != _hash)
                return false;
            for (var i = 0; i < _count; i++)
            {
                if (!ReferenceEquals(_items[i], other._items[i]))
                    return false;
            }
            return true;
        }

        public override bool Equals(object? obj) => Equals(obj as RuleTexts);

        public override int GetHashCode() => _hash;
    }

    // ---- compiling a rule ---------------------------------------------------------------------------------------

    private static CompiledRule CompileRule(string workflowName, Rule rule, List<double> constants, string? success, string? failure, out double?[] literals)
    {
        var offset = constants.Count;
        var parameters = Signature.Inputs;
        var locals = _locals ??= [];
        locals.Clear();
        var key = _key ??= new System.Text.StringBuilder();
        key.Clear();
        foreach (var local in rule.LocalParams ?? [])
        {
            if (DecimalLiteral(local.Expression) is { } number)
            {
                // A target or share written as a number: what the parser would make of it, without running the parser.
                constants.Add(number);
                locals.Add(new Local(local.Name, typeof(double), null, constants.Count - 1 - offset));
                key.Append(local.Name).Append("=#;");
                parameters = parameters.With(local.Name, typeof(double));
                continue;
            }
            var parsed = Parse(workflowName, rule, parameters, null, local.Expression, "局部参数", local.Name);
            var type = parsed.Body!.Type;
            // RulesEngine types an action's inputs by their runtime values: equal to the static type only when sealed.
            if (!type.IsValueType && !type.IsSealed && !type.IsArray)
                throw new UnsupportedRuleException($"规则“{rule.RuleName}”的局部参数 {local.Name} 类型 {type.Name} 不是密封类型");
            if (parsed.Literal is { } literal)
            {
                constants.Add(literal);
                locals.Add(new Local(local.Name, type, null, constants.Count - 1 - offset));
                key.Append(local.Name).Append("=#;");
            }
            else
            {
                locals.Add(new Local(local.Name, type, parsed, -1));
                key.Append(local.Name).Append('=').Append(local.Expression).Append(';');
            }
            parameters = parameters.With(local.Name, type);
        }
        literals = locals.Select(l => l.Text is null ? constants[offset + l.Constant] : (double?)null).ToArray();
        // Parse now (cached) so that a bad text fails here, naming its rule, whether or not the shape is compiled yet.
        var expression = Parse(workflowName, rule, parameters, typeof(bool), rule.Expression, "Expression");
        var onSuccess = success is null ? null : Parse(workflowName, rule, parameters, null, success, "OnSuccess");
        var onFailure = failure is null ? null : Parse(workflowName, rule, parameters, null, failure, "OnFailure");
        key.Append('|').Append(rule.Expression).Append('|').Append(success ?? "\0").Append('|').Append(failure ?? "\0");
        var keyChars = _keyChars is { } buffer && buffer.Length >= key.Length ? buffer : _keyChars = new char[Math.Max(256, key.Length * 2)];
        key.CopyTo(0, keyChars, key.Length);
        if (!ShapesBySpan.TryGetValue(keyChars.AsSpan(0, key.Length), out var shape))
            shape = AddShape(key.ToString(), locals.ToArray(), expression, onSuccess, onFailure);
        return new CompiledRule(rule.RuleName, shape.Value, offset);
    }

    /// <summary>A new shape, compiled on first use (in a method of its own so that its closures are allocated only here).</summary>
    private static Lazy<RuleBody> AddShape(string key, Local[] locals, Parsed expression, Parsed? onSuccess, Parsed? onFailure) =>
        Shapes.GetOrAdd(key, _ => new Lazy<RuleBody>(() => CompileShape(locals, expression, onSuccess, onFailure)));

    /// <summary>A local param: parsed text, or (when <see cref="Text"/> is null) the index of its folded literal.</summary>
    private readonly record struct Local(string Name, Type Type, Parsed? Text, int Constant);

    /// <summary>The OutputExpression text of an action, read as RulesEngine's ActionContext reads it.</summary>
    private static string? ActionText(ActionInfo? action)
    {
        if (action?.Context is null)
            return null;
        // The key as RuleGenerator writes it first: the case-insensitive scan is for hand-written files.
        if (!action.Context.TryGetValue("Expression", out var value))
            value = action.Context.FirstOrDefault(kv => string.Equals(kv.Key, "expression", StringComparison.OrdinalIgnoreCase)).Value;
        return value switch
        {
            null => null,
            string s => s,
            JsonElement e => e.ToString(),
            _ => JsonSerializer.Serialize(value),
        };
    }

    /// <summary>
    /// The value of a text that is only digits, a point and digits (<c>1800.0</c>, <c>0.7</c>): the parser reads such a
    /// real literal as a <c>double</c> with invariant culture, so it is read so here without parsing it (100 000
    /// projects have tens of thousands of distinct targets). Null for anything else, which goes through the parser;
    /// and null altogether if the parser, asked once, does not read <c>1.5</c> as the double 1.5.
    /// </summary>
    internal static double? DecimalLiteral(string? text)
    {
        if (text is null || text.Length is 0 or > 32 || !LiteralsMatchParser.Value)
            return null;
        var point = -1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '.' && point < 0 && i > 0)
                point = i;
            else if (c is < '0' or > '9')
                return null;
        }
        if (point < 0 || point == text.Length - 1)
            return null;
        return double.Parse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static readonly Lazy<bool> LiteralsMatchParser = new(() =>
    {
        try
        {
            return Parser.Parse("1.5", [], null) is ConstantExpression { Value: double d } constant && constant.Type == typeof(double) && d == 1.5;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return false;
        }
    });

    private static Parsed Parse(string workflowName, Rule rule, Signature parameters, Type? returnType, string? text, string what, string? name = null)
    {
        // Looked up before GetOrAdd: the factory's closures, in a method of their own, are allocated only for a new text.
        var parsed = (ParseCache.TryGetValue((parameters, returnType, text ?? ""), out var cached) ? cached : AddParse(parameters, returnType, text)).Value;
        if (parsed.Error is not null || parsed.Body is null)
            throw new RuleCompileException(workflowName, rule.RuleName, name is null ? what : $"{what} {name}", text ?? "", parsed.Error ?? "空表达式");
        return parsed;
    }

    private static Lazy<Parsed> AddParse(Signature parameters, Type? returnType, string? text) =>
        ParseCache.GetOrAdd((parameters, returnType, text ?? ""), _ => new Lazy<Parsed>(() =>
        {
            var expressions = parameters.Parameters.Select(p => Expression.Parameter(p.Type, p.Name)).ToArray();
            try
            {
                return new Parsed(expressions, Parser.Parse(text, expressions, returnType), null);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                return new Parsed(expressions, null, ex.Message);
            }
        }));

    /// <summary>
    /// One delegate for a rule shape: <c>try { locals; met = expression; output = met ? onSuccess : onFailure }
    /// catch { the stage that failed }</c>, the stages reported as RulesEngine reports them.
    /// </summary>
    private static RuleBody CompileShape(Local[] locals, Parsed expression, Parsed? onSuccess, Parsed? onFailure)
    {
        var actuals = Expression.Parameter(typeof(ActualInput[]), RuleNames.ActualsInput);
        var context = Expression.Parameter(typeof(RuleContext), RuleNames.ContextInput);
        var constants = Expression.Parameter(typeof(double[]), "constants");
        var offset = Expression.Parameter(typeof(int), "offset");
        var stage = Expression.Variable(typeof(int), "stage");
        var met = Expression.Variable(typeof(bool), "met");
        var scope = new List<ParameterExpression> { actuals, context };
        var body = new List<Expression> { Expression.Assign(stage, Expression.Constant(RuleValue.LocalsStage)) };
        foreach (var local in locals)
        {
            var variable = Expression.Variable(local.Type, local.Name);
            Expression value = local.Text is null
                ? Expression.ArrayIndex(constants, Expression.Add(offset, Expression.Constant(local.Constant)))
                : Bind(local.Text, scope);
            body.Add(Expression.Assign(variable, value));
            scope.Add(variable);
        }
        body.Add(Expression.Assign(stage, Expression.Constant(RuleValue.ExpressionStage)));
        body.Add(Expression.Assign(met, Bind(expression, scope)));
        body.Add(Expression.Assign(stage, Expression.Constant(RuleValue.ActionStage)));
        var output = Expression.Condition(met, Output(onSuccess, scope), Output(onFailure, scope));
        body.Add(Expression.New(typeof(RuleValue).GetConstructor([typeof(bool), typeof(double)])!, met, output));
        var exception = Expression.Parameter(typeof(Exception), "exception");
        var guarded = Expression.TryCatch(
            Expression.Block(typeof(RuleValue), scope.Skip(2), body),
            Expression.Catch(exception, Expression.Call(typeof(RuleValue).GetMethod(nameof(RuleValue.Failed))!, stage, met, exception)));
        var lambda = Expression.Lambda<RuleBody>(Expression.Block(typeof(RuleValue), [stage, met], guarded), actuals, context, constants, offset);
        return lambda.Compile();
    }

    /// <summary>An action's value as a double, converted as <see cref="RuleSet"/> converts RulesEngine's boxed output.</summary>
    private static Expression Output(Parsed? action, List<ParameterExpression> scope)
    {
        if (action is null)
            return Expression.Constant(double.NaN); // no action: RulesEngine's output is null, not a number
        var value = Bind(action, scope);
        return value.Type == typeof(double)
            ? value
            : Expression.Call(typeof(RuleSet).GetMethod(nameof(RuleSet.OutputNumber))!, Expression.Convert(value, typeof(object)));
    }

    /// <summary>A parsed text with its parameters replaced by the shape's inputs and locals of the same position.</summary>
    private static Expression Bind(Parsed parsed, List<ParameterExpression> scope)
    {
        var map = new Dictionary<ParameterExpression, Expression>();
        for (var i = 0; i < parsed.Parameters.Length; i++)
            map[parsed.Parameters[i]] = scope[i];
        return new Rebinder(map).Visit(parsed.Body!);
    }

    private sealed class Rebinder(Dictionary<ParameterExpression, Expression> map) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => map.GetValueOrDefault(node, node);
    }
}

/// <summary>A compiled rule shape: inputs, the per-rule constants and where this rule's start.</summary>
public delegate RuleValue RuleBody(ActualInput[] actuals, RuleContext context, double[] constants, int offset);

/// <summary>What a compiled rule computed, or where it failed.</summary>
public readonly struct RuleValue
{
    public const int LocalsStage = 0;
    public const int ExpressionStage = 1;
    public const int ActionStage = 2;

    public RuleValue(bool met, double output)
    {
        Met = met;
        Output = output;
    }

    public bool Met { get; }
    public double Output { get; }
    public Exception? Error { get; private init; }
    /// <summary>The stage that threw: local params, expression or action.</summary>
    public int FailedStage { get; private init; }

    public static RuleValue Failed(int stage, bool met, Exception error) =>
        new(stage == ActionStage && met, 0) { Error = error, FailedStage = stage };
}

internal readonly record struct CompiledRule(string Name, RuleBody Body, int Offset);

/// <summary>One workflow's rules as delegates, in workflow order.</summary>
public sealed class CompiledWorkflow
{
    private readonly CompiledRule[] _rules;
    private readonly double[] _constants;

    internal CompiledWorkflow(string name, CompiledRule[] rules, double[] constants)
    {
        Name = name;
        _rules = rules;
        _constants = constants;
    }

    public string Name { get; }

    public int Count => _rules.Length;

    /// <summary>The name of the rule at a position (the indicator path, for generated rules).</summary>
    public string RuleName(int index) => _rules[index].Name;

    /// <summary>Runs every rule into <paramref name="results"/> without allocating: the hot loop of the benchmark.</summary>
    public void Evaluate(ActualInput[] actuals, RuleContext context, Span<RuleValue> results)
    {
        for (var i = 0; i < _rules.Length; i++)
            results[i] = _rules[i].Body(actuals, context, _constants, _rules[i].Offset);
    }

    /// <summary>Runs every rule; outcomes as <see cref="RuleSet.EvaluateAsync"/> reports them.</summary>
    public RuleOutcome[] Evaluate(ActualInput[] actuals, RuleContext context)
    {
        var outcomes = new RuleOutcome[_rules.Length];
        for (var i = 0; i < _rules.Length; i++)
        {
            var rule = _rules[i];
            outcomes[i] = Outcome(rule.Name, rule.Body(actuals, context, _constants, rule.Offset));
        }
        return outcomes;
    }

    /// <summary>A rule's value as <see cref="Evaluate(ActualInput[], RuleContext)"/> reports it: errors and non-finite outputs score 0 with a reason.</summary>
    internal static RuleOutcome Outcome(string name, RuleValue value)
    {
        if (value.Error is { } error)
        {
            return value.FailedStage == RuleValue.ActionStage
                ? new RuleOutcome(name, value.Met, 0, $"动作表达式出错：{error.Message}")
                : new RuleOutcome(name, false, 0, $"规则“{name}”执行出错：{error.Message}");
        }
        if (!double.IsFinite(value.Output))
            return new RuleOutcome(name, value.Met, 0, $"动作输出不是有限数值（{(double.IsNaN(value.Output) ? "空" : value.Output)}）");
        return new RuleOutcome(name, value.Met, value.Output, null);
    }
}

/// <summary>A rule text that RulesEngine's expression language does not accept: named with its workflow, rule and field.</summary>
public sealed class RuleCompileException(string workflow, string rule, string field, string text, string reason)
    : Exception($"工作流“{workflow}”规则“{rule}”的 {field} 表达式“{text}”无法解析：{reason}")
{
    public string Workflow { get; } = workflow;
    public string Rule { get; } = rule;
    public string Field { get; } = field;
    public string Text { get; } = text;
}
