using System.Collections.Concurrent;
using System.Globalization;
using SpatialVlm.Core;
using SpatialVlm.Geometry;
using SpatialVlm.Questions;
using SpatialVlm.Scenes;
using SpatialVlm.Synthesis;
using SpatialVlm.Synthesis.Stages;

namespace SpatialVlm.Evaluation;

/// <summary>
/// The `oracle` model: the geometric pipeline answers from its own 3D reconstruction of the image
/// (the depth and instance masks stored beside it, as in a scene folder), not from ground-truth boxes.
/// It bounds what a model trained on the engine's data can reach.
/// </summary>
public sealed class OracleAnswerer(SynthesisOptions options) : ISpatialAnswerer
{
    private readonly SynthesisPipeline pipeline = new(options);
    private readonly ConcurrentDictionary<string, Lazy<Reconstruction>> scenes = new(StringComparer.Ordinal);

    private sealed record Reconstruction(IReadOnlyDictionary<string, MeasuredObject> ByName, bool Canonicalized);

    public Task<string> AnswerAsync(BenchmarkItem item, string imagePath, CancellationToken ct)
    {
        var scene = scenes.GetOrAdd(Path.GetFullPath(imagePath), p => new Lazy<Reconstruction>(() => Reconstruct(p))).Value;
        var a = Find(scene, item.A ?? throw new AnswerFailedException($"{item.Id}: no object A in the question", 1), item);
        var b = item.B is null ? a : Find(scene, item.B, item);
        var type = QuestionCatalog.Get(item.Type);
        if (type.NeedsCanonicalization && !scene.Canonicalized)
            throw new AnswerFailedException($"{item.Id}: the oracle could not canonicalize {imagePath}", 1);
        var assessment = QuestionCatalog.Assess(type, a.Spatial, b.Spatial, options.Questions.Margins,
            () => SurfaceDistance.Nearest(a.WorldPoints, b.WorldPoints));
        return Task.FromResult(assessment.Value switch
        {
            bool yes => yes ? "Yes." : "No.",
            int id => id == a.Spatial.Id ? item.A! : item.B!,
            string word => word,
            double meters => string.Create(CultureInfo.InvariantCulture, $"{meters:0.###} meters"),
            var v => throw new InvalidOperationException($"unexpected value {v}"),
        });
    }

    private static MeasuredObject Find(Reconstruction scene, string caption, BenchmarkItem item) =>
        scene.ByName.TryGetValue(ReferringExpressions.Normalize(caption), out var m) ? m
            : throw new AnswerFailedException($"{item.Id}: the oracle did not reconstruct '{caption}'", 1);

    private Reconstruction Reconstruct(string imagePath)
    {
        var dir = Path.GetDirectoryName(imagePath)!;
        if (!File.Exists(Path.Combine(dir, "scene.json")))
            throw new ModelUnavailableException($"oracle: {imagePath} has no scene.json with depth and instances beside it");
        var obs = SceneFolder.Read(dir).ToObservation();
        var result = pipeline.Run(obs, seed: 0);
        var dropped = new List<int>();
        var names = ReferringExpressions.Resolve(result.Objects.Select(o => o.Spatial).ToList(), options.Questions.Ambiguity, options.Questions.Margins, dropped);
        var byName = new Dictionary<string, MeasuredObject>(StringComparer.Ordinal);
        foreach (var m in result.Objects)
            if (names.TryGetValue(m.Spatial.Id, out var name)) byName[ReferringExpressions.Normalize(name)] = m;
        return new Reconstruction(byName, result.Frame.Canonicalized);
    }
}
