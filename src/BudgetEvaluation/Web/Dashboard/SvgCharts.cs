using System.Globalization;
using System.Net;
using System.Text;

namespace BudgetEvaluation.Web.Dashboard;

/// <summary>A bar of a chart: its label, value and the CSS class that colours it.</summary>
public sealed record Bar(string Label, double Value, string Css, string? Note = null);

/// <summary>A row of a stacked bar chart: segments in order, each with its CSS class.</summary>
public sealed record StackedRow(string Label, IReadOnlyList<(int Count, string Css)> Segments);

/// <summary>
/// Charts as inline SVG: drawn on the server, so they show without script and print like the tables. Colours come
/// from the stylesheet's classes; every text is HTML-encoded.
/// </summary>
public static class SvgCharts
{
    private const double Width = 640;

    /// <summary>Vertical bars with integer counts, e.g. projects per score band.</summary>
    public static string Columns(string title, IReadOnlyList<Bar> bars, string unit)
    {
        const double height = 250, left = 40, right = 12, top = 22, bottom = 40;
        var plotWidth = Width - left - right;
        var plotHeight = height - top - bottom;
        var (max, step) = Axis(bars.Count == 0 ? 0 : bars.Max(b => b.Value));
        var svg = Open(title, height, string.Join("，", bars.Select(b => $"{b.Label} {Number(b.Value)}{unit}")));
        for (var tick = 0.0; tick <= max + 1e-9; tick += step)
        {
            var y = top + plotHeight - tick / max * plotHeight;
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"grid\" x1=\"{N(left)}\" y1=\"{N(y)}\" x2=\"{N(Width - right)}\" y2=\"{N(y)}\"/>")
                .Append(CultureInfo.InvariantCulture, $"<text class=\"axis\" x=\"{N(left - 6)}\" y=\"{N(y + 4)}\" text-anchor=\"end\">{Number(tick)}</text>");
        }
        var slot = plotWidth / Math.Max(1, bars.Count);
        var barWidth = Math.Min(72, slot * 0.6);
        for (var i = 0; i < bars.Count; i++)
        {
            var bar = bars[i];
            var barHeight = bar.Value / max * plotHeight;
            var x = left + slot * i + (slot - barWidth) / 2;
            var y = top + plotHeight - barHeight;
            svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"bar {E(bar.Css)}\" x=\"{N(x)}\" y=\"{N(y)}\" width=\"{N(barWidth)}\" height=\"{N(barHeight)}\"><title>{E(bar.Label)}：{Number(bar.Value)}{E(unit)}</title></rect>")
                .Append(CultureInfo.InvariantCulture, $"<text class=\"value\" x=\"{N(x + barWidth / 2)}\" y=\"{N(y - 6)}\" text-anchor=\"middle\">{Number(bar.Value)}</text>")
                .Append(CultureInfo.InvariantCulture, $"<text class=\"label\" x=\"{N(x + barWidth / 2)}\" y=\"{N(height - bottom + 18)}\" text-anchor=\"middle\">{E(bar.Label)}</text>");
        }
        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"baseline\" x1=\"{N(left)}\" y1=\"{N(top + plotHeight)}\" x2=\"{N(Width - right)}\" y2=\"{N(top + plotHeight)}\"/>");
        return Close(svg);
    }

    /// <summary>Horizontal bars with a note at the right, e.g. points lost per category.</summary>
    public static string Rows(string title, IReadOnlyList<Bar> bars, string unit)
    {
        const double rowHeight = 34, top = 8, labelWidth = 96, barLeft = labelWidth + 8, barWidth = 300;
        var height = top * 2 + rowHeight * Math.Max(1, bars.Count);
        var max = bars.Count == 0 ? 0 : bars.Max(b => b.Value);
        var svg = Open(title, height, string.Join("，", bars.Select(b => $"{b.Label} {b.Value:0.00}{unit}")));
        for (var i = 0; i < bars.Count; i++)
        {
            var bar = bars[i];
            var y = top + rowHeight * i;
            var length = max > 0 ? bar.Value / max * barWidth : 0;
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"label\" x=\"{N(labelWidth)}\" y=\"{N(y + 21)}\" text-anchor=\"end\">{E(bar.Label)}</text>")
                .Append(CultureInfo.InvariantCulture, $"<rect class=\"track\" x=\"{N(barLeft)}\" y=\"{N(y + 7)}\" width=\"{N(barWidth)}\" height=\"20\"/>")
                .Append(CultureInfo.InvariantCulture, $"<rect class=\"bar {E(bar.Css)}\" x=\"{N(barLeft)}\" y=\"{N(y + 7)}\" width=\"{N(length)}\" height=\"20\"><title>{E(bar.Label)}：{bar.Value.ToString("0.00", CultureInfo.InvariantCulture)}{E(unit)}</title></rect>")
                .Append(CultureInfo.InvariantCulture, $"<text class=\"value\" x=\"{N(barLeft + barWidth + 10)}\" y=\"{N(y + 21)}\">{bar.Value.ToString("0.00", CultureInfo.InvariantCulture)}{E(unit)}")
                .Append(bar.Note is null ? "" : $"<tspan class=\"note\">　{E(bar.Note)}</tspan>").Append("</text>");
        }
        return Close(svg);
    }

    /// <summary>Rows of stacked counts, each row as wide as its total relative to the largest, e.g. warnings per category.</summary>
    public static string Stacked(string title, IReadOnlyList<StackedRow> rows)
    {
        const double rowHeight = 34, top = 8, labelWidth = 96, barLeft = labelWidth + 8, barWidth = 420;
        var height = top * 2 + rowHeight * Math.Max(1, rows.Count);
        var max = rows.Count == 0 ? 0 : rows.Max(r => r.Segments.Sum(s => s.Count));
        var svg = Open(title, height, string.Join("；", rows.Select(r => $"{r.Label} {string.Join("/", r.Segments.Select(s => s.Count))}")));
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var y = top + rowHeight * i;
            var total = row.Segments.Sum(s => s.Count);
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"label\" x=\"{N(labelWidth)}\" y=\"{N(y + 21)}\" text-anchor=\"end\">{E(row.Label)}</text>");
            var x = barLeft;
            foreach (var (count, css) in row.Segments.Where(s => s.Count > 0))
            {
                var length = count / (double)max * barWidth;
                svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"bar {E(css)}\" x=\"{N(x)}\" y=\"{N(y + 7)}\" width=\"{N(length)}\" height=\"20\"><title>{E(row.Label)}：{count}</title></rect>");
                if (length >= 18)
                    svg.Append(CultureInfo.InvariantCulture, $"<text class=\"inside {E(css)}\" x=\"{N(x + length / 2)}\" y=\"{N(y + 21)}\" text-anchor=\"middle\">{count}</text>");
                x += length;
            }
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"value\" x=\"{N(x + 8)}\" y=\"{N(y + 21)}\">{total}</text>");
        }
        return Close(svg);
    }

    private static StringBuilder Open(string title, double height, string description) =>
        new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {N(Width)} {N(height)}\" role=\"img\" aria-label=\"{E(title)}\" preserveAspectRatio=\"xMinYMin meet\">")
            .Append("<title>").Append(E(title)).Append("</title><desc>").Append(E(description)).Append("</desc>");

    private static string Close(StringBuilder svg) => svg.Append("</svg>").ToString();

    /// <summary>
    /// A value axis of whole numbers: a step of 1, 2 or 5 × 10ⁿ giving at most five intervals, and the first
    /// multiple of it at or above the largest value (at least one step, so an empty chart still has an axis).
    /// </summary>
    private static (double Max, double Step) Axis(double largest)
    {
        var raw = Math.Max(1, largest / 5);
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = new[] { 1, 2, 5, 10 }.Select(m => m * magnitude).First(s => s >= raw);
        return (Math.Max(step, Math.Ceiling(largest / step) * step), step);
    }

    private static string N(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
