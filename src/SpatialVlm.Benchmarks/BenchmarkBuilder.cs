using System.Text.Json.Nodes;
using SpatialVlm.Contracts.Dataset;
using SpatialVlm.Core;
using SpatialVlm.Questions;
using SpatialVlm.Synthesis;

using SpatialVlm.Evaluation;

namespace SpatialVlm.Benchmarks;

/// <summary>Options for building a held-out benchmark.</summary>
public sealed record BenchmarkBuildOptions
{
    /// <summary>Questions drawn per scene or frame (balanced over types as in the data engine). Default 10.</summary>
    public int QuestionsPerScene { get; init; } = 10;
    /// <summary>Stop after this many questions in all (0 = no limit). Default 0.</summary>
    public int MaxQuestions { get; init; }
    /// <summary>Mixed into each scene's seed so a benchmark never repeats a training draw. Default 1.</summary>
    public long Seed { get; init; } = 1;
    /// <summary>Share of quantitative questions; types within each half stay balanced. Default 0.5 (the paper's two halves).</summary>
    public double QuantitativeShare { get; init; } = 0.5;
    /// <summary>Training dataset.jsonl files: a scene or frame whose id is a record id there is left out. Default none.</summary>
    public IReadOnlyList<string> ExcludeDatasets { get; init; } = [];
    /// <summary>How annotated RGB-D frames are measured (the data engine's defaults).</summary>
    public SynthesisOptions Synthesis { get; init; } = new();
}

/// <summary>What a build wrote: question counts by kind and type, the source, and the frames left out.</summary>
public sealed record BenchmarkSummary(int Questions, int Qualitative, int Quantitative, int Images, IReadOnlyDictionary<string, int> ByType,
    BenchmarkSource Source, string CardPath);

/// <summary>
/// Builds benchmark .jsonl (INTERFACES.md) from scene folders (exact answers from ground-truth boxes) or annotated
/// RGB-D frames (answers measured from sensor depth inside human annotations), and a card beside it
/// (<c>NAME.card.md</c>) stating the source, the truth, the composition and the held-out rule. Image paths are
/// written relative to the benchmark file's folder; each line records the pair's depth from the camera.
/// </summary>
public static class BenchmarkBuilder
{
    public static BenchmarkSummary Build(string fromDir, string outFile, BenchmarkBuildOptions options)
    {
        if (!(options.QuantitativeShare > 0 && options.QuantitativeShare < 1))
            throw new SpatialVlmException($"quantitative share must lie strictly between 0 and 1, got {options.QuantitativeShare}");
        if (options.QuestionsPerScene < 1) throw new SpatialVlmException($"questions per scene must be positive, got {options.QuestionsPerScene}");
        var excluded = ExcludedIds(options.ExcludeDatasets);
        var source = BenchmarkSources.Open(fromDir, excluded, options.Synthesis);
        if (source.Scenes.Count == 0) throw new SpatialVlmException($"{fromDir}: every scene is excluded ({source.Skipped.Count} left out)");

        // Two engines, one per half, so every scene contributes to both in the requested proportion.
        var quantitativeCount = (int)Math.Round(options.QuestionsPerScene * options.QuantitativeShare);
        var halves = new[] { (Quantitative: false, Count: options.QuestionsPerScene - quantitativeCount), (Quantitative: true, Count: quantitativeCount) }
            .Where(h => h.Count > 0)
            .Select(h => new QuestionEngine(source.Questions with { QaPerImage = h.Count, TypeWeights = HalfWeights(h.Quantitative) }))
            .ToList();
        var outFolder = Path.GetDirectoryName(Path.GetFullPath(outFile))!;
        var lines = new List<string>();
        var byType = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int qualitative = 0, images = 0;
        foreach (var scene in source.Scenes)
        {
            if (options.MaxQuestions > 0 && lines.Count >= options.MaxQuestions) break;
            var rng = new Random((int)StableHash.Fnv1a32(scene.Id) ^ (int)options.Seed);
            var sets = halves.Select(e => e.Generate(scene.Objects, scene.Canonicalized, rng, scene.Gap)).ToList();
            var names = sets[0].Names;
            var byId = scene.Objects.ToDictionary(o => o.Id);
            var image = Path.GetRelativePath(outFolder, scene.ImagePath).Replace('\\', '/');
            int asked = 0;
            foreach (var qa in sets.SelectMany(s => s.Items))
            {
                if (options.MaxQuestions > 0 && lines.Count >= options.MaxQuestions) break;
                var a = byId[qa.A];
                var b = qa.B == QaItem.NoObject ? null : byId[qa.B];
                var depth = Math.Max(scene.CameraFromWorld.Apply(a.Box.Center).Z, b is null ? 0 : scene.CameraFromWorld.Apply(b.Box.Center).Z);
                var kind = qa.Type.Kind;
                JsonNode answer = kind switch
                {
                    QuestionKind.Predicate => JsonValue.Create((bool)qa.Value),
                    QuestionKind.Choice => JsonValue.Create(Caption(names[(int)qa.Value])),
                    QuestionKind.Classify => JsonValue.Create((string)qa.Value),
                    _ => JsonValue.Create(Math.Round((double)qa.Value, 4)),
                };
                lines.Add(new JsonObject
                {
                    ["id"] = $"{scene.Id}-{asked:D2}",
                    ["image"] = image,
                    ["type"] = qa.Type.Id,
                    ["kind"] = qa.Type.KindName,
                    ["question"] = qa.Question,
                    ["answer"] = answer,
                    ["a"] = Caption(names[qa.A]),
                    ["b"] = b is null ? null : Caption(names[b.Id]),
                    // The objects' ids in the scene or frame, so the oracle needs no caption matching.
                    ["a_id"] = a.Id,
                    ["b_id"] = b?.Id,
                    ["depth_m"] = Math.Round(depth, 3),
                }.ToJsonString());
                asked++;
                byType[qa.Type.Id] = byType.GetValueOrDefault(qa.Type.Id) + 1;
                if (kind != QuestionKind.Quantitative) qualitative++;
            }
            if (asked > 0) images++;
        }
        if (lines.Count == 0) throw new SpatialVlmException($"{fromDir}: no question could be asked about any scene");
        AtomicFile.WriteAllText(outFile, string.Join("\n", lines) + "\n");
        var summary = new BenchmarkSummary(lines.Count, qualitative, lines.Count - qualitative, images, byType, source, BenchmarkCardFile.PathFor(outFile));
        AtomicFile.WriteAllText(summary.CardPath, BenchmarkCard.Render(summary, Path.GetFileName(outFile), options));
        return summary;
    }


    /// <summary>Record ids of the given training dataset.jsonl files, read as typed records.</summary>
    public static HashSet<string> ExcludedIds(IEnumerable<string> datasets)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in datasets)
        {
            if (!File.Exists(path)) throw new SpatialVlmException($"{path}: no such dataset to exclude");
            foreach (var record in DatasetFolder.ReadLines(path)) ids.Add(record.Id);
        }
        return ids;
    }

    /// <summary>Type weights that ask only the quantitative types, or only the qualitative ones.</summary>
    private static Dictionary<string, double> HalfWeights(bool quantitative) =>
        QuestionCatalog.All.ToDictionary(t => t.Id, t => (t.Kind == QuestionKind.Quantitative) == quantitative ? 1.0 : 0.0);

    /// <summary>The object's phrase without its article: "the red mug on the left" → "red mug on the left".</summary>
    private static string Caption(string name) => CaptionText.WithoutLeadingArticle(name);
}
