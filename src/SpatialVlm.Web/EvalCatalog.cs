using System.Globalization;
using System.Text;
using System.Text.Json;
using SpatialVlm.Core;
using SpatialVlm.Evaluation;

namespace SpatialVlm.Web;

/// <summary>
/// One eval folder as the viewer serves it: metrics.json, the plots, and predictions.jsonl indexed in one pass (line offsets
/// plus type, depth, score and error of each prediction, so pages can be filtered and sorted by error without rereading it).
/// </summary>
public sealed class EvalCatalog
{
    /// <summary>Ground-truth depth bins of the filter, in meters: [0, 1), [1, 2), [2, 3), [3, 5), [5, ∞), and "unknown" for no depth.</summary>
    public static readonly IReadOnlyList<(string Label, double Low, double High)> DepthBins =
        [("0-1 m", 0, 1), ("1-2 m", 1, 2), ("2-3 m", 2, 3), ("3-5 m", 3, 5), ("5+ m", 5, double.PositiveInfinity)];
    public const string UnknownDepth = "unknown";

    private sealed record PredictionSummary(string Id, string Type, string DepthBin, string Outcome, double SortError);

    private readonly LineIndex index;
    private readonly PredictionSummary?[] predictions;
    private readonly Dictionary<string, int> byId;

    public EvalRunSummary Summary { get; }

    private EvalCatalog(LineIndex index, PredictionSummary?[] predictions, EvalRunSummary summary)
    {
        this.index = index;
        this.predictions = predictions;
        Summary = summary;
        byId = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < predictions.Length; i++)
            if (predictions[i] is { } p) byId.TryAdd(p.Id, i);
    }

    public static EvalCatalog Open(string root)
    {
        var metricsPath = Path.Combine(root, EvalOutputs.Metrics);
        var metrics = MetricsReport.ParseJson(File.ReadAllText(metricsPath), metricsPath);
        var summaries = new List<PredictionSummary?>();
        var byType = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var bins = new Dictionary<string, int>(StringComparer.Ordinal);
        int unreadable = 0;
        var index = LineIndex.Build(Path.Combine(root, EvalOutputs.Predictions), (i, bytes) =>
        {
            var view = TryParse(Encoding.UTF8.GetString(bytes), i);
            if (view.Id.Length == 0) { unreadable++; summaries.Add(null); return; }
            summaries.Add(new PredictionSummary(view.Id, view.Type, view.DepthBin, view.Outcome, SortKey(view)));
            byType[view.Type] = byType.GetValueOrDefault(view.Type) + 1;
            bins[view.DepthBin] = bins.GetValueOrDefault(view.DepthBin) + 1;
        });
        var read = summaries.OfType<PredictionSummary>().ToList();
        var plots = Directory.GetFiles(root, "*.png").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
        var depthBins = DepthBins.Select(b => b.Label).Append(UnknownDepth).Select(l => new DepthBinCount(l, bins.GetValueOrDefault(l))).ToList();
        var summary = new EvalRunSummary(Path.GetFileName(Path.TrimEndingDirectorySeparator(root)), root, MetricsView(metrics), plots,
            File.Exists(Path.Combine(root, EvalOutputs.Report)), read.Count, unreadable, byType, depthBins,
            read.Count(p => p.Outcome == "right"), read.Count(p => p.Outcome == "wrong"), read.Count(p => p.Outcome == "not-scored"));
        return new EvalCatalog(index, [.. summaries], summary);
    }

    /// <summary>Indices of the predictions passing the filters, in file order or by error (largest first; unanswered ones first of all).</summary>
    public IReadOnlyList<int> Select(string? type, string? depth, string? outcome, string? sort)
    {
        if (sort is not (null or "file" or "error")) throw new RequestException($"sort must be 'file' or 'error', not '{sort}'");
        if (outcome is not (null or "right" or "wrong" or "not-scored")) throw new RequestException($"outcome must be right, wrong or not-scored, not '{outcome}'");
        if (depth != null && depth != UnknownDepth && DepthBins.All(b => b.Label != depth)) throw new RequestException($"unknown depth bin '{depth}'");
        var selected = Enumerable.Range(0, predictions.Length).Where(i => predictions[i] is { } p &&
            (type == null || p.Type == type) && (depth == null || p.DepthBin == depth) && (outcome == null || p.Outcome == outcome));
        if (sort == "error") selected = selected.OrderByDescending(i => predictions[i]!.SortError).ThenBy(i => i);
        return selected.ToList();
    }

    public Page<PredictionView> Page(int offset, int limit, string? type, string? depth, string? outcome, string? sort)
    {
        var selected = Select(type, depth, outcome, sort);
        return new Page<PredictionView>(selected.Count, offset, limit, selected.Skip(offset).Take(limit).Select(Read).ToList());
    }

    public int? IndexOf(string id) => byId.TryGetValue(id, out var i) ? i : null;

    /// <summary>The id and outcome of prediction <paramref name="i"/>, from the index (no read).</summary>
    public (string Id, string Outcome) Outline(int i) => predictions[i] is { } p ? (p.Id, p.Outcome) : throw new RequestException($"prediction {i} is unreadable", 422);

    public PredictionView Read(int i) => TryParse(index.Read(i), i);

    private static double SortKey(PredictionView v) =>
        v.Outcome == "not-scored" ? -1 : v.RelativeError ?? (v.Kind == "quantitative" ? double.PositiveInfinity : 1 - (v.Score ?? 0));

    private static PredictionView TryParse(string line, int i)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            var o = doc.RootElement;
            if (o.ValueKind != JsonValueKind.Object) throw new FormatException("not a JSON object");
            var kind = Str(o, "kind") ?? throw new FormatException("missing kind");
            double? depth = o.TryGetProperty("depth_m", out var d) && d.ValueKind == JsonValueKind.Number ? d.GetDouble() : null;
            double? score = o.TryGetProperty("score", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetDouble() : null;
            var expected = o.TryGetProperty("expected", out var e) ? e : default;
            var parsed = o.TryGetProperty("parsed", out var p) ? p : default;
            double? relative = kind == "quantitative" && expected.ValueKind == JsonValueKind.Number && parsed.ValueKind == JsonValueKind.Number && expected.GetDouble() > 0
                ? Math.Abs(parsed.GetDouble() - expected.GetDouble()) / expected.GetDouble() : null;
            var outcome = score is not { } sc ? "not-scored" : sc >= 0.5 ? "right" : "wrong";
            return new PredictionView(i, Str(o, "id") ?? throw new FormatException("missing id"), Str(o, "type") ?? throw new FormatException("missing type"),
                kind, Str(o, "image") ?? "", Str(o, "question") ?? "", Display(expected, kind), depth, Bin(depth), Str(o, "answer"), Display(parsed, kind),
                score, Str(o, "error"), relative, outcome);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            return new PredictionView(i, "", "", "", "", "", "", null, UnknownDepth, null, "", null,
                $"{EvalOutputs.Predictions} line {i + 1}: {(e is JsonException ? "not valid JSON" : e.Message.Split('\n')[0])}", null, "not-scored");
        }
    }

    private static string Bin(double? depth) =>
        depth is not { } d ? UnknownDepth : DepthBins.First(b => d >= b.Low && d < b.High || b.High == double.PositiveInfinity).Label;

    private static string? Str(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string Display(JsonElement v, string kind) => v.ValueKind switch
    {
        JsonValueKind.True => "yes",
        JsonValueKind.False => "no",
        JsonValueKind.String => v.GetString()!,
        JsonValueKind.Number => v.GetDouble().ToString("0.####", CultureInfo.InvariantCulture) + (kind == "quantitative" ? " m" : ""),
        _ => "—",
    };

    private static EvalMetricsView MetricsView(MetricsReport m) => new(m.Qualitative.N, m.Qualitative.Accuracy, m.Quantitative.N,
        m.Quantitative.OutputNumbers, m.Quantitative.InRange50To200, m.Quantitative.InRange66To150, m.Quantitative.InRange75To125,
        m.Quantitative.InRange90To110, m.Quantitative.Smape, m.Quantitative.MedianAbsRelErr,
        m.ByType.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new TypeScoreView(kv.Key, kv.Value.Kind.ToString().ToLowerInvariant(), kv.Value.N, kv.Value.Score)).ToList());
}
