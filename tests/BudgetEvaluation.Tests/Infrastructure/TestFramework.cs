using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestFramework("BudgetEvaluation.Tests.Infrastructure.TestFramework", "BudgetEvaluation.Tests")]

namespace BudgetEvaluation.Tests.Infrastructure;

/// <summary>
/// xunit v2 has no assembly fixture; the framework object lives for the whole run and is disposed at its end, so the
/// shared PostgreSQL cluster (and the browser) is stopped there. The runner may end the process within milliseconds of that; the
/// launcher's watchdog finishes the job then.
/// </summary>
public sealed class TestFramework : XunitTestFramework
{
    public TestFramework(IMessageSink messageSink) : base(messageSink) =>
        DisposalTracker.Add(new Shutdown());

    private sealed class Shutdown : IDisposable
    {
        public void Dispose()
        {
            Browser.Stop();
            PostgresServer.Stop();
        }
    }
}
