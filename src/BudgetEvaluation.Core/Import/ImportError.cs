namespace BudgetEvaluation.Core.Import;

/// <summary>One problem in an input file: where it is, which field, and what is wrong (in Chinese, for users).</summary>
public sealed record ImportError(string File, int Line, string Field, string Message)
{
    public override string ToString() =>
        Line > 0 ? $"{File} 第{Line}行 [{Field}]：{Message}" : $"{File} [{Field}]：{Message}";
}

/// <summary>Thrown when an input cannot be imported; carries every error found, not just the first.</summary>
public sealed class ImportException(IReadOnlyList<ImportError> errors)
    : Exception(string.Join(Environment.NewLine, errors))
{
    public IReadOnlyList<ImportError> Errors { get; } = errors;
}
