using System.Globalization;
using SkiaSharp;

namespace SpatialVlm.Evaluation;

/// <summary>The report's charts as PNG bytes: score per type, predicted vs true length on log axes, and in-range share per depth bin (the paper's Fig. 11).</summary>
public static class ReportPlots
{
    /// <summary>Horizontal bars, one per type: accuracy (qualitative, blue) or in-range [0.5, 2] share (quantitative, orange).</summary>
    public static byte[] ScoreByType(MetricsReport metrics)
    {
        var types = metrics.ByType.OrderBy(kv => kv.Value.Kind == QuestionKind.Quantitative).ThenBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        const float rowHeight = 22;
        using var plot = new PlotCanvas(900, (int)(90 + rowHeight * Math.Max(types.Count, 1)), 200, 40, 110, 50);
        var area = plot.Area;
        plot.Text("Score per question type (accuracy; in-range [0.5, 2] for lengths)", area.Left, 24, 15, bold: true);
        for (int t = 0; t <= 10; t += 2)
        {
            var x = area.Left + area.Width * t / 10f;
            plot.Line(x, area.Top, x, area.Bottom, PlotCanvas.Grid);
            plot.Text((t / 10.0).ToString("0.0", CultureInfo.InvariantCulture), x, area.Bottom + 18, 12, SKTextAlign.Center);
        }
        for (int i = 0; i < types.Count; i++)
        {
            var (name, m) = (types[i].Key, types[i].Value);
            var y = area.Top + i * rowHeight;
            var color = m.Kind == QuestionKind.Quantitative ? PlotCanvas.Quantitative : PlotCanvas.Qualitative;
            plot.Rect(new SKRect(area.Left, y + 3, area.Left + (float)(area.Width * Math.Clamp(m.Score, 0, 1)), y + rowHeight - 3), color);
            plot.Text(name, area.Left - 8, y + rowHeight - 7, 12, SKTextAlign.Right);
            plot.Text($"{m.Score:0.00} (n={m.N})", area.Right + 4, y + rowHeight - 7, 11);
        }
        plot.Frame();
        return plot.EncodePng();
    }

    /// <summary>Predicted against true length for parsed quantitative answers, log-log, with y = x and the factor-2 band.</summary>
    public static byte[] PredictedVsTrue(IReadOnlyList<Prediction> predictions, MetricsOptions options)
    {
        var points = predictions
            .Where(p => p.Counted && p.Item.ExpectedMeters is not null && p.Parsed.Meters is not null)
            .Select(p => (True: Math.Max(p.Item.ExpectedMeters!.Value, options.FloorMeters), Pred: Math.Max(p.Parsed.Meters!.Value, options.FloorMeters)))
            .ToList();
        var all = points.SelectMany(p => new[] { p.True, p.Pred }).DefaultIfEmpty(1).ToList();
        var lo = Math.Floor(Math.Log10(all.Min()));
        var hi = Math.Max(Math.Ceiling(Math.Log10(all.Max())), lo + 1);
        using var plot = new PlotCanvas(640, 640, 80, 50, 30, 70);
        var area = plot.Area;
        float X(double m) => area.Left + (float)((Math.Log10(m) - lo) / (hi - lo)) * area.Width;
        float Y(double m) => area.Bottom - (float)((Math.Log10(m) - lo) / (hi - lo)) * area.Height;
        plot.Text($"Predicted vs true length (n={points.Count} parsed answers)", area.Left, 28, 15, bold: true);
        for (var e = lo; e <= hi; e++)
        {
            var v = Math.Pow(10, e);
            var label = v.ToString("0.###", CultureInfo.InvariantCulture) + " m";
            plot.Line(X(v), area.Top, X(v), area.Bottom, PlotCanvas.Grid);
            plot.Line(area.Left, Y(v), area.Right, Y(v), PlotCanvas.Grid);
            plot.Text(label, X(v), area.Bottom + 18, 12, SKTextAlign.Center);
            plot.Text(label, area.Left - 6, Y(v) + 4, 12, SKTextAlign.Right);
        }
        var (a, b) = (Math.Pow(10, lo), Math.Pow(10, hi));
        plot.Canvas.Save();
        plot.Canvas.ClipRect(area);
        plot.Line(X(a), Y(a), X(b), Y(b), PlotCanvas.Ink, 1.5f);
        plot.Line(X(a), Y(2 * a), X(b), Y(2 * b), PlotCanvas.Ink, 1, dashed: true);
        plot.Line(X(a), Y(0.5 * a), X(b), Y(0.5 * b), PlotCanvas.Ink, 1, dashed: true);
        foreach (var (t, p) in points)
        {
            var inRange = ItemScoring.InBand(p / t, ItemScoring.Bands[0]);
            plot.Dot(X(t), Y(p), 3.5f, inRange ? PlotCanvas.Qualitative.WithAlpha(180) : PlotCanvas.Quantitative.WithAlpha(200));
        }
        plot.Canvas.Restore();
        plot.Text("true length (log)", area.MidX, area.Bottom + 45, 13, SKTextAlign.Center);
        plot.VerticalText("predicted length (log)", 22, area.MidY);
        plot.Frame();
        return plot.EncodePng();
    }

    /// <summary>Per ground-truth depth bin: quantitative in-range [0.5, 2] share (orange) and qualitative accuracy (blue).</summary>
    public static byte[] InRangeByDepth(IReadOnlyList<DepthBinMetrics> bins)
    {
        using var plot = new PlotCanvas(120 + 110 * Math.Max(bins.Count, 1), 420, 70, 50, 30, 80);
        var area = plot.Area;
        plot.Text("By ground-truth depth: in-range [0.5, 2] (orange), qualitative accuracy (blue)", 10, 28, 14, bold: true);
        for (int t = 0; t <= 10; t += 2)
        {
            var y = area.Bottom - area.Height * t / 10f;
            plot.Line(area.Left, y, area.Right, y, PlotCanvas.Grid);
            plot.Text((t / 10.0).ToString("0.0", CultureInfo.InvariantCulture), area.Left - 6, y + 4, 12, SKTextAlign.Right);
        }
        var slot = area.Width / Math.Max(bins.Count, 1);
        for (int i = 0; i < bins.Count; i++)
        {
            var bin = bins[i];
            var x0 = area.Left + i * slot;
            var w = slot * 0.35f;
            if (bin.QuantitativeN > 0)
                plot.Rect(new SKRect(x0 + slot * 0.12f, area.Bottom - area.Height * (float)bin.InRange50To200, x0 + slot * 0.12f + w, area.Bottom), PlotCanvas.Quantitative);
            if (bin.QualitativeN > 0)
                plot.Rect(new SKRect(x0 + slot * 0.53f, area.Bottom - area.Height * (float)bin.QualitativeAccuracy, x0 + slot * 0.53f + w, area.Bottom), PlotCanvas.Qualitative);
            plot.Text(bin.Label, x0 + slot / 2, area.Bottom + 18, 12, SKTextAlign.Center);
            plot.Text($"n={bin.QuantitativeN}/{bin.QualitativeN}", x0 + slot / 2, area.Bottom + 34, 10, SKTextAlign.Center);
        }
        plot.Text("ground-truth depth of the pair (n = lengths / qualitative)", area.MidX, area.Bottom + 62, 13, SKTextAlign.Center);
        plot.Frame();
        return plot.EncodePng();
    }
}
