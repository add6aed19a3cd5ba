using System.Text;
using SpatialVlm.Core;

namespace SpatialVlm.Evaluation;

/// <summary>Writes a run's files into its output folder, each atomically: predictions.jsonl, metrics.json, report.md and the three plots.</summary>
public static class EvalOutputs
{
    public const string Predictions = "predictions.jsonl", Metrics = "metrics.json", Report = "report.md";

    public static void Write(string outDir, EvalResult run, MetricsOptions options)
    {
        Directory.CreateDirectory(outDir);
        var lines = new StringBuilder();
        foreach (var p in run.Predictions) lines.Append(p.ToJsonLine()).Append('\n');
        AtomicFile.WriteAllText(Path.Combine(outDir, Predictions), lines.ToString());
        AtomicFile.WriteAllText(Path.Combine(outDir, Metrics), run.Metrics.ToJson());
        AtomicFile.WriteAllBytes(Path.Combine(outDir, ReportMarkdown.ScorePlot), ReportPlots.ScoreByType(run.Metrics));
        AtomicFile.WriteAllBytes(Path.Combine(outDir, ReportMarkdown.ScatterPlot), ReportPlots.PredictedVsTrue(run.Predictions, options));
        AtomicFile.WriteAllBytes(Path.Combine(outDir, ReportMarkdown.DepthPlot), ReportPlots.InRangeByDepth(run.Metrics.ByDepth));
        AtomicFile.WriteAllText(Path.Combine(outDir, Report), ReportMarkdown.Build(run, options));
    }
}
