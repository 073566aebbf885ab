using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace BudgetEvaluation.Benchmarks;

/// <summary>
/// The runtime's allocation samples (one event per ~100 KB allocated, naming the type that crossed it), summed by
/// type: which objects a run's allocations are, without a profiler.
/// </summary>
internal sealed class AllocationTypes : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, long> _bytes = new();
    private volatile bool _on;

    public void Start()
    {
        _bytes.Clear();
        _on = true;
    }

    /// <summary>The types with the most bytes since <see cref="Start"/>: name, MiB, share.</summary>
    public IEnumerable<(string Type, double MiB, double Share)> Top(int count)
    {
        _on = false;
        var total = Math.Max(1, _bytes.Values.Sum());
        return _bytes.OrderByDescending(kv => kv.Value).Take(count)
            .Select(kv => (kv.Key, kv.Value / 1048576.0, (double)kv.Value / total));
    }

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
            EnableEvents(source, EventLevel.Verbose, GcKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!_on || e.EventName != "GCAllocationTick_V4" || e.Payload is null)
            return;
        var type = e.Payload[e.PayloadNames!.IndexOf("TypeName")] as string ?? "?";
        var amount = Convert.ToInt64(e.Payload[e.PayloadNames.IndexOf("AllocationAmount64")], System.Globalization.CultureInfo.InvariantCulture);
        _bytes.AddOrUpdate(type, amount, (_, sum) => sum + amount);
    }
}
