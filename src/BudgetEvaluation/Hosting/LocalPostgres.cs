using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace BudgetEvaluation.Hosting;

/// <summary>
/// A throwaway PostgreSQL cluster made with the system's <c>initdb</c>/<c>pg_ctl</c>: a fresh data folder, a free
/// loopback port, a random superuser password. <c>serve</c> uses it when no connection string is configured, and
/// the integration tests use it for their one cluster per run. Disposing stops the server and deletes the folder.
/// </summary>
/// <remarks>
/// PostgreSQL refuses to run as root, so under root every PostgreSQL command runs through
/// <c>runuser -u postgres --</c> on a folder owned by that user (the server log is inside it, since the server
/// writes it). The folder holds an owner file with our process id: a later start removes clusters whose owner
/// died without stopping them.
/// </remarks>
public sealed partial class LocalPostgres : IAsyncDisposable, IDisposable
{
    /// <summary>The system user PostgreSQL runs as when we are root.</summary>
    public const string ServiceUser = "postgres";

    private const string Superuser = "postgres";
    private const string OwnerFile = "owner.pid";

    private readonly string _bin;
    private readonly string? _runAs;
    private readonly ILogger _logger;
    private bool _stopped;

    private LocalPostgres(string bin, string folder, string? runAs, string password, ILogger logger)
    {
        _bin = bin;
        Folder = folder;
        _runAs = runAs;
        Password = password;
        _logger = logger;
    }

    /// <summary>The cluster's folder: <c>data/</c> and <c>postgres.log</c>.</summary>
    public string Folder { get; }

    public int Port { get; private set; }

    public string Password { get; }

    private string DataDirectory => Path.Combine(Folder, "data");

    private string LogFile => Path.Combine(Folder, "postgres.log");

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex DatabaseName();

    /// <summary>Creates and starts a cluster in a new folder under <paramref name="parent"/>.</summary>
    public static async Task<LocalPostgres> StartAsync(string parent, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        logger ??= NullLogger.Instance;
        var bin = FindBinDirectory() ?? throw new InvalidOperationException(
            "找不到 PostgreSQL 的 initdb 和 pg_ctl（已查找 PATH 与 /usr/lib/postgresql/*/bin）：请安装 PostgreSQL（Debian：apt-get install postgresql），或设置 ConnectionStrings__BudgetEvaluation 使用已有的数据库");
        var runAs = Environment.IsPrivilegedProcess ? ServiceUser : null;

        parent = Path.GetFullPath(parent);
        Directory.CreateDirectory(parent);
        await RemoveStaleAsync(bin, parent, runAs, logger);
        var folder = await CreateFolderAsync(parent, runAs, cancellationToken);
        if (folder is null)
        {
            // The service user cannot reach the folder (e.g. a checkout under /root): use the temp folder instead.
            var fallback = Path.Combine(Path.GetTempPath(), "budgeteval-pg");
            Directory.CreateDirectory(fallback);
            await RemoveStaleAsync(bin, fallback, runAs, logger);
            folder = await CreateFolderAsync(fallback, runAs, cancellationToken)
                ?? throw new InvalidOperationException($"系统用户 {runAs} 无法写入文件夹“{parent}”或“{fallback}”");
        }

        var cluster = new LocalPostgres(bin, folder, runAs, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)), logger);
        try
        {
            await cluster.InitAsync(cancellationToken);
            await cluster.StartServerAsync(cancellationToken);
            cluster.StartWatchdog();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>A connection string for <paramref name="database"/> as the superuser, over TCP on loopback.</summary>
    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = Superuser,
        Password = Password,
        Database = database,
    }.ConnectionString;

    /// <summary>Creates an empty database.</summary>
    public async Task CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        if (!DatabaseName().IsMatch(name))
            throw new ArgumentException($"数据库名“{name}”不合法：只能使用小写字母、数字和下划线", nameof(name));
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Stops the server but keeps the cluster (fast shutdown: sessions end, open transactions roll back), as an
    /// operator's restart or a crash would; <see cref="StartAgainAsync"/> brings it back. For fault tests.
    /// </summary>
    public Task StopServerAsync(CancellationToken cancellationToken = default) =>
        RunAsync(_bin, "pg_ctl", _runAs, Folder, ["stop", "-D", DataDirectory, "-m", "fast", "-w", "-t", "60"], cancellationToken);

    /// <summary>Starts the stopped server again on its port, so connection strings handed out stay valid.</summary>
    public Task StartAgainAsync(CancellationToken cancellationToken = default) =>
        RunAsync(_bin, "pg_ctl", _runAs, Folder,
            ["start", "-D", DataDirectory, "-l", LogFile, "-w", "-t", "60", "-o", $"-p {Port.ToString(CultureInfo.InvariantCulture)}"], cancellationToken);

    /// <summary>Stops the server and deletes the cluster's folder.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopped)
            return;
        _stopped = true;
        await StopAsync(_bin, DataDirectory, _runAs, _logger);
        TryDelete(Folder, _logger);
        Log.Stopped(_logger, Folder);
    }

    /// <summary>Synchronous stop, for process-exit handlers and test-run teardown.</summary>
    /// <remarks>On the thread pool: blocking on the async stop under a single-threaded synchronization context would deadlock.</remarks>
    public void Dispose() => Task.Run(() => DisposeAsync().AsTask()).GetAwaiter().GetResult();

    private async Task InitAsync(CancellationToken cancellationToken)
    {
        var passwordFile = Path.Combine(Folder, "pwfile");
        await File.WriteAllTextAsync(passwordFile, Password + "\n", cancellationToken);
        await ChownAsync(passwordFile, _runAs, cancellationToken);
        try
        {
            await RunAsync(_bin, "initdb", _runAs, Folder,
                ["-D", DataDirectory, "-U", Superuser, "--pwfile", passwordFile, "--auth", "scram-sha-256",
                 "--encoding", "UTF8", "--no-locale", "--no-sync"], cancellationToken);
        }
        finally
        {
            File.Delete(passwordFile);
        }
        // Loopback TCP only: no Unix socket (its path may be too long or its folder missing). The cluster is
        // thrown away, so durability settings are off for speed.
        await File.AppendAllTextAsync(Path.Combine(DataDirectory, "postgresql.conf"), """

            # budgeteval local cluster
            listen_addresses = '127.0.0.1'
            unix_socket_directories = ''
            max_connections = 200
            fsync = off
            synchronous_commit = off
            full_page_writes = off

            """, cancellationToken);
    }

    private async Task StartServerAsync(CancellationToken cancellationToken)
    {
        // Another process can take the free port between our check and the server's bind: try a few.
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort();
            var (exitCode, output) = await RunRawAsync(_bin, "pg_ctl", _runAs, Folder,
                ["start", "-D", DataDirectory, "-l", LogFile, "-w", "-t", "60", "-o", $"-p {Port.ToString(CultureInfo.InvariantCulture)}"], cancellationToken);
            if (exitCode == 0)
            {
                Log.Started(_logger, Port, Folder);
                return;
            }
            if (attempt == 3)
                throw new InvalidOperationException($"本地 PostgreSQL 启动失败（pg_ctl 退出码 {exitCode}）：{output}\n{Tail(LogFile)}");
        }
    }

    /// <summary>
    /// A detached shell that waits for this process to end and then stops the server and deletes the folder, so a
    /// killed owner (or a test runner that ends the process before its teardown finishes) leaves nothing running.
    /// After a normal dispose it finds nothing left to do.
    /// </summary>
    private void StartWatchdog()
    {
        const string script = """
            exec >/dev/null 2>&1 </dev/null
            trap '' INT HUP
            while kill -0 "$1"; do sleep 1; done
            if [ -f "$3/postmaster.pid" ]; then
              if [ -n "$5" ]; then runuser -u "$5" -- "$2/pg_ctl" stop -D "$3" -m immediate -w -t 30
              else "$2/pg_ctl" stop -D "$3" -m immediate -w -t 30; fi
            fi
            rm -rf "$4"
            """;
        var start = new ProcessStartInfo { FileName = File.Exists("/usr/bin/setsid") ? "/usr/bin/setsid" : "/bin/sh", UseShellExecute = false };
        if (start.FileName != "/bin/sh")
            start.ArgumentList.Add("/bin/sh");
        foreach (var a in (string[])["-c", script, "watchdog", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), _bin, DataDirectory, Folder, _runAs ?? ""])
            start.ArgumentList.Add(a);
        using var _ = Process.Start(start);
    }

    private static async Task<string?> CreateFolderAsync(string parent, string? runAs, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(parent, Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, OwnerFile), Environment.ProcessId.ToString(CultureInfo.InvariantCulture), cancellationToken);
        if (runAs is null)
            return folder;
        await ChownAsync(folder, runAs, cancellationToken);
        var (exitCode, _) = await RunRawAsync(null, "test", runAs, "/", ["-w", folder, "-a", "-x", folder], cancellationToken);
        if (exitCode == 0)
            return folder;
        Directory.Delete(folder, recursive: true);
        return null;
    }

    /// <summary>Stops and deletes clusters under <paramref name="parent"/> whose owning process is gone.</summary>
    private static async Task RemoveStaleAsync(string bin, string parent, string? runAs, ILogger logger)
    {
        foreach (var folder in Directory.EnumerateDirectories(parent))
        {
            var ownerFile = Path.Combine(folder, OwnerFile);
            if (!File.Exists(ownerFile))
                continue;
            if (int.TryParse(File.ReadAllText(ownerFile), CultureInfo.InvariantCulture, out var pid) && IsAlive(pid))
                continue;
            var data = Path.Combine(folder, "data");
            if (File.Exists(Path.Combine(data, "postmaster.pid")))
                await StopAsync(bin, data, runAs, logger);
            TryDelete(folder, logger);
            Log.RemovedStale(logger, folder);
        }
    }

    /// <summary>
    /// Immediate shutdown: the cluster is deleted right after, so the shutdown checkpoint a fast stop writes
    /// would be wasted time (and a test runner may end the process while it waits).
    /// </summary>
    private static async Task StopAsync(string bin, string dataDirectory, string? runAs, ILogger logger)
    {
        if (!File.Exists(Path.Combine(dataDirectory, "postmaster.pid")))
            return;
        var (exitCode, output) = await RunRawAsync(bin, "pg_ctl", runAs, Path.GetDirectoryName(dataDirectory)!,
            ["stop", "-D", dataDirectory, "-m", "immediate", "-w", "-t", "30"], CancellationToken.None);
        if (exitCode != 0)
            Log.StopFailed(logger, dataDirectory, output);
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void TryDelete(string folder, ILogger logger)
    {
        try
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
        catch (IOException e)
        {
            Log.DeleteFailed(logger, folder, e.Message);
        }
        catch (UnauthorizedAccessException e)
        {
            Log.DeleteFailed(logger, folder, e.Message);
        }
    }

    /// <summary>The folder with initdb, pg_ctl and postgres: from PATH (symlinks resolved), else the newest Debian install.</summary>
    public static string? FindBinDirectory()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var initdb = Path.Combine(dir, "initdb");
            if (!File.Exists(initdb) || !File.Exists(Path.Combine(dir, "pg_ctl")))
                continue;
            // Debian links /usr/bin tools to a wrapper and /usr/local/bin ones to the real binaries: pg_ctl needs
            // the folder that also holds the postgres server.
            var real = File.ResolveLinkTarget(initdb, returnFinalTarget: true)?.FullName ?? initdb;
            var realDir = Path.GetDirectoryName(real)!;
            if (File.Exists(Path.Combine(realDir, "postgres")))
                return realDir;
        }
        const string debian = "/usr/lib/postgresql";
        if (!Directory.Exists(debian))
            return null;
        return Directory.EnumerateDirectories(debian)
            .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), CultureInfo.InvariantCulture, out var v) ? v : 0))
            .Where(d => File.Exists(Path.Combine(d.Dir, "initdb")) && File.Exists(Path.Combine(d.Dir, "pg_ctl")))
            .OrderByDescending(d => d.Version)
            .Select(d => d.Dir)
            .FirstOrDefault();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task ChownAsync(string path, string? runAs, CancellationToken cancellationToken)
    {
        if (runAs is null)
            return;
        var (exitCode, output) = await RunRawAsync(null, "chown", null, "/", ["-R", runAs + ":", path], cancellationToken);
        if (exitCode != 0)
            throw new InvalidOperationException($"无法把“{path}”交给系统用户 {runAs}（以 root 运行时 PostgreSQL 需要该用户）：{output}");
    }

    private static async Task RunAsync(string bin, string tool, string? runAs, string workingDirectory, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var (exitCode, output) = await RunRawAsync(bin, tool, runAs, workingDirectory, arguments, cancellationToken);
        if (exitCode != 0)
            throw new InvalidOperationException($"{tool} 失败（退出码 {exitCode}）：{output}");
    }

    /// <summary>Runs a tool (from <paramref name="bin"/>, or PATH when null), as <paramref name="runAs"/> through runuser when set.</summary>
    private static async Task<(int ExitCode, string Output)> RunRawAsync(string? bin, string tool, string? runAs, string workingDirectory, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var executable = bin is null ? tool : Path.Combine(bin, tool);
        var start = new ProcessStartInfo
        {
            FileName = runAs is null ? executable : "runuser",
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (runAs is not null)
        {
            foreach (var a in (string[])["-u", runAs, "--", executable])
                start.ArgumentList.Add(a);
        }
        foreach (var a in arguments)
            start.ArgumentList.Add(a);
        // Messages from the PostgreSQL tools in a predictable language.
        start.Environment["LC_ALL"] = "C";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"无法启动 {start.FileName}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, ((await stdout) + (await stderr)).Trim());
    }

    private static string Tail(string file)
    {
        try
        {
            return File.Exists(file) ? string.Join('\n', File.ReadLines(file).TakeLast(20)) : "";
        }
        catch (IOException)
        {
            return "";
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1001, LogLevel.Information, "Local PostgreSQL started on 127.0.0.1:{Port} in {Folder}")]
        public static partial void Started(ILogger logger, int port, string folder);

        [LoggerMessage(1002, LogLevel.Information, "Local PostgreSQL in {Folder} stopped and removed")]
        public static partial void Stopped(ILogger logger, string folder);

        [LoggerMessage(1003, LogLevel.Information, "Removed the stale local PostgreSQL cluster {Folder}")]
        public static partial void RemovedStale(ILogger logger, string folder);

        [LoggerMessage(1004, LogLevel.Warning, "pg_ctl stop failed for {DataDirectory}: {Output}")]
        public static partial void StopFailed(ILogger logger, string dataDirectory, string output);

        [LoggerMessage(1005, LogLevel.Warning, "Could not delete {Folder}: {Reason}")]
        public static partial void DeleteFailed(ILogger logger, string folder, string reason);
    }
}
