namespace BudgetEvaluation.Core.Scoring;

/// <summary>
/// Explanation texts shared between rows that explain the same way, remembered per thread. A text is written into a
/// reused buffer and becomes a new string only when the table does not hold it yet.
/// </summary>
/// <remarks>
/// Most qualitative and met rows repeat a few texts (“定性指标，目标“合理”，实际“达成”：达成，按 100% 计分…”): in generated
/// data six rows in ten. The evaluations of a run stay alive until they are stored, so every repeat that is not a new
/// string is a string the collector does not have to copy. The text is always the one written: a table slot only
/// saves building it again.
/// </remarks>
internal static class SharedTexts
{
    private const int Bits = 13;

    [ThreadStatic]
    private static string?[]? _table;

    [ThreadStatic]
    private static char[]? _buffer;

    /// <summary>This thread's buffer to write a text into.</summary>
    public static char[] Buffer() => _buffer ??= new char[512];

    /// <summary>A larger buffer, when a text did not fit.</summary>
    public static char[] Grow() => _buffer = new char[Buffer().Length * 2];

    /// <summary>The written text as a string: the remembered one when equal.</summary>
    public static string Get(ReadOnlySpan<char> text)
    {
        var table = _table ??= new string?[1 << Bits];
        ref var slot = ref table[string.GetHashCode(text) & ((1 << Bits) - 1)];
        if (slot is not null && text.SequenceEqual(slot))
            return slot;
        return slot = new string(text);
    }
}
