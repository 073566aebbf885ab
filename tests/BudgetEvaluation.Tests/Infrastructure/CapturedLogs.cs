using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace BudgetEvaluation.Tests.Infrastructure;

/// <summary>
/// A log provider that keeps everything a host logs, at every level: the formatted message, every structured value
/// (which a JSON or OpenTelemetry sink would write even when the message leaves it out), scopes and exceptions.
/// </summary>
public sealed class CapturedLogs : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyCollection<string> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var parts = new List<string> { $"{logLevel} {category}[{eventId.Id.ToString(CultureInfo.InvariantCulture)}] {formatter(state, exception)}" };
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
                parts.AddRange(values.Select(v => $"  {v.Key}={Text(v.Value)}"));
            owner._scopes.ForEachScope((scope, list) =>
            {
                list.Add("  scope: " + Text(scope));
                if (scope is IEnumerable<KeyValuePair<string, object?>> scopeValues)
                    list.AddRange(scopeValues.Select(v => $"  scope {v.Key}={Text(v.Value)}"));
            }, parts);
            if (exception is not null)
                parts.Add("  " + exception);
            owner._entries.Enqueue(string.Join("\n", parts));
        }

        private static string Text(object? value) => value switch
        {
            null => "",
            string s => s,
            System.Collections.IEnumerable list => string.Join(",", list.Cast<object?>().Select(v => v?.ToString())),
            _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
        };
    }
}
