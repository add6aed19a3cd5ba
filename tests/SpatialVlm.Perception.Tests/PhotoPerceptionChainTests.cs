using System.Text.Json.Nodes;
using CsCheck;
using SpatialVlm.Core;
using SpatialVlm.Perception.Doubles;
using SpatialVlm.Perception.Photo;
using SpatialVlm.Questions;
using SpatialVlm.Synthesis;
using SpatialVlm.Synthesis.Stages;

namespace SpatialVlm.Perception.Tests;

/// <summary>
/// The chain's own logic over ground-truth models answering from a rendered procedural scene (Perception.Doubles): the
/// scene's objects are relabelled so that two or three of them share a name, synonyms or background classes, and the
/// chain's observation goes through the data engine so the final QA is checked too.
/// </summary>
public sealed class PhotoPerceptionChainTests
{
    private static readonly Scenes.RenderedScene Scene = ChainScenes.WithLargeObjects(4);
    private static readonly List<SceneObject> ByLeft = ChainScenes.LargeByLeft(Scene);

    private static IReadOnlyList<DetectionNote> Detections(Observation o) => o.Perception!.Detections;

    [Fact]
    public void TwoMugsAreNamedOnTheLeftAndOnTheRightInTheFinalQa()
    {
        var (left, right) = (ByLeft[0], ByLeft[^1]);
        var truth = ChainScenes.Relabel(Scene, new Dictionary<int, string> { [left.Id] = "mug", [right.Id] = "mug" });
        var obs = ChainScenes.Chain(truth, new WordEmbedder()).Perceive("two-mugs", truth.Image);
        var mugs = obs.Objects.Where(o => o.Caption == "mug").ToList();
        Assert.Equal(2, mugs.Count);
        Assert.Contains(obs.Perception!.Groups, g => g.Decision == "share caption 'mug'");

        var result = new SynthesisPipeline(new SynthesisOptions()).Run(obs, 5);
        var names = ReferringExpressions.Resolve(result.Objects.Select(m => m.Spatial).ToList(), new AmbiguityOptions(), new MarginPolicy(), []);
        var byTruth = mugs.ToDictionary(m => ChainScenes.TruthId(truth, m.Pixels), m => names[m.Id]);
        Assert.Equal("the mug on the left", byTruth[left.Id]);
        Assert.Equal("the mug on the right", byTruth[right.Id]);
        var questions = string.Join("\n", result.Questions.Items.Select(q => q.Question + " " + q.Answer)).ToLowerInvariant();
        Assert.Contains("the mug on the left", questions);
        Assert.Contains("the mug on the right", questions);
    }

    [Fact]
    public void ThreeMugsAreDroppedAndTheDropIsRecorded()
    {
        var three = ByLeft.Take(3).Select(o => o.Id).ToList();
        var truth = ChainScenes.Relabel(Scene, three.ToDictionary(id => id, _ => "mug"));
        var obs = ChainScenes.Chain(truth, new WordEmbedder()).Perceive("three-mugs", truth.Image);
        Assert.DoesNotContain(obs.Objects, o => o.Caption == "mug");
        Assert.Equal(truth.Objects.Count - 3, obs.Objects.Count);
        var dropped = Detections(obs).Where(d => d.Caption == "mug").ToList();
        Assert.Equal(3, dropped.Count);
        Assert.All(dropped, d => Assert.StartsWith("ambiguous: 3 objects named alike", d.Dropped!));
        Assert.Contains(obs.Perception!.Groups, g => g.Decision == "dropped" && g.Detections.Count == 3);
    }

    [Fact]
    public void CupAndMugAreGroupedByEmbeddingSimilarity()
    {
        var (a, b) = (ByLeft[0], ByLeft[^1]);
        var truth = ChainScenes.Relabel(Scene, new Dictionary<int, string> { [a.Id] = "cup", [b.Id] = "mug" });
        var synonyms = new WordEmbedder(("mug", "cup"));
        var grouped = ChainScenes.Chain(truth, synonyms).Perceive("cup-mug", truth.Image);
        var group = grouped.Perception!.Groups.Single();
        var first = group.Captions[0];
        Assert.Equal(["cup", "mug"], group.Captions.Order());
        Assert.Equal(2, grouped.Objects.Count(o => o.Caption == first)); // both carry the better-scoring caption
        // The same pair stays apart when the threshold is above their similarity (≈ 0.95), and with an embedder that does not relate them.
        var strict = new PhotoPerceptionOptions { Queries = ["cup", "mug"], SameCaptionCosine = 0.99, SupportQueries = [] };
        var apart = ChainScenes.Chain(truth, synonyms, strict).Perceive("cup-mug", truth.Image);
        Assert.Equal(["cup", "mug"], apart.Objects.Select(o => o.Caption).Order());
        Assert.Empty(apart.Perception!.Groups);
        var unrelated = ChainScenes.Chain(truth, new WordEmbedder(), strict with { SameCaptionCosine = 0.9 }).Perceive("cup-mug", truth.Image);
        Assert.Equal(["cup", "mug"], unrelated.Objects.Select(o => o.Caption).Order());
    }

    [Fact]
    public void BackgroundClassesAreDroppedAndTheFloorBecomesTheSupportMask()
    {
        var truth = ChainScenes.Relabel(Scene, new Dictionary<int, string> { [ByLeft[0].Id] = "wall", [ByLeft[1].Id] = "Grass" });
        var obs = ChainScenes.Chain(truth, new WordEmbedder()).Perceive("background", truth.Image);
        Assert.Equal(truth.Objects.Count - 2, obs.Objects.Count);
        Assert.DoesNotContain(obs.Objects, o => o.Caption is "wall" or "grass" or "floor");
        Assert.Equal("background class: 'wall'", Detections(obs).Single(d => d.Caption == "wall").Dropped);
        Assert.Equal("background class: 'grass'", Detections(obs).Single(d => d.Caption == "grass").Dropped);
        // "floor" was queried internally and its mask is the observation's support pixels.
        Assert.Equal("floor", obs.Perception!.Support!.Surface);
        Assert.Equal(truth.SupportPixels!.Order(), obs.SupportPixels!);
        // The data engine fits the plane to those pixels.
        var result = new SynthesisPipeline(new SynthesisOptions()).Run(obs, 1);
        Assert.Equal("support-mask", result.Frame.Source);
    }

    [Fact]
    public void WithoutAFloorATableMaskIsTheSupport()
    {
        var truth = ChainScenes.Relabel(Scene, new Dictionary<int, string> { [ByLeft[0].Id] = "table" }) with { SupportPixels = null };
        var options = new PhotoPerceptionOptions { Queries = truth.Objects.Select(o => o.Category).ToList(), MinSupportShare = 0.001 };
        var obs = ChainScenes.Chain(truth, new WordEmbedder(), options).Perceive("table", truth.Image);
        Assert.Equal("table", obs.Perception!.Support!.Surface);
        Assert.Contains(obs.Objects, o => o.Caption == "table"); // a table is an object as well as a surface
        Assert.Equal(truth.Objects.Single(o => o.Category == "table").Pixels.Order(), obs.SupportPixels!);
        // Below the minimum share the plane is left to RANSAC over all points, and the note says why.
        var small = ChainScenes.Chain(truth, new WordEmbedder(), options with { MinSupportShare = 0.5 }).Perceive("table", truth.Image);
        Assert.Null(small.SupportPixels);
        Assert.StartsWith("table mask has ", small.Perception!.Support!.Reason);
        var noSupport = ChainScenes.Chain(truth, new WordEmbedder(), new PhotoPerceptionOptions { Queries = ["unicorn"], SupportQueries = [] });
        var none = Assert.Throws<ImageRejectedException>(() => noSupport.Perceive("none", truth.Image));
        Assert.StartsWith("no usable objects (0 proposals", none.Message);
        Assert.Same(truth.Image, none.Image); // the rejected image and notes travel with the reason, for the run's overlay
        Assert.NotNull(none.Perception!.Detections);
    }

    /// <summary>Reports every detection a second time under the query "cup" with a lower score and a 90 % mask, as two queries finding one object do.</summary>
    private sealed class TwiceDetector(GroundTruthDetector oracle) : IObjectDetector
    {
        public string Name => "twice";
        public IReadOnlyList<Detection> Detect(RgbImage image, IReadOnlyList<string> queries) =>
            oracle.Detect(image, queries).SelectMany(d => d.Label == "floor" ? [d] : new[] { d, d with { Score = d.Score - 0.2f, Label = "cup", Box = d.Box with { X1 = d.Box.X1 - 1 } } }).ToList();
        public void Dispose() { }
    }

    [Fact]
    public void OneObjectFoundByTwoQueriesIsKeptOnceWithTheHigherScore()
    {
        var truth = ChainScenes.Relabel(Scene, new Dictionary<int, string>());
        var options = new PhotoPerceptionOptions { Queries = [.. truth.Objects.Select(o => o.Category), "cup"] };
        var obs = ChainScenes.Chain(truth, new WordEmbedder(), options, detector: new TwiceDetector(new GroundTruthDetector(truth))).Perceive("twice", truth.Image);
        Assert.Equal(truth.Objects.Count, obs.Objects.Count);
        Assert.DoesNotContain(obs.Objects, o => o.Caption == "cup");
        var cups = Detections(obs).Where(d => d.Label == "cup").ToList();
        Assert.Equal(truth.Objects.Count, cups.Count);
        Assert.All(cups, d => Assert.Matches(@"^duplicate: mask IoU 1\.00 with detection \d+ \('thing \d+'", d.Dropped!));
    }

    [Fact]
    public void SmallMasksAreDroppedWithTheirSize()
    {
        var truth = ChainScenes.Relabel(Scene, new Dictionary<int, string>());
        int min = truth.Objects.Select(o => o.Pixels.Length).Order().ElementAt(1) + 1;
        var options = new PhotoPerceptionOptions { Queries = truth.Objects.Select(o => o.Category).ToList(), MinMaskPixels = min };
        var obs = ChainScenes.Chain(truth, new WordEmbedder(), options).Perceive("small", truth.Image);
        Assert.Equal(truth.Objects.Count - 2, obs.Objects.Count);
        Assert.Equal(2, Detections(obs).Count(d => d.Dropped?.StartsWith("small mask: ") == true && d.Dropped.EndsWith($"< {min}")));
    }

    [Fact]
    public void SceneFilterRejectionFailsWithItsScoreAndAcceptanceIsRecorded()
    {
        var truth = Scene.ToObservation();
        var e = Assert.Throws<ImageRejectedException>(() => ChainScenes.Chain(truth, new WordEmbedder(), filter: new FixedFilter(false, 0.2)).Perceive("x", truth.Image));
        Assert.Equal(0.2, e.Perception!.SceneFilter!.Score);
        Assert.StartsWith("scene filter: ", e.Message);
        Assert.Contains("0.200", e.Message);
        var kept = ChainScenes.Chain(truth, new WordEmbedder(), filter: new FixedFilter(true, 0.8)).Perceive("x", truth.Image);
        Assert.Equal(0.8, kept.Perception!.SceneFilter!.Score);
        Assert.Equal("model", kept.Perception!.Depth!.FocalSource);
    }

    [Fact]
    public void MaskIouMatchesSetArithmetic() =>
        Gen.Int[0, 400].HashSet[0, 120].Select(Gen.Int[0, 400].HashSet[0, 120]).Sample((a, b) =>
        {
            int inter = a.Intersect(b).Count(), union = a.Union(b).Count();
            double expected = inter == 0 ? 0 : (double)inter / union;
            return Math.Abs(MaskOverlap.Iou(a.Order().ToArray(), b.Order().ToArray()) - expected) < 1e-12;
        });
}
