using System.Collections.Concurrent;
using SpatialVlm.Core;
using SpatialVlm.Perception.Clip;
using SpatialVlm.Perception.Doubles;
using SpatialVlm.Perception.Photo;
using SpatialVlm.Scenes;

namespace SpatialVlm.Perception.Tests;

/// <summary>
/// A tiny text embedder: each word is its own axis and a caption is the normalised sum of its words, so captions
/// sharing no word have cosine 0. Declared synonyms share an axis but for a small tilt (cosine ≈ 0.95), like CLIP's
/// "cup" and "mug".
/// </summary>
internal sealed class WordEmbedder(params (string A, string B)[] synonyms) : ITextEmbedder
{
    public const int Dimensions = 512;
    private readonly ConcurrentDictionary<string, int> axes = new(StringComparer.Ordinal);
    public int Calls;

    public float[][] Embed(IReadOnlyList<string> texts)
    {
        Interlocked.Increment(ref Calls);
        return texts.Select(t =>
        {
            var v = new float[Dimensions];
            foreach (var word in t.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var twin = synonyms.FirstOrDefault(s => s.B == word).A;
                v[Axis(twin ?? word)] += 1;
                if (twin is not null) v[Axis("~" + word)] += 0.33f; // cos = 1/sqrt(1 + 0.33²) ≈ 0.95
            }
            var norm = MathF.Sqrt(v.Sum(x => x * x));
            return v.Select(x => x / norm).ToArray();
        }).ToArray();
    }

    private int Axis(string word) { lock (axes) return axes.GetOrAdd(word, _ => axes.Count); }
}

/// <summary>A scene filter stand-in with a fixed decision.</summary>
internal sealed class FixedFilter(bool keep, double score) : ISceneFilter
{
    public string Name => "fixed filter";
    public SceneFilterDecision Decide(RgbImage image) =>
        new(keep, score, [new PromptProbability("a photo of a room", true, score), new PromptProbability("a screenshot", false, 1 - score)]);
}

/// <summary>Procedural scenes for the chain tests, with the objects relabelled as a test needs.</summary>
internal static class ChainScenes
{
    public static readonly SceneOptions Options = new() { MinObjects = 4, MaxObjects = 8, DuplicateCaptionProbability = 0 };

    /// <summary>The first scene from seed 300 with at least `count` objects of 1500+ visible pixels.</summary>
    public static RenderedScene WithLargeObjects(int count)
    {
        var generator = new SceneGenerator(Options);
        for (long seed = 300; ; seed++)
        {
            var scene = generator.Generate(seed);
            if (scene.ToObservation().Objects.Count(o => o.Pixels.Length >= 1500) >= count && LargeByLeft(scene).Count >= count) return scene;
        }
    }

    /// <summary>The scene's observation with the given objects renamed and every other object named "thing &lt;id&gt;".</summary>
    public static Observation Relabel(RenderedScene scene, IReadOnlyDictionary<int, string> names)
    {
        var obs = scene.ToObservation();
        return obs with { Objects = obs.Objects.Select(o => o with { Category = names.GetValueOrDefault(o.Id, $"thing {o.Id}") }).ToList() };
    }

    /// <summary>
    /// Large objects (1500+ pixels) the data engine keeps and does not see cut by the image edge, ordered from the
    /// viewer's left (+y in the world frame) to the right.
    /// </summary>
    public static List<SceneObject> LargeByLeft(RenderedScene scene)
    {
        var obs = scene.ToObservation();
        var kept = new Synthesis.Stages.SynthesisPipeline(new Synthesis.SynthesisOptions()).Run(obs, 1).Objects
            .Where(m => !m.Visibility.Truncated && m.Source.Mask.Pixels.Length >= 1500).Select(m => m.Spatial.Id).ToHashSet();
        return scene.Description.Objects.Where(o => kept.Contains(o.Id)).OrderByDescending(o => o.Box.Center.Y).ToList();
    }

    /// <summary>The scene object whose mask is exactly these pixels.</summary>
    public static int TruthId(Observation truth, int[] pixels) =>
        truth.Objects.Single(o => o.Pixels.Order().SequenceEqual(pixels.Order())).Id;

    /// <summary>The chain over oracle models for this truth; queries default to the truth's categories.</summary>
    public static PhotoPerceptionChain Chain(Observation truth, ITextEmbedder embedder, PhotoPerceptionOptions? options = null, ISceneFilter? filter = null,
        IObjectDetector? detector = null)
    {
        options ??= new PhotoPerceptionOptions { Queries = truth.Objects.Select(o => o.Category).Distinct().ToList() };
        return new PhotoPerceptionChain(new PhotoPerceptionModels
        {
            Filter = filter, Depth = new GroundTruthDepth(truth), Detector = detector ?? new GroundTruthDetector(truth),
            Segmenter = new GroundTruthSegmenter(truth), TextEmbedder = embedder,
        }, options);
    }
}
