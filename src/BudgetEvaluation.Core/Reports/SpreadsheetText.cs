using System.Globalization;

namespace BudgetEvaluation.Core.Reports;

/// <summary>
/// Guards text that came from uploads (actuals, deviation texts, explanations) against spreadsheet formula
/// injection: a cell starting with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or carriage return is run as a
/// formula by Excel and WPS when the file is opened or the cell re-entered (OWASP "CSV injection").
/// </summary>
/// <remarks>
/// A plain number such as <c>-5</c> or <c>+3.5</c> is data, not a formula: it is left alone so that it can be written
/// as a number. Only other text is neutralised.
/// </remarks>
public static class SpreadsheetText
{
    private static readonly char[] FormulaStarts = ['=', '+', '-', '@', '\t', '\r'];

    /// <summary>True when a spreadsheet would read the text as a formula (and it is not a plain number).</summary>
    public static bool IsFormulaLike(string? text) =>
        !string.IsNullOrEmpty(text) && Array.IndexOf(FormulaStarts, text[0]) >= 0 && !TryNumber(text, out _);

    /// <summary>
    /// The text for a CSV or HTML cell: formula-like text gets a leading apostrophe, which spreadsheets show
    /// as text and never evaluate. Other text is returned unchanged.
    /// </summary>
    public static string Neutralize(string text) => IsFormulaLike(text) ? "'" + text : text;

    /// <summary>Reads a plain invariant-culture number (<c>-5</c>, <c>12.5</c>); units or other text make it not a number.</summary>
    public static bool TryNumber(string text, out double value) =>
        double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value)
        && double.IsFinite(value);
}
