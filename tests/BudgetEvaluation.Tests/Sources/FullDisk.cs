using System.Diagnostics;

namespace BudgetEvaluation.Tests.Sources;

/// <summary>
/// A folder on a file system of its own, one page (4 KiB) large: a tmpfs mounted for the test, so a bigger file moved
/// into it fails half-way with "no space left on device". Mounting needs root (CAP_SYS_ADMIN), which CI has.
/// </summary>
public sealed class FullDisk : IDisposable
{
    private FullDisk(string path) => Path = path;

    public string Path { get; }

    public static bool CanMount => OperatingSystem.IsLinux() && Environment.UserName == "root";

    /// <summary>The mounted folder, or null and why not.</summary>
    public static (FullDisk? Disk, string Reason) TryMount()
    {
        if (!CanMount)
            return (null, "mounting a tmpfs needs root on Linux");
        var path = Directory.CreateTempSubdirectory("budgeteval-full-").FullName;
        var (code, error) = Run("mount", "-t", "tmpfs", "-o", "size=4k", "tmpfs", path);
        if (code == 0)
            return (new FullDisk(path), "");
        Directory.Delete(path);
        return (null, $"mount -t tmpfs failed: {error}");
    }

    public void Dispose()
    {
        Run("umount", Path);
        Directory.Delete(Path, recursive: true);
    }

    private static (int Code, string Error) Run(string command, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(command, args) { RedirectStandardError = true, UseShellExecute = false })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, error.Trim());
    }
}
