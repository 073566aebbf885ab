using System.Globalization;

namespace BudgetEvaluation.Core.Scoring;

/// <summary>
/// Numbers as the explanations write them (<c>0.##</c>, invariant), remembered per thread: formatting a double costs
/// about 150 ns and an explanation holds up to six, while weights, targets, points and many actuals repeat from one
/// indicator to the next. The text is always what <see cref="double.ToString(string, IFormatProvider)"/> gives.
/// </summary>
internal static class NumberTexts
{
    private const int Bits = 12;

    [ThreadStatic]
    private static Entry[]? _numbers;

    [ThreadStatic]
    private static Entry[]? _percents;

    private struct Entry
    {
        public long Key;
        public string? Text;
    }

    public static string Number(double value) =>
        Cached(ref _numbers, value, static v => v.ToString("0.##", CultureInfo.InvariantCulture));

    /// <summary>A ratio as a percentage: 0.963 → <c>96.3%</c>.</summary>
    public static string Percent(double ratio) =>
        Cached(ref _percents, ratio, static r => (r * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%");

    private static string Cached(ref Entry[]? table, double value, Func<double, string> format)
    {
        table ??= new Entry[1 << Bits];
        var key = BitConverter.DoubleToInt64Bits(value);
        // Fibonacci hashing spreads nearby bit patterns (1800, 1800.5) over the table.
        ref var entry = ref table[(int)((ulong)(key * -7046029254386353131L) >> (64 - Bits))];
        if (entry.Text is not null && entry.Key == key)
            return entry.Text;
        var text = format(value);
        entry.Key = key;
        entry.Text = text;
        return text;
    }
}
