using System.Globalization;
using System.Text;
using SpatialVlm.Contracts.Dataset;
using SpatialVlm.Questions;
using System.Text.RegularExpressions;

namespace SpatialVlm.Synthesis.Dataset;

/// <summary>Statistics of a finished dataset, and its card (README.md) for people.</summary>
public sealed record DatasetStatistics(
    int Images,
    int FailedImages,
    int CanonicalizedImages,
    int QaTotal,
    SortedDictionary<string, int> QaByType,
    SortedDictionary<string, int> UnitMix,
    SortedDictionary<int, int> ObjectsPerImage,
    SortedDictionary<string, int> SkipReasons,
    SortedDictionary<string, int> FailureReasons,
    double? MedianGravityDisagreementDegrees)
{
    private static readonly Regex Unit = new(@"\b(mm|millimet(er|re)s?|cm|centimet(er|re)s?|m|met(er|re)s?|km|in|inch(es)?|ft|feet|foot|yards?|yd)\b", RegexOptions.IgnoreCase | RegexOptions.Compiled);

    public static DatasetStatistics Compute(IEnumerable<DatasetRecord> records, IReadOnlyList<(string Id, string Reason)> failures)
    {
        var byType = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var units = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var objects = new SortedDictionary<int, int>();
        var skips = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var gravity = new List<double>();
        int images = 0, qa = 0, canon = 0;
        foreach (var r in records)
        {
            images++;
            if (r.Canonicalized) canon++;
            objects[r.Objects.Count] = objects.GetValueOrDefault(r.Objects.Count) + 1;
            if (r.Frame.GravityDisagreementDegrees is { } g) gravity.Add(g);
            foreach (var item in r.Qa)
            {
                qa++;
                byType[item.Type.Id] = byType.GetValueOrDefault(item.Type.Id) + 1;
                if (item.Type.Kind == QuestionKind.Quantitative)
                {
                    var unit = UnitFamily(item.Answer);
                    units[unit] = units.GetValueOrDefault(unit) + 1;
                }
            }
            foreach (var s in r.Skipped)
            {
                var key = $"{s.Scope}: {Generalize(s.Reason)}";
                skips[key] = skips.GetValueOrDefault(key) + 1;
            }
            foreach (var (reason, count) in r.SkippedQuestions)
            {
                var key = $"question: {reason}";
                skips[key] = skips.GetValueOrDefault(key) + count;
            }
        }
        var failureReasons = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (_, reason) in failures) failureReasons[Generalize(reason)] = failureReasons.GetValueOrDefault(Generalize(reason)) + 1;
        gravity.Sort();
        return new DatasetStatistics(images, failures.Count, canon, qa, byType, units, objects, skips, failureReasons,
            gravity.Count > 0 ? gravity[gravity.Count / 2] : null);
    }

    /// <summary>Which unit family an answer's number is written in.</summary>
    public static string UnitFamily(string answer)
    {
        var m = Unit.Match(answer);
        if (!m.Success) return "none";
        var u = m.Value.ToLowerInvariant();
        if (u == "mm" || u.StartsWith("millimet", StringComparison.Ordinal)) return "mm";
        if (u == "cm" || u.StartsWith("centimet", StringComparison.Ordinal)) return "cm";
        if (u == "km") return "km";
        if (u == "m" || u.StartsWith("met", StringComparison.Ordinal)) return "m";
        if (u == "in" || u.StartsWith("inch", StringComparison.Ordinal)) return "in";
        if (u is "ft" or "feet" or "foot") return "ft";
        return "yd";
    }

    // Numbers inside reasons ("12 < 40") would make every reason unique; the card groups by wording.
    private static string Generalize(string reason) => Regex.Replace(reason, @"\d+(\.\d+)?", "N");

    /// <param name="overlays">How many overlay pictures OUT/overlays/ holds, or null when the run drew none.</param>
    public string ToMarkdown(string title, IEnumerable<string> policyLines, int? overlays = null)
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine($"# {title}").AppendLine();
        sb.AppendLine("Spatial question-answer pairs made by SpatialVLM.NET's data engine (`spatialvlm synth`).").AppendLine();
        sb.AppendLine("| | |").AppendLine("|---|---|");
        sb.AppendLine(inv, $"| images | {Images} |");
        sb.AppendLine(inv, $"| images that failed | {FailedImages} |");
        sb.AppendLine(inv, $"| canonicalized images | {CanonicalizedImages} |");
        sb.AppendLine(inv, $"| QA pairs | {QaTotal} |");
        sb.AppendLine(inv, $"| QA per image | {(Images > 0 ? (double)QaTotal / Images : 0):0.0} |");
        sb.AppendLine(inv, $"| question types present | {QaByType.Count} of 43 |");
        if (MedianGravityDisagreementDegrees is { } g) sb.AppendLine(inv, $"| median angle between known and estimated gravity | {g:0.00}° |");
        sb.AppendLine();
        if (overlays is { } n)
        {
            sb.AppendLine("## Overlays").AppendLine();
            sb.AppendLine(inv, $"`overlays/<id>.png` ({n} pictures) shows what the engine saw in each image: every object's mask tinted in its own colour with the name the questions use and its measured size (width × length × height, m); its measured upright box as a wireframe, dashed when the object gets no size questions; the support plane's pixels lightly shaded; objects left out in grey with the reason; for photos, dropped detections as thin dashed boxes. The legend gives how the frame was found (known gravity, estimated, or the camera fallback) and the camera's angle; a failed image's picture carries the reason in a red banner.");
            sb.AppendLine();
        }
        sb.AppendLine("## Margin policy");
        foreach (var line in policyLines) sb.AppendLine($"- {line}");
        sb.AppendLine();
        Table(sb, "QA per type", "type", QaByType.Select(kv => (kv.Key, kv.Value)));
        Table(sb, "Units in quantitative answers", "unit", UnitMix.Select(kv => (kv.Key, kv.Value)));
        Table(sb, "Objects per image", "objects", ObjectsPerImage.Select(kv => (kv.Key.ToString(inv), kv.Value)));
        Table(sb, "Skipped (objects, images, questions) by reason", "reason", SkipReasons.Select(kv => (kv.Key, kv.Value)));
        Table(sb, "Failed images by reason", "reason", FailureReasons.Select(kv => (kv.Key, kv.Value)));
        return sb.ToString();
    }

    private static void Table(StringBuilder sb, string title, string key, IEnumerable<(string Key, int Count)> rows)
    {
        sb.AppendLine($"## {title}").AppendLine();
        sb.AppendLine($"| {key} | count |").AppendLine("|---|---:|");
        var any = false;
        foreach (var (k, c) in rows) { sb.AppendLine($"| {k} | {c} |"); any = true; }
        if (!any) sb.AppendLine("| (none) | 0 |");
        sb.AppendLine();
    }
}
