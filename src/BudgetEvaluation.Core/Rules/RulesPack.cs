using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Text;
using BudgetEvaluation.Core.Targets;
using RulesEngine.Models;

namespace BudgetEvaluation.Core.Rules;

/// <summary>
/// A rules file packed for loading: the same <see cref="RulesProject"/> (target table and workflows) in a compact
/// binary form, each text once, read about ten times faster than the JSON. Derived data only: the JSON text stays the
/// rules' source of truth; tests prove that unpacking gives back exactly what parsing the JSON gives (seed and generated files).
/// </summary>
/// <remarks>
/// <para>Why: a year-end run of a province loads 100 000 rules files of about 45 000 characters each; parsing them
/// (two JSON passes and a SHA-256 per file, ~0.5 ms) cost more than scoring. The pack holds what the JSON holds
/// without formatting, property names or repeated expression texts (typically a fifth of the size).</para>
/// <para>Layout (version 1, little-endian, counts and string references 7-bit encoded): magic <c>BEPK</c>, version;
/// the string table (UTF-8); the project (year, texts, funds); the indicators (names, target texts, weight,
/// tolerance); the workflows (name; per rule its name, expression, success event, error message, enabled, properties,
/// local params and actions). A string reference is index + 1, 0 for null. Free-form values (properties, action
/// context) are tagged: null, string, number (double), true, false, list, object — what <see cref="LeanWorkflows"/>
/// reads JSON values as. Anything else RulesEngine allows (global params, nested rules, injected workflows, other
/// expression types) is not packed: such files load from their JSON.</para>
/// </remarks>
public static class RulesPack
{
    private static ReadOnlySpan<byte> Magic => "BEPK"u8;
    private const byte FormatVersion = 1;

    /// <summary>
    /// The packed form of a parsed rules file, or null when the file uses what the pack does not carry (then loaders
    /// parse the JSON).
    /// </summary>
    public static byte[]? Pack(RulesProject project)
    {
        byte[] packed;
        try
        {
            packed = new Packer().Pack(project);
        }
        catch (NotPackableException)
        {
            return null;
        }
        // The packer carries every property of the types it writes (RulesPackTests checks the list against
        // RulesEngine's) and refuses what it does not; reading the pack back and packing it again must give the
        // same bytes, so a pack is never stored that would load differently.
        var again = new Packer().Pack(Unpack(packed, project.Source, project.Fingerprint));
        return again.AsSpan().SequenceEqual(packed) ? packed : null;
    }

    /// <summary>The first bytes of every pack of this format version: magic and version.</summary>
    public static byte[] Header => [.. Magic, FormatVersion];

    /// <summary>True when a pack has this version's header (an older or newer format is ignored and the JSON read).</summary>
    public static bool IsCurrent(ReadOnlySpan<byte> packed) =>
        packed.Length > Magic.Length && packed[..Magic.Length].SequenceEqual(Magic) && packed[Magic.Length] == FormatVersion;

    /// <summary>Reads a pack written by <see cref="Pack"/>.</summary>
    /// <param name="fingerprint">The rules file's SHA-256 (hex) as stored beside it: <see cref="RulesProject.Fingerprint"/>.</param>
    /// <param name="period">
    /// When given, only that period's workflow is built and the project holds no other: a run scores one period, and
    /// the other workflow's rules, properties and actions were a third of what a 100 000-project run allocated.
    /// </param>
    /// <exception cref="FormatException">The bytes are not a current pack (truncated, another version).</exception>
    public static RulesProject Unpack(ReadOnlySpan<byte> packed, string source, string fingerprint, Period? period = null)
    {
        if (!IsCurrent(packed))
            throw new FormatException("不是当前版本的规则包");
        var reader = new Reader(packed[(Magic.Length + 1)..]);
        try
        {
            return reader.ReadProject(source, fingerprint, period);
        }
        catch (Exception ex) when (ex is ArgumentOutOfRangeException or IndexOutOfRangeException or InvalidOperationException)
        {
            throw new FormatException("规则包已损坏", ex);
        }
    }

    private sealed class NotPackableException : Exception;

    private enum Tag : byte
    {
        Null,
        String,
        Number,
        True,
        False,
        List,
        Object,
    }

    // ---- writing ------------------------------------------------------------------------------------------------

    private sealed class Packer
    {
        private readonly Dictionary<string, int> _strings = new(StringComparer.Ordinal);
        private readonly MemoryStream _body = new();
        private readonly BinaryWriter _writer;

        public Packer() => _writer = new BinaryWriter(_body, Encoding.UTF8);

        public byte[] Pack(RulesProject rules)
        {
            var p = rules.Project;
            _writer.Write7BitEncodedInt(p.Year);
            foreach (var text in new[] { p.Name, p.Department, p.ImplementingUnit, p.ProjectType, p.GovernmentLevel, p.StartYear, p.EndYear,
                         p.Contact, p.Necessity, p.Feasibility, p.Content, p.LongTermGoal, p.AnnualGoal })
                String(text);
            var f = p.Funds;
            foreach (var amount in new[] { f.Total, f.FiscalAppropriation, f.GeneralBudget, f.GovernmentFund, f.SpecialAccount, f.StateCapital,
                         f.SocialSecurityFund, f.CarriedOver, f.Other, f.MidYearPlannedSpend })
                Amount(amount);
            Amount(f.AnnualBudget);
            _writer.Write7BitEncodedInt(rules.Table.Indicators.Count);
            foreach (var i in rules.Table.Indicators)
            {
                String(i.Category);
                String(i.Subcategory);
                String(i.Name);
                String(i.MidYearTarget.Text);
                String(i.YearEndTarget.Text);
                Amount(i.Weight);
                Amount(i.Tolerance);
            }
            _writer.Write7BitEncodedInt(rules.Workflows.Count);
            foreach (var workflow in rules.Workflows)
                Workflow(workflow);
            _writer.Flush();

            using var packed = new MemoryStream();
            var header = new BinaryWriter(packed, Encoding.UTF8);
            header.Write(Magic);
            header.Write(FormatVersion);
            var table = new string[_strings.Count];
            foreach (var (text, index) in _strings)
                table[index] = text;
            header.Write7BitEncodedInt(table.Length);
            foreach (var text in table)
            {
                header.Write7BitEncodedInt(Encoding.UTF8.GetByteCount(text));
                header.Write(Encoding.UTF8.GetBytes(text));
            }
            header.Write(_body.GetBuffer(), 0, (int)_body.Length);
            header.Flush();
            return packed.ToArray();
        }

        private void Workflow(Workflow workflow)
        {
            if (workflow.GlobalParams is not null || workflow.WorkflowsToInject is not null
                || workflow.RuleExpressionType != RuleExpressionType.LambdaExpression)
                throw new NotPackableException();
            String(workflow.WorkflowName);
            var rules = workflow.Rules?.ToList() ?? throw new NotPackableException();
            _writer.Write7BitEncodedInt(rules.Count);
            foreach (var rule in rules)
                Rule(rule);
        }

        private void Rule(Rule rule)
        {
            if (rule.Operator is not null || rule.Rules is not null || rule.WorkflowsToInject is not null
                || rule.RuleExpressionType != RuleExpressionType.LambdaExpression)
                throw new NotPackableException();
            String(rule.RuleName);
            String(rule.Expression);
            String(rule.SuccessEvent);
            String(rule.ErrorMessage);
            _writer.Write(rule.Enabled);
            Value(rule.Properties);
            if (rule.LocalParams is null)
                _writer.Write7BitEncodedInt(0);
            else
            {
                var locals = rule.LocalParams.ToList();
                _writer.Write7BitEncodedInt(locals.Count + 1);
                foreach (var local in locals)
                {
                    String(local.Name);
                    String(local.Expression);
                }
            }
            var actions = rule.Actions;
            _writer.Write((byte)((actions is null ? 0 : 1) | (actions?.OnSuccess is null ? 0 : 2) | (actions?.OnFailure is null ? 0 : 4)));
            Action(actions?.OnSuccess);
            Action(actions?.OnFailure);
        }

        private void Action(ActionInfo? action)
        {
            if (action is null)
                return;
            String(action.Name);
            Value(action.Context);
        }

        private void Value(object? value)
        {
            switch (value)
            {
                case null:
                    _writer.Write((byte)Tag.Null);
                    break;
                case string text:
                    _writer.Write((byte)Tag.String);
                    String(text);
                    break;
                case double number:
                    _writer.Write((byte)Tag.Number);
                    _writer.Write(number);
                    break;
                case bool flag:
                    _writer.Write((byte)(flag ? Tag.True : Tag.False));
                    break;
                case List<object?> list:
                    _writer.Write((byte)Tag.List);
                    _writer.Write7BitEncodedInt(list.Count);
                    foreach (var item in list)
                        Value(item);
                    break;
                case IDictionary<string, object?> dictionary:
                    _writer.Write((byte)Tag.Object);
                    _writer.Write7BitEncodedInt(dictionary.Count);
                    foreach (var (key, item) in dictionary)
                    {
                        String(key);
                        Value(item);
                    }
                    break;
                default:
                    // A JsonElement or another type: read from the JSON instead.
                    throw new NotPackableException();
            }
        }

        private void String(string? text)
        {
            if (text is null)
            {
                _writer.Write7BitEncodedInt(0);
                return;
            }
            if (!_strings.TryGetValue(text, out var index))
            {
                index = _strings.Count;
                _strings.Add(text, index);
            }
            _writer.Write7BitEncodedInt(index + 1);
        }

        private void Amount(decimal? amount)
        {
            if (amount is not { } value)
            {
                _writer.Write(false);
                return;
            }
            _writer.Write(true);
            _writer.Write(value);
        }
    }

    // ---- reading ------------------------------------------------------------------------------------------------

    /// <summary>Targets by text: a target's meaning depends on its text alone, and a province repeats the same few thousand.</summary>
    private static readonly ConcurrentDictionary<string, Target> Targets = new(StringComparer.Ordinal);

    private const int TargetsLimit = 100_000;

    private static Target TargetOf(string text, Project project, string indicator)
    {
        if (Targets.TryGetValue(text, out var target))
            return target;
        target = TargetNotation.Parse(text, $"项目“{project.Name}”指标“{indicator}”");
        // Counted here, not by Targets.Count, which takes every lock of the dictionary (see LeanWorkflows.Pooled).
        if (Volatile.Read(ref _targets) < TargetsLimit && Targets.TryAdd(text, target))
            Interlocked.Increment(ref _targets);
        return target;
    }

    private static int _targets;

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _at;
        private string[] _strings = [];

        public RulesProject ReadProject(string source, string fingerprint, Period? period)
        {
            var count = Int();
            _strings = new string[count];
            for (var i = 0; i < count; i++)
            {
                var length = Int();
                _strings[i] = LeanWorkflows.Pooled(_data.Slice(_at, length));
                _at += length;
            }
            var year = Int();
            var project = new Project
            {
                Year = year,
                Name = String() ?? "",
                Department = String() ?? "",
                ImplementingUnit = String() ?? "",
                ProjectType = String() ?? "",
                GovernmentLevel = String() ?? "",
                StartYear = String() ?? "",
                EndYear = String() ?? "",
                Contact = String() ?? "",
                Necessity = String() ?? "",
                Feasibility = String() ?? "",
                Content = String() ?? "",
                LongTermGoal = String() ?? "",
                AnnualGoal = String() ?? "",
                Funds = new Funds
                {
                    Total = Amount(),
                    FiscalAppropriation = Amount(),
                    GeneralBudget = Amount(),
                    GovernmentFund = Amount(),
                    SpecialAccount = Amount(),
                    StateCapital = Amount(),
                    SocialSecurityFund = Amount(),
                    CarriedOver = Amount(),
                    Other = Amount(),
                    MidYearPlannedSpend = Amount(),
                    AnnualBudget = Amount() ?? throw new FormatException("规则包缺少全年预算数"),
                },
            };
            var indicators = new Indicator[Int()];
            for (var i = 0; i < indicators.Length; i++)
            {
                var category = String()!;
                var subcategory = String()!;
                var name = String()!;
                var mid = TargetOf(String()!, project, name);
                var full = TargetOf(String()!, project, name);
                indicators[i] = new Indicator(category, subcategory, name, mid, full, Amount(), Amount());
            }
            var workflowCount = Int();
            var wanted = period is { } only ? RuleNames.Workflow(project.Year, project.Department, project.Name, only) : null;
            var workflows = new List<Workflow>(wanted is null ? workflowCount : 1);
            for (var w = 0; w < workflowCount; w++)
            {
                var name = String();
                if (wanted is null || name == wanted)
                    workflows.Add(Workflow(name));
                else
                    SkipWorkflow();
            }
            if (_at != _data.Length)
                throw new FormatException("规则包末尾有多余数据");
            return new RulesProject(new TargetTable(project, indicators), workflows, source) { Fingerprint = fingerprint.ToUpperInvariant() };
        }

        private Workflow Workflow(string? name)
        {
            var rules = new List<Rule>(Int());
            for (var i = rules.Capacity; i > 0; i--)
                rules.Add(Rule());
            return new Workflow { WorkflowName = name, Rules = rules };
        }

        private Rule Rule()
        {
            var rule = new Rule
            {
                RuleName = String(),
                Expression = String(),
                SuccessEvent = String(),
                ErrorMessage = String(),
                Enabled = Byte() != 0,
                Properties = (Dictionary<string, object>?)Value(),
            };
            var locals = Int();
            if (locals > 0)
            {
                var list = new List<ScopedParam>(locals - 1);
                for (var i = 1; i < locals; i++)
                    list.Add(new ScopedParam { Name = String(), Expression = String() });
                rule.LocalParams = list;
            }
            var actions = Byte();
            if ((actions & 1) != 0)
            {
                rule.Actions = new RuleActions
                {
                    OnSuccess = (actions & 2) != 0 ? Action() : null,
                    OnFailure = (actions & 4) != 0 ? Action() : null,
                };
            }
            return rule;
        }

        private ActionInfo Action() => new() { Name = String(), Context = (Dictionary<string, object>?)Value() };

        private object? Value()
        {
            switch ((Tag)Byte())
            {
                case Tag.Null:
                    return null;
                case Tag.String:
                    return String();
                case Tag.Number:
                    var number = BinaryPrimitives.ReadDoubleLittleEndian(_data.Slice(_at, 8));
                    _at += 8;
                    return number;
                case Tag.True:
                    return true;
                case Tag.False:
                    return false;
                case Tag.List:
                    var list = new List<object?>(Int());
                    for (var i = list.Capacity; i > 0; i--)
                        list.Add(Value());
                    return list;
                case Tag.Object:
                    // Dictionary<string, object> as RulesEngine declares Properties and Context; LeanWorkflows reads
                    // nested objects as Dictionary<string, object?>, the same runtime type.
                    var count = Int();
                    var dictionary = new Dictionary<string, object>(count);
                    for (var i = 0; i < count; i++)
                        dictionary.Add(String()!, Value()!);
                    return dictionary;
                default:
                    throw new FormatException("规则包中有未知的值类型");
            }
        }

        // ---- skipping: the same walk as above, building nothing ----

        private void SkipWorkflow()
        {
            for (var i = Int(); i > 0; i--)
                SkipRule();
        }

        private void SkipRule()
        {
            _ = (String(), String(), String(), String(), Byte());
            SkipValue();
            for (var i = Int() - 1; i > 0; i--)
                _ = (String(), String());
            var actions = Byte();
            if ((actions & 1) == 0)
                return;
            if ((actions & 2) != 0)
                SkipAction();
            if ((actions & 4) != 0)
                SkipAction();
        }

        private void SkipAction()
        {
            _ = String();
            SkipValue();
        }

        private void SkipValue()
        {
            switch ((Tag)Byte())
            {
                case Tag.Null or Tag.True or Tag.False:
                    return;
                case Tag.String:
                    _ = String();
                    return;
                case Tag.Number:
                    _at += 8;
                    return;
                case Tag.List:
                    for (var i = Int(); i > 0; i--)
                        SkipValue();
                    return;
                case Tag.Object:
                    for (var i = Int(); i > 0; i--)
                    {
                        _ = String();
                        SkipValue();
                    }
                    return;
                default:
                    throw new FormatException("规则包中有未知的值类型");
            }
        }

        private byte Byte() => _data[_at++];

        private int Int()
        {
            // 7-bit encoded, as BinaryWriter.Write7BitEncodedInt writes it.
            var result = 0;
            for (var shift = 0; shift < 35; shift += 7)
            {
                var b = _data[_at++];
                result |= (b & 0x7F) << shift;
                if (b < 0x80)
                    return result;
            }
            throw new FormatException("规则包中的整数过长");
        }

        private string? String()
        {
            var reference = Int();
            return reference == 0 ? null : _strings[reference - 1];
        }

        private decimal? Amount()
        {
            if (Byte() == 0)
                return null;
            // As BinaryWriter.Write(decimal) writes it: lo, mid, hi, flags.
            Span<int> bits = stackalloc int[4];
            for (var i = 0; i < 4; i++)
            {
                bits[i] = BinaryPrimitives.ReadInt32LittleEndian(_data.Slice(_at, 4));
                _at += 4;
            }
            return new decimal(bits);
        }
    }
}
