using System.Globalization;
using System.Text;
using SkiaSharp;
using SpatialVlm.Core;
using SpatialVlm.Evaluation;

namespace SpatialVlm.Rewards;

/// <summary>Writes a reward run as rewards.json, rewards.csv and rewards.png, each atomically.</summary>
public static class RewardOutputs
{
    public const string JsonFile = "rewards.json", CsvFile = "rewards.csv", PngFile = "rewards.png";

    public static void Write(string outDir, RewardRun run)
    {
        Directory.CreateDirectory(outDir);
        AtomicFile.WriteAllText(Path.Combine(outDir, CsvFile), Csv(run));
        AtomicFile.WriteAllBytes(Path.Combine(outDir, PngFile), Plot(run));
        // Last: a folder with rewards.json holds a whole run.
        AtomicFile.WriteAllText(Path.Combine(outDir, JsonFile), run.ToJson());
    }

    /// <summary>One row per frame; empty cells for a frame without a distance, whose failure column says why.</summary>
    public static string Csv(RewardRun run)
    {
        var sb = new StringBuilder("frame,image,distance_m,spread_m,samples,smoothed_distance_m,reward,smoothed_reward,progress,failure\n");
        foreach (var f in run.Frames)
            sb.Append(CultureInfo.InvariantCulture,
                $"{f.Index},{Cell(f.Image)},{N(f.Distance)},{N(f.Spread)},{f.Samples.Count},{N(f.SmoothedDistance)},{N(f.Reward)},{N(f.SmoothedReward)},{N(f.Progress)},{Cell(f.Failure ?? "")}\n");
        return sb.ToString();
    }

    private static string N(double? v) => v is { } x ? x.ToString("0.######", CultureInfo.InvariantCulture) : "";

    private static string Cell(string text) =>
        text.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + text.Replace("\"", "\"\"").ReplaceLineEndings(" ") + "\"" : text;

    private static readonly SKColor Band = PlotCanvas.Qualitative.WithAlpha(60);
    private static readonly SKColor Raw = PlotCanvas.Qualitative.WithAlpha(170);
    private static readonly SKColor Gap = new(0xc0, 0x39, 0x2b);

    /// <summary>
    /// Two panels over the frame index: the reward (−distance; dots as answered, the spread shaded around them, the
    /// smoothed curve as a line) and the progress. A frame without a distance breaks the lines and is marked in red.
    /// </summary>
    public static byte[] Plot(RewardRun run)
    {
        using var plot = new PlotCanvas(960, 600, 80, 56, 30, 60);
        var area = plot.Area;
        const float between = 40;
        var top = new SKRect(area.Left, area.Top, area.Right, area.Top + (area.Height - between) * 0.68f);
        var bottom = new SKRect(area.Left, top.Bottom + between, area.Right, area.Bottom);
        var n = run.Frames.Count;
        float X(int i) => n <= 1 ? (area.Left + area.Right) / 2 : area.Left + 8 + (area.Width - 16) * i / (n - 1f);

        // Reward range: every answered mean ± spread and every smoothed value.
        var values = run.Frames.Where(f => f.Reward is not null).SelectMany(f => new[] { f.Reward!.Value - f.Spread!.Value, f.Reward!.Value + f.Spread!.Value })
            .Concat(run.Frames.Where(f => f.SmoothedReward is not null).Select(f => f.SmoothedReward!.Value)).ToList();
        double lo = values.Count > 0 ? values.Min() : -1, hi = values.Count > 0 ? values.Max() : 0;
        if (hi - lo < 1e-3) { lo -= 0.05; hi += 0.05; }
        var pad = (hi - lo) * 0.08; lo -= pad; hi += pad;
        float Y(double v) => (float)(top.Bottom - (v - lo) / (hi - lo) * top.Height);
        float P(double v) => (float)(bottom.Bottom - v * bottom.Height);

        plot.Text($"reward along the sequence: −distance({run.A}, {run.B}), {run.Model}", area.Left, 22, 15, bold: true);
        plot.Text($"{run.SamplesPerFrame} sample(s) per frame · smoothing {run.Smoothing.Name} · {run.Camera.Mode} camera · {run.Answered}/{n} frames answered", area.Left, 42, 12);

        foreach (var t in Ticks(lo, hi))
        {
            plot.Line(top.Left, Y(t), top.Right, Y(t), PlotCanvas.Grid);
            plot.Text(t.ToString("0.###", CultureInfo.InvariantCulture), top.Left - 6, Y(t) + 4, 11, SKTextAlign.Right);
        }
        foreach (var v in new[] { 0.0, 0.5, 1.0 })
        {
            plot.Line(bottom.Left, P(v), bottom.Right, P(v), PlotCanvas.Grid);
            plot.Text(v.ToString("0.0", CultureInfo.InvariantCulture), bottom.Left - 6, P(v) + 4, 11, SKTextAlign.Right);
        }
        var step = Math.Max(1, (int)Math.Ceiling(n / 12.0));
        for (int i = 0; i < n; i += step) plot.Text(i.ToString(CultureInfo.InvariantCulture), X(i), bottom.Bottom + 16, 11, SKTextAlign.Center);

        // Runs of consecutive answered frames: the shaded spread, and the smoothed line, each broken at gaps.
        foreach (var segment in Segments(run.Frames, f => f.Reward is not null))
        {
            var upper = segment.Select(f => new SKPoint(X(f.Index), Y(f.Reward!.Value + f.Spread!.Value)));
            var lower = segment.AsEnumerable().Reverse().Select(f => new SKPoint(X(f.Index), Y(f.Reward!.Value - f.Spread!.Value)));
            if (segment.Count > 1) plot.Polygon(upper.Concat(lower).ToList(), Band);
            else foreach (var f in segment) plot.Line(X(f.Index), Y(f.Reward!.Value + f.Spread!.Value), X(f.Index), Y(f.Reward!.Value - f.Spread!.Value), Band, 4);
        }
        foreach (var segment in Segments(run.Frames, f => f.SmoothedReward is not null))
            for (int k = 1; k < segment.Count; k++)
            {
                plot.Line(X(segment[k - 1].Index), Y(segment[k - 1].SmoothedReward!.Value), X(segment[k].Index), Y(segment[k].SmoothedReward!.Value), PlotCanvas.Quantitative, 2.2f);
                plot.Line(X(segment[k - 1].Index), P(segment[k - 1].Progress!.Value), X(segment[k].Index), P(segment[k].Progress!.Value), PlotCanvas.Quantitative, 2f);
            }
        foreach (var f in run.Frames)
        {
            if (f.Reward is { } r) plot.Dot(X(f.Index), Y(r), 3f, Raw);
            if (f.Progress is { } p) plot.Dot(X(f.Index), P(p), 2.5f, PlotCanvas.Quantitative);
            if (f.Failure is not null)
            {
                // A gap: a red band across both panels at the frame.
                var half = Math.Max(2f, (X(1) - X(0)) * 0.35f);
                plot.Rect(new SKRect(X(f.Index) - half, top.Top, X(f.Index) + half, top.Bottom), Gap.WithAlpha(40));
                plot.Rect(new SKRect(X(f.Index) - half, bottom.Top, X(f.Index) + half, bottom.Bottom), Gap.WithAlpha(40));
                plot.Text("×", X(f.Index), top.Bottom - 4, 13, SKTextAlign.Center, Gap, bold: true);
            }
        }
        using (var frame = new SKPaint { Color = PlotCanvas.Ink, StrokeWidth = 1, Style = SKPaintStyle.Stroke })
        {
            plot.Canvas.DrawRect(top, frame);
            plot.Canvas.DrawRect(bottom, frame);
        }
        plot.VerticalText("reward (−m)", 22, top.MidY);
        plot.VerticalText("progress", 22, bottom.MidY);
        plot.Text("frame", area.MidX, bottom.Bottom + 36, 12, SKTextAlign.Center);
        // Legend.
        float lx = top.Right - 300, ly = top.Top + 16;
        plot.Dot(lx, ly - 4, 3f, Raw); plot.Text("answered (mean)", lx + 8, ly, 11);
        plot.Rect(new SKRect(lx + 110, ly - 9, lx + 124, ly + 1), Band); plot.Text("± spread", lx + 128, ly, 11);
        plot.Line(lx + 188, ly - 4, lx + 204, ly - 4, PlotCanvas.Quantitative, 2.2f); plot.Text("smoothed", lx + 208, ly, 11);
        plot.Text("× no distance (gap)", lx + 110, ly + 16, 11, color: Gap);
        return plot.EncodePng();
    }

    private static List<List<RewardFrame>> Segments(IReadOnlyList<RewardFrame> frames, Func<RewardFrame, bool> present)
    {
        var segments = new List<List<RewardFrame>>();
        List<RewardFrame>? current = null;
        foreach (var f in frames)
        {
            if (!present(f)) { current = null; continue; }
            if (current is null) segments.Add(current = []);
            current.Add(f);
        }
        return segments;
    }

    private static IEnumerable<double> Ticks(double lo, double hi)
    {
        var raw = (hi - lo) / 5;
        var mag = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = new[] { 1, 2, 5, 10 }.Select(k => k * mag).First(s => s >= raw);
        for (var t = Math.Ceiling(lo / step) * step; t <= hi + 1e-12; t += step) yield return Math.Round(t, 10);
    }
}
