using System.Globalization;
using System.Text;

namespace SpatialVlm.Evaluation;

/// <summary>report.md of a run: headline metrics, a table per type and per depth bin, the plots, and what failed.</summary>
public static class ReportMarkdown
{
    public const string ScorePlot = "accuracy_by_type.png", ScatterPlot = "distance_scatter.png", DepthPlot = "in_range_by_depth.png";
    private const int ListedFailures = 30;

    public static string Build(EvalResult run, MetricsOptions options)
    {
        var m = run.Metrics;
        var q = m.Quantitative;
        var sb = new StringBuilder();
        sb.AppendLine($"# Spatial VQA evaluation: `{run.ModelSpec}`").AppendLine();
        sb.AppendLine($"Benchmark `{run.Benchmark}`: {run.Predictions.Count} questions asked, {run.Failed} failed to answer (scored wrong), " +
                      $"{run.NotAsked} not asked (image missing, not scored), {run.Problems.Count} malformed benchmark lines skipped.").AppendLine();
        sb.AppendLine("| metric | value |").AppendLine("|---|---|");
        sb.AppendLine($"| qualitative questions | {m.Qualitative.N} |");
        sb.AppendLine($"| qualitative accuracy | {Pct(m.Qualitative.Accuracy, m.Qualitative.N)} |");
        sb.AppendLine($"| quantitative questions | {q.N} |");
        sb.AppendLine($"| output numbers | {Pct(q.OutputNumbers, q.N)} |");
        sb.AppendLine($"| in range [0.5, 2] | {Pct(q.InRange50To200, q.N)} |");
        sb.AppendLine($"| in range [0.667, 1.5] | {Pct(q.InRange66To150, q.N)} |");
        sb.AppendLine($"| in range [0.75, 1.25] | {Pct(q.InRange75To125, q.N)} |");
        sb.AppendLine($"| in range [0.9, 1.1] | {Pct(q.InRange90To110, q.N)} |");
        sb.AppendLine($"| sMAPE (parsed) | {Num(q.Smape, q.Parsed)} |");
        sb.AppendLine($"| median abs. relative error (parsed) | {Num(q.MedianAbsRelErr, q.Parsed)} |").AppendLine();

        sb.AppendLine("## Per question type").AppendLine();
        sb.AppendLine("| type | kind | n | answers read | score |").AppendLine("|---|---|---:|---:|---:|");
        var counted = run.Predictions.Where(p => p.Counted).ToList();
        foreach (var (type, t) in m.ByType.OrderBy(kv => kv.Value.Kind == QuestionKind.Quantitative).ThenBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var read = counted.Where(p => p.Item.Type.Id == type).Count(p => p.Parsed.IsParsed);
            sb.AppendLine($"| {type} | {t.Kind.ToString().ToLowerInvariant()} | {t.N} | {Pct((double)read / Math.Max(t.N, 1), t.N)} | {Pct(t.Score, t.N)} |");
        }
        sb.AppendLine().AppendLine("Score: accuracy for qualitative types, share within [0.5, 2] of the truth for quantitative ones.").AppendLine();

        sb.AppendLine("## By ground-truth depth").AppendLine();
        sb.AppendLine("| depth | qualitative n | accuracy | quantitative n | in range [0.5, 2] | median abs. rel. error |").AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var b in m.ByDepth)
            sb.AppendLine($"| {b.Label} | {b.QualitativeN} | {Pct(b.QualitativeAccuracy, b.QualitativeN)} | {b.QuantitativeN} | {Pct(b.InRange50To200, b.QuantitativeN)} | {Num(b.MedianAbsRelErr, b.QuantitativeN)} |");
        sb.AppendLine();

        sb.AppendLine("## Plots").AppendLine();
        sb.AppendLine($"![score per type]({ScorePlot})").AppendLine();
        sb.AppendLine($"![predicted vs true length]({ScatterPlot})").AppendLine();
        sb.AppendLine($"![in-range share per depth bin]({DepthPlot})").AppendLine();

        var failed = run.Predictions.Where(p => p.Counted && p.Error != null).ToList();
        if (failed.Count > 0)
        {
            sb.AppendLine($"## Failed answers ({failed.Count})").AppendLine();
            sb.AppendLine("| id | type | error |").AppendLine("|---|---|---|");
            foreach (var p in failed.Take(ListedFailures)) sb.AppendLine($"| {Cell(p.Item.Id)} | {p.Item.Type} | {Cell(p.Error!)} |");
            if (failed.Count > ListedFailures) sb.AppendLine($"| … | | {failed.Count - ListedFailures} more in predictions.jsonl |");
            sb.AppendLine();
        }
        var unread = run.Predictions.Where(p => p.Counted && p.Error == null && !p.Parsed.IsParsed).ToList();
        if (unread.Count > 0)
        {
            sb.AppendLine($"## Answers that could not be read ({unread.Count}, scored wrong)").AppendLine();
            sb.AppendLine("| id | type | answer |").AppendLine("|---|---|---|");
            foreach (var p in unread.Take(ListedFailures)) sb.AppendLine($"| {Cell(p.Item.Id)} | {p.Item.Type} | {Cell(Shorten(p.Raw ?? ""))} |");
            if (unread.Count > ListedFailures) sb.AppendLine($"| … | | {unread.Count - ListedFailures} more in predictions.jsonl |");
            sb.AppendLine();
        }
        var notAsked = run.Predictions.Where(p => !p.Counted).ToList();
        if (notAsked.Count > 0)
        {
            sb.AppendLine($"## Not asked ({notAsked.Count})").AppendLine();
            foreach (var p in notAsked.Take(ListedFailures)) sb.AppendLine($"- line {p.Item.Line}, `{Cell(p.Item.Id)}`: {Cell(p.Error ?? "")}");
            sb.AppendLine();
        }
        if (run.Problems.Count > 0)
        {
            sb.AppendLine($"## Malformed benchmark lines ({run.Problems.Count})").AppendLine();
            foreach (var p in run.Problems.Take(ListedFailures)) sb.AppendLine($"- {Cell(p.ToString())}");
            sb.AppendLine();
        }
        sb.AppendLine("## Definitions").AppendLine();
        sb.AppendLine($"- Lengths below {options.FloorMeters.ToString("0.###", CultureInfo.InvariantCulture)} m are raised to it before ratios, so zero or tiny ground truths (touching objects) are scored.");
        sb.AppendLine("- In-range bounds are inclusive; [0.667, 1.5] uses 1/1.5. Unparsed and failed answers count as misses in the shares.");
        sb.AppendLine("- sMAPE = mean of 2|p − t| / (p + t) over parsed answers, as a fraction (0 to 2); relative error = |p − t| / t.");
        sb.AppendLine("- Empty groups show n/a here and 0 in metrics.json.");
        return sb.ToString();
    }

    private static string Pct(double share, int n) => n == 0 ? "n/a" : (100 * share).ToString("0.0", CultureInfo.InvariantCulture) + " %";
    private static string Num(double v, int n) => n == 0 ? "n/a" : v.ToString("0.000", CultureInfo.InvariantCulture);
    private static string Shorten(string s) => s.Length <= 160 ? s : s[..160] + "…";
    private static string Cell(string s) => s.Replace("|", "\\|").Replace("\n", " ");
}
