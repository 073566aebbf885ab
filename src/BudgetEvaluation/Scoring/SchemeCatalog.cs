using System.Text.RegularExpressions;
using BudgetEvaluation.Core.Scoring;
using BudgetEvaluation.Hosting;
using Microsoft.Extensions.Options;

namespace BudgetEvaluation.Scoring;

/// <summary>The scoring schemes a run may name: the files <c>&lt;name&gt;.json</c> of the schemes folder.</summary>
public sealed partial class SchemeCatalog(IOptions<ServiceOptions> options)
{
    /// <summary>The scheme of a run that names none: <c>schemes/default.json</c>, or the built-in default if that file is absent.</summary>
    public const string DefaultName = "default";

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex NamePattern();

    /// <summary>The names on offer, sorted; <c>default</c> always among them.</summary>
    public IReadOnlyList<string> Names()
    {
        var names = new SortedSet<string>(StringComparer.Ordinal) { DefaultName };
        if (Folder() is { } folder)
        {
            foreach (var file in Directory.EnumerateFiles(folder, "*.json"))
            {
                var name = Path.GetFileNameWithoutExtension(file);
                if (NamePattern().IsMatch(name))
                    names.Add(name);
            }
        }
        return [.. names];
    }

    /// <summary>The scheme called <paramref name="name"/>, or null if there is none. A malformed file throws <see cref="FormatException"/>.</summary>
    public ScoringScheme? Find(string name)
    {
        // The name becomes a file name: only plain names, never a path.
        if (!NamePattern().IsMatch(name))
            return null;
        var file = Folder() is { } folder ? Path.Combine(folder, name + ".json") : null;
        if (file is not null && File.Exists(file))
            return ScoringScheme.Load(file);
        return name == DefaultName ? ScoringScheme.Default : null;
    }

    private string? Folder() => ContentFiles.Locate(options.Value.SchemesFolder) is { } path && Directory.Exists(path) ? path : null;
}
