using System.Text.Json.Nodes;
using SpatialVlm.Core;
using SpatialVlm.Questions;

namespace SpatialVlm.Evaluation;

/// <summary>Options for building a held-out benchmark from scenes with exact ground truth.</summary>
public sealed record BenchmarkBuildOptions
{
    /// <summary>Questions drawn per scene (balanced over types as in the data engine). Default 10.</summary>
    public int QuestionsPerScene { get; init; } = 10;
    /// <summary>Stop after this many questions in all (0 = no limit). Default 0.</summary>
    public int MaxQuestions { get; init; }
    /// <summary>Mixed into each scene's seed so a benchmark never repeats a training draw. Default 1.</summary>
    public long Seed { get; init; } = 1;
    /// <summary>Share of quantitative questions; types within each half stay balanced. Default 0.5 (the paper's two halves).</summary>
    public double QuantitativeShare { get; init; } = 0.5;
}

/// <summary>
/// Builds benchmark .jsonl (INTERFACES.md) from a folder of scene folders: questions come from the exact
/// ground-truth boxes, so every expected answer is exact. Image paths are written relative to the
/// benchmark file's folder.
/// </summary>
public static class BenchmarkBuilder
{
    public static int Build(string fromDir, string outFile, BenchmarkBuildOptions options)
    {
        if (!Directory.Exists(fromDir)) throw new SpatialVlmException($"{fromDir}: no such folder");
        var sceneDirs = Directory.GetDirectories(fromDir).Where(d => File.Exists(Path.Combine(d, "scene.json"))).Order(StringComparer.Ordinal).ToList();
        if (sceneDirs.Count == 0) throw new SpatialVlmException($"{fromDir}: no scene folders (scene.json) found");
        if (!(options.QuantitativeShare > 0 && options.QuantitativeShare < 1))
            throw new SpatialVlmException($"quantitative share must lie strictly between 0 and 1, got {options.QuantitativeShare}");
        // Two engines, one per half, so every scene contributes to both in the requested proportion.
        var quantitativeCount = (int)Math.Round(options.QuestionsPerScene * options.QuantitativeShare);
        var halves = new[] { (Quantitative: false, Count: options.QuestionsPerScene - quantitativeCount), (Quantitative: true, Count: quantitativeCount) }
            .Where(h => h.Count > 0)
            .Select(h => new QuestionEngine(new QuestionOptions { QaPerImage = h.Count, TypeWeights = HalfWeights(h.Quantitative) }))
            .ToList();
        var outFolder = Path.GetDirectoryName(Path.GetFullPath(outFile))!;
        var lines = new List<string>();
        foreach (var dir in sceneDirs)
        {
            var scene = SceneDescription.Load(Path.Combine(dir, "scene.json"));
            var objects = scene.Objects.Select(o => new SpatialObject(o.Id, o.Caption, o.Box)).ToList();
            var rng = new Random(HashCode32(scene.Id) ^ (int)options.Seed);
            var sets = halves.Select(e => e.Generate(objects, canonicalized: true, rng)).ToList();
            var set = new QuestionSet([.. sets.SelectMany(x => x.Items)], [.. sets.SelectMany(x => x.Skipped)], sets[0].Names);
            var cameraFromWorld = scene.Camera.WorldFromCameraTransform.Inverse();
            var byId = objects.ToDictionary(o => o.Id);
            var image = Path.GetRelativePath(outFolder, Path.Combine(Path.GetFullPath(dir), scene.Image)).Replace('\\', '/');
            for (int i = 0; i < set.Items.Count; i++)
            {
                var qa = set.Items[i];
                var a = byId[qa.A];
                var b = qa.B == QaItem.NoObject ? null : byId[qa.B];
                var depth = Math.Max(cameraFromWorld.Apply(a.Box.Center).Z, b is null ? 0 : cameraFromWorld.Apply(b.Box.Center).Z);
                var kind = BenchmarkItem.KindOfType(qa.Type);
                JsonNode answer = kind switch
                {
                    AnswerKind.Predicate => JsonValue.Create((bool)qa.Value),
                    AnswerKind.Choice => JsonValue.Create(Caption(set.Names[(int)qa.Value])),
                    AnswerKind.Classify => JsonValue.Create((string)qa.Value),
                    _ => JsonValue.Create(Math.Round((double)qa.Value, 4)),
                };
                lines.Add(new JsonObject
                {
                    ["id"] = $"{scene.Id}-{i:D2}",
                    ["image"] = image,
                    ["type"] = qa.Type,
                    ["kind"] = kind.ToString().ToLowerInvariant(),
                    ["question"] = qa.Question,
                    ["answer"] = answer,
                    ["a"] = Caption(set.Names[qa.A]),
                    ["b"] = b is null ? null : Caption(set.Names[b.Id]),
                    ["depth_m"] = Math.Round(depth, 3),
                }.ToJsonString());
                if (options.MaxQuestions > 0 && lines.Count >= options.MaxQuestions) break;
            }
            if (options.MaxQuestions > 0 && lines.Count >= options.MaxQuestions) break;
        }
        AtomicFile.WriteAllText(outFile, string.Join("\n", lines) + "\n");
        return lines.Count;
    }

    /// <summary>Type weights that ask only the quantitative types, or only the qualitative ones.</summary>
    private static Dictionary<string, double> HalfWeights(bool quantitative) =>
        QuestionCatalog.All.ToDictionary(t => t.Id, t => (t.Kind == QuestionKind.Quantitative) == quantitative ? 1.0 : 0.0);

    /// <summary>The object's phrase without its article: "the red mug on the left" → "red mug on the left".</summary>
    private static string Caption(string name) => ReferringExpressions.Normalize(name);

    /// <summary>A stable 32-bit FNV-1a hash (string.GetHashCode differs between processes).</summary>
    private static int HashCode32(string s)
    {
        uint h = 2166136261;
        foreach (var ch in s) { h ^= ch; h *= 16777619; }
        return (int)h;
    }
}
