using Hangfire.Logging;
using HangfireLogLevel = Hangfire.Logging.LogLevel;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace BudgetEvaluation.Jobs;

/// <summary>
/// Hangfire's logging into the host's <see cref="ILoggerFactory"/>, surviving the factory's disposal.
/// </summary>
/// <remarks>
/// Hangfire logs through one process-wide provider (<c>LogProvider</c>), set by the last host built. When that host
/// is disposed while another runs (the tests run several hosts in one process), Hangfire's stock provider throws
/// <see cref="ObjectDisposedException"/> from inside the other host's worker right after it fetched a job, and the
/// job is stuck until its invisibility timeout. A disposed factory here only means no log line.
/// </remarks>
public sealed class HangfireLogProvider(ILoggerFactory factory) : ILogProvider
{
    public ILog GetLogger(string name) => new HostLog(factory, name);

    private sealed class HostLog(ILoggerFactory factory, string name) : ILog
    {
        private ILogger? _logger;

        public bool Log(HangfireLogLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
        {
            try
            {
                _logger ??= factory.CreateLogger(name);
                var level = Map(logLevel);
                if (messageFunc is null)
                    return _logger.IsEnabled(level);
                if (!_logger.IsEnabled(level))
                    return false;
#pragma warning disable CA2254 // Hangfire hands over finished messages, not templates.
                _logger.Log(level, 0, exception, messageFunc());
#pragma warning restore CA2254
                return true;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }

        private static LogLevel Map(HangfireLogLevel level) => level switch
        {
            HangfireLogLevel.Trace => LogLevel.Trace,
            HangfireLogLevel.Debug => LogLevel.Debug,
            HangfireLogLevel.Info => LogLevel.Information,
            HangfireLogLevel.Warn => LogLevel.Warning,
            HangfireLogLevel.Error => LogLevel.Error,
            _ => LogLevel.Critical,
        };
    }
}
