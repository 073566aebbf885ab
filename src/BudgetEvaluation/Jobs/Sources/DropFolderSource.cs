using System.Globalization;
using System.Text;
using BudgetEvaluation.Actuals;
using BudgetEvaluation.Core.Import;
using BudgetEvaluation.Core.Targets;
using BudgetEvaluation.Data;
using Npgsql;

namespace BudgetEvaluation.Jobs.Sources;

/// <summary>
/// Actuals files (CSV, XLSX, JSON) that departments' systems write into a folder. A department's pull takes the files
/// that are its own (<see cref="FileOwner"/>), stores each like an upload, and moves it aside: accepted or unchanged
/// into processed/, refused into rejected/ with <c>&lt;name&gt;.errors.txt</c> beside it. Files of no known
/// 主管部门 are refused at whichever department's pull meets them first.
/// </summary>
/// <remarks>
/// A file is moved only after its upload is stored, and never half: if the move fails (read-only folder, full disk)
/// the file stays where it was and the pulled file says why. The next pull finds its bytes stored and reports it
/// <see cref="PullOutcome.Unchanged"/>, so a retry neither loses the file nor stores it twice.
/// </remarks>
public sealed partial class DropFolderSource(
    DropFolderOptions options,
    long maxFileBytes,
    PullIntake intake,
    ProjectStore projects,
    NpgsqlDataSource dataSource,
    TimeProvider time,
    ILogger<DropFolderSource> logger) : IActualsSource
{
    public const string SourceName = "drop-folder";

    /// <summary>Suffixes of files still being written by common tools (and Excel's lock files, <c>~$…</c>).</summary>
    private static readonly string[] PartialSuffixes = [".tmp", ".part", ".partial", ".crdownload", ".download", ".filepart", ".swp"];

    private static readonly Encoding ReportEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true);

    public string Name => SourceName;

    public string Folder { get; } = Path.GetFullPath(options.Path);

    public string ProcessedFolder { get; } = Path.GetFullPath(string.IsNullOrWhiteSpace(options.ProcessedPath) ? Path.Combine(options.Path, "processed") : options.ProcessedPath);

    public string RejectedFolder { get; } = Path.GetFullPath(string.IsNullOrWhiteSpace(options.RejectedPath) ? Path.Combine(options.Path, "rejected") : options.RejectedPath);

    public async Task<IReadOnlyList<PulledFile>> PullAsync(PullRequest request, CancellationToken cancellationToken)
    {
        await using var pullLock = await PullLock.AcquireAsync(dataSource, SourceName + ":" + Folder, cancellationToken);
        var files = Candidates();
        if (files.Count == 0)
            return [];
        var departments = FileOwner.Departments(await projects.ListAsync(null, null, cancellationToken), request.Year);
        var pulled = new List<PulledFile>();
        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await PullFileAsync(file, request, departments, cancellationToken) is { } result)
                pulled.Add(result);
        }
        return pulled;
    }

    /// <summary>The files ready to take, oldest first so that a department's later file becomes its current version.</summary>
    private List<FileInfo> Candidates()
    {
        try
        {
            var settled = time.GetUtcNow().UtcDateTime - options.SettleTime;
            return new DirectoryInfo(Folder).EnumerateFiles()
                .Where(f => !f.Name.StartsWith('.') && !f.Name.StartsWith("~$", StringComparison.Ordinal)
                    && !PartialSuffixes.Any(s => f.Name.EndsWith(s, StringComparison.OrdinalIgnoreCase))
                    && f.LastWriteTimeUtc <= settled)
                .OrderBy(f => f.LastWriteTimeUtc)
                .ThenBy(f => f.Name, StringComparer.Ordinal)
                .ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            throw new SourceUnavailableException(SourceName, $"投递文件夹“{Folder}”不存在或无法读取（{Describe(ex)}）", ex);
        }
    }

    /// <summary>Stores and moves one file if it is the department's (or of no department); null if it is left for another pull.</summary>
    private async Task<PulledFile?> PullFileAsync(FileInfo file, PullRequest request, FileOwner.Known departments, CancellationToken cancellationToken)
    {
        var name = file.Name;
        if (!FileOwner.IsFor(name, request.Year, request.Period))
            return null;
        var byName = FileOwner.ByName(name, departments);
        if (byName is not null && !FileOwner.Same(byName, request.Department))
            return null;

        if (file.Length > maxFileBytes)
        {
            List<ImportError> errors = [new(name, 0, "文件", string.Create(CultureInfo.InvariantCulture,
                $"文件过大（{file.Length} 字节，上限 {maxFileBytes} 字节）：请拆分后重新投递"))];
            return Reject(file, request, errors);
        }

        byte[] content;
        try
        {
            content = await File.ReadAllBytesAsync(file.FullName, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Gone (another pull took it), locked or unreadable: left for the next pull.
            if (!File.Exists(file.FullName))
                return null;
            Log.Unreadable(logger, name, Describe(ex));
            return PullIntake.Rejected(SourceName, name, [new ImportError(name, 0, "文件", $"文件无法读取（{Describe(ex)}）：留在投递文件夹中，下次拉取时重试")]);
        }

        var contentType = ContentType(name);
        if (byName is null)
        {
            var (rows, readErrors) = ActualsUpload.Read(new NewUpload(request.Year, request.Period, name, contentType, content));
            var (owner, reason) = FileOwner.ByContent(rows, departments);
            if (owner is null)
            {
                Log.NoDepartment(logger, name);
                List<ImportError> errors = [new(name, 0, "主管部门", $"无法确定文件所属的主管部门：文件名不含任何主管部门的名称，{reason}。"
                    + "请在文件名中写明主管部门（如“某某局-实际完成值.xlsx”），或在每行的“主管部门”列填写")];
                errors.AddRange(readErrors.Take(20));
                return Reject(file, request, errors);
            }
            if (!FileOwner.Same(owner, request.Department))
                return null;
        }

        var pulled = await intake.StoreAsync(SourceName, request, name, contentType, content, cancellationToken);
        if (pulled.Outcome == PullOutcome.Rejected)
            return Reject(file, request, pulled.Errors);

        if (pulled.Outcome == PullOutcome.Accepted)
            Log.Stored(logger, name, pulled.UploadId, request.Department);
        else
            Log.Unchanged(logger, name, pulled.UploadId);
        if (MoveAside(file, ProcessedFolder, report: null) is { } failure)
        {
            var stored = string.Create(CultureInfo.InvariantCulture, $"数据已保存（上传 {pulled.UploadId}），再次拉取不会重复保存");
            return pulled with { Errors = [new ImportError(name, 0, "文件", $"{failure}；{stored}")] };
        }
        return pulled;
    }

    private PulledFile Reject(FileInfo file, PullRequest request, IReadOnlyList<ImportError> errors)
    {
        Log.Rejected(logger, file.Name, request.Department, errors.Count);
        var failure = MoveAside(file, RejectedFolder, Report(file.Name, request, errors));
        return PullIntake.Rejected(SourceName, file.Name,
            failure is null ? errors : [.. errors, new ImportError(file.Name, 0, "文件", failure)]);
    }

    /// <summary>
    /// Moves the file into <paramref name="folder"/> under a new name (time of the move first), writing the error
    /// report beside it first when there is one. On failure nothing is left behind in the folder and the file stays
    /// where it was; the returned text says why (Chinese, for the pulled file).
    /// </summary>
    private string? MoveAside(FileInfo file, string folder, string? report)
    {
        string? target = null;
        string? reportPath = null;
        try
        {
            Directory.CreateDirectory(folder);
            target = UniquePath(folder, file.Name);
            if (report is not null)
            {
                reportPath = target + ".errors.txt";
                File.WriteAllText(reportPath, report, ReportEncoding);
            }
            File.Move(file.FullName, target);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A move across file systems copies; if it failed half-way, the copy must not look like a processed file.
            if (target is not null && File.Exists(target) && File.Exists(file.FullName))
                TryDelete(target);
            if (reportPath is not null && File.Exists(file.FullName))
                TryDelete(reportPath);
            if (!File.Exists(file.FullName) && target is not null && File.Exists(target))
                return null;
            var reason = Describe(ex);
            Log.MoveFailed(logger, file.Name, folder, reason);
            return $"无法移入文件夹“{folder}”（{reason}）：文件留在投递文件夹中，未丢失";
        }
    }

    private string UniquePath(string folder, string fileName)
    {
        var stamp = time.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
        var path = Path.Combine(folder, $"{stamp}-{fileName}");
        for (var i = 2; File.Exists(path) || File.Exists(path + ".errors.txt"); i++)
            path = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"{stamp}-{i}-{fileName}"));
        return path;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: the file itself is safe where it was.
        }
    }

    /// <summary>The error report beside a refused file: a heading, then one line per error (file, row, field, message).</summary>
    private static string Report(string fileName, PullRequest request, IReadOnlyList<ImportError> errors)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"实际完成值文件“{fileName}”未被接收（{request.Year} 年度 {request.Period.Chinese()}，主管部门“{request.Department}”的拉取）：{errors.Count} 个错误，未保存任何数据。\n");
        text.Append("改正后请重新投递到投递文件夹。\n\n");
        foreach (var error in errors)
            text.Append(error.ToString()).Append('\n');
        return text.ToString();
    }

    private static string ContentType(string fileName) => Path.GetExtension(fileName).ToLowerInvariant() switch
    {
        ".csv" or ".txt" => "text/csv",
        ".xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".json" => "application/json",
        _ => "application/octet-stream",
    };

    /// <summary>An I/O failure in words for the department (the system's own message is English).</summary>
    private static string Describe(Exception ex) => ex switch
    {
        UnauthorizedAccessException => "没有访问权限",
        DirectoryNotFoundException => "文件夹不存在",
        FileNotFoundException => "文件不存在",
        _ when ex.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase) || ex.HResult == 28 => "磁盘已满",
        _ when ex.Message.Contains("Read-only file system", StringComparison.OrdinalIgnoreCase) => "文件系统只读",
        _ when ex.Message.Contains("Not a directory", StringComparison.OrdinalIgnoreCase) => "目标路径不是文件夹",
        _ when ex.Message.Contains("being used by another process", StringComparison.OrdinalIgnoreCase) => "文件正被其他程序占用",
        _ => ex.Message,
    };

    private static partial class Log
    {
        [LoggerMessage(1501, LogLevel.Information, "Drop folder: {File} stored as upload {UploadId} for {Department}")]
        public static partial void Stored(ILogger logger, string file, long? uploadId, string department);

        [LoggerMessage(1502, LogLevel.Information, "Drop folder: {File} is already stored as upload {UploadId}; no new version")]
        public static partial void Unchanged(ILogger logger, string file, long? uploadId);

        [LoggerMessage(1503, LogLevel.Warning, "Drop folder: {File} rejected at the pull of {Department} with {Errors} errors")]
        public static partial void Rejected(ILogger logger, string file, string department, int errors);

        [LoggerMessage(1504, LogLevel.Warning, "Drop folder: {File} names no known department")]
        public static partial void NoDepartment(ILogger logger, string file);

        [LoggerMessage(1505, LogLevel.Error, "Drop folder: could not move {File} into {Folder} ({Reason}); it stays in the drop folder")]
        public static partial void MoveFailed(ILogger logger, string file, string folder, string reason);

        [LoggerMessage(1506, LogLevel.Warning, "Drop folder: could not read {File} ({Reason}); left for the next pull")]
        public static partial void Unreadable(ILogger logger, string file, string reason);
    }
}
