namespace BudgetEvaluation.Hosting;

/// <summary>Files the service reads beside the repository or the deployment: the seed, demo actuals, scoring schemes.</summary>
public static class ContentFiles
{
    /// <summary>
    /// A file or folder: as given if absolute, else under the working folder or a folder above the executable
    /// (<c>dotnet run</c> from anywhere in the checkout, the test binaries, <c>/app</c> in the container).
    /// </summary>
    public static string? Locate(string path)
    {
        if (Path.IsPathRooted(path))
            return Exists(path) ? path : null;
        var candidates = new List<string> { Path.Combine(Environment.CurrentDirectory, path) };
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            candidates.Add(Path.Combine(dir.FullName, path));
        return candidates.FirstOrDefault(Exists);
    }

    private static bool Exists(string path) => File.Exists(path) || Directory.Exists(path);
}
