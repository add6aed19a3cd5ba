using System.Text;
using System.Text.Json;

namespace SpatialVlm.Evaluation;

public sealed record QualitativeMetrics(int N, double Accuracy);

/// <summary>Shares over all quantitative items (unparsed count as misses); sMAPE (a fraction in [0, 2]) and median absolute relative error over parsed ones.</summary>
public sealed record QuantitativeMetrics(int N, int Parsed, double OutputNumbers, double InRange50To200, double InRange66To150,
    double InRange75To125, double InRange90To110, double Smape, double MedianAbsRelErr);

/// <summary>Score of one type: accuracy for qualitative types, in-range [0.5, 2] share for quantitative ones.</summary>
public sealed record TypeMetrics(QuestionKind Kind, int N, double Score);

/// <summary>Ground-truth depth bin [Low, High) in meters; High is +∞ for the last bin, NaN bounds for items without depth.</summary>
public sealed record DepthBinMetrics(string Label, double Low, double High, int QualitativeN, double QualitativeAccuracy,
    int QuantitativeN, double InRange50To200, double MedianAbsRelErr);

/// <summary>All metrics of one run. <see cref="ToJson"/> writes metrics.json exactly as INTERFACES.md; depth bins go to the report.</summary>
public sealed record MetricsReport(QualitativeMetrics Qualitative, QuantitativeMetrics Quantitative,
    IReadOnlyDictionary<string, TypeMetrics> ByType, IReadOnlyList<DepthBinMetrics> ByDepth)
{
    public string ToJson()
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartObject("qualitative");
            w.WriteNumber("n", Qualitative.N);
            Write(w, "accuracy", Qualitative.Accuracy);
            w.WriteEndObject();
            var q = Quantitative;
            w.WriteStartObject("quantitative");
            w.WriteNumber("n", q.N);
            Write(w, "output_numbers", q.OutputNumbers);
            Write(w, "in_range_50_200", q.InRange50To200);
            Write(w, "in_range_66_150", q.InRange66To150);
            Write(w, "in_range_75_125", q.InRange75To125);
            Write(w, "in_range_90_110", q.InRange90To110);
            Write(w, "smape", q.Smape);
            Write(w, "median_abs_rel_err", q.MedianAbsRelErr);
            w.WriteEndObject();
            w.WriteStartObject("by_type");
            foreach (var (type, t) in ByType.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                w.WriteStartObject(type);
                w.WriteNumber("n", t.N);
                Write(w, "score", t.Score);
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray()) + "\n";
    }

    // Never NaN or infinity in the file: an undefined value (nothing to average) is written as 0.
    private static void Write(Utf8JsonWriter w, string name, double v) => w.WriteNumber(name, double.IsFinite(v) ? Math.Round(v, 6) : 0);

    /// <summary>Reads the three sections of a metrics.json (for side-by-side comparison); depth bins are not in the file.</summary>
    public static MetricsReport ParseJson(string json, string source)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            var ql = root.GetProperty("qualitative");
            var qn = root.GetProperty("quantitative");
            double D(JsonElement e, string name) => e.GetProperty(name).GetDouble();
            var byType = new SortedDictionary<string, TypeMetrics>(StringComparer.Ordinal);
            if (root.TryGetProperty("by_type", out var bt))
                foreach (var p in bt.EnumerateObject())
                    byType[p.Name] = new TypeMetrics(Questions.QuestionCatalog.TryGet(p.Name, out var type) ? type.Kind
                        : throw new FormatException($"unknown question type '{p.Name}'"), p.Value.GetProperty("n").GetInt32(), D(p.Value, "score"));
            var n = qn.GetProperty("n").GetInt32();
            return new MetricsReport(
                new QualitativeMetrics(ql.GetProperty("n").GetInt32(), D(ql, "accuracy")),
                new QuantitativeMetrics(n, (int)Math.Round(D(qn, "output_numbers") * n), D(qn, "output_numbers"), D(qn, "in_range_50_200"),
                    D(qn, "in_range_66_150"), D(qn, "in_range_75_125"), D(qn, "in_range_90_110"), D(qn, "smape"), D(qn, "median_abs_rel_err")),
                byType, []);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new Core.SpatialVlmException($"{source}: not a metrics.json of this program ({e.Message.Split('\n')[0]})", e);
        }
    }
}
