using SpatialVlm.Core;
using SpatialVlm.Perception.Captioning;
using SpatialVlm.Perception.Detectors;
using SpatialVlm.Perception.Doubles;
using SpatialVlm.Perception.Photo;
using SpatialVlm.Synthesis;
using SpatialVlm.Synthesis.Stages;
using static SpatialVlm.Perception.Tests.FlorenceTestModels;

namespace SpatialVlm.Perception.Tests;

/// <summary>
/// The photo chain with Florence-2 proposing the objects: tiny Florence graphs scripted to caption two objects of a
/// rendered procedural scene at their mask boxes, the scene's own depth and masks behind the other models.
/// </summary>
public sealed class Florence2ChainTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), $"svlm-florence-chain-{Guid.NewGuid():N}");

    public void Dispose() { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }

    /// <summary>The four location tokens whose bin centres are nearest the box's edges.</summary>
    private static int[] Locations(PixelBox box, int width, int height)
    {
        static int Bin(float v, int size) => Math.Clamp((int)MathF.Round(v / size * Florence2RegionText.Bins - 0.5f), 0, Florence2RegionText.Bins - 1);
        return [Loc(Bin(box.X0, width)), Loc(Bin(box.Y0, height)), Loc(Bin(box.X1, width)), Loc(Bin(box.Y1, height))];
    }

    [Fact]
    public void RegionCaptionsBecomeNormalisedObjectCaptionsWithTheirMasks()
    {
        var scene = ChainScenes.WithLargeObjects(4);
        var byLeft = ChainScenes.LargeByLeft(scene);
        var truth = scene.ToObservation();
        int w = truth.Image.Width, h = truth.Image.Height;
        var (left, right) = (truth.Objects.Single(o => o.Id == byLeft[0].Id), truth.Objects.Single(o => o.Id == byLeft[^1].Id));
        // "A red chair" at the left object's box, "blue lamp" at the right one's.
        int[] emitted =
        [
            0, 40001, 40002, 40003, .. Locations(PixelBox.Bounding(left.Pixels, w), w, h),
            40004, 40005, .. Locations(PixelBox.Bounding(right.Pixels, w), w, h), 2,
        ];
        var folder = Path.Combine(dir, "florence");
        int n = emitted.Length + 4;
        Write(folder, [5901, .. emitted[1..], .. Enumerable.Repeat(2, n - emitted.Length)], [2, .. emitted, .. Enumerable.Repeat(2, n - emitted.Length - 1)], DensePrompt);
        using var florence = new Florence2RegionCaptioner(folder);
        var chain = new PhotoPerceptionChain(new PhotoPerceptionModels
            { Depth = new GroundTruthDepth(truth), Captioner = florence, Segmenter = new GroundTruthSegmenter(truth), TextEmbedder = new WordEmbedder() });
        Assert.Contains("florence-2 <DENSE_REGION_CAPTION>", chain.Description);

        var obs = chain.Perceive("florence", truth.Image);
        Assert.Equal(["blue lamp", "red chair"], obs.Objects.Select(o => o.Caption).Order());
        Assert.Equal(left.Pixels.Order(), obs.Objects.Single(o => o.Caption == "red chair").Pixels.Order());
        Assert.Equal(right.Pixels.Order(), obs.Objects.Single(o => o.Caption == "blue lamp").Pixels.Order());
        var labels = obs.Perception!.Detections.Select(d => d.Label).ToList();
        Assert.Equal(["A red chair", "blue lamp"], labels);

        var questions = new SynthesisPipeline(new SynthesisOptions()).Run(obs, 3).Questions.Items;
        var text = string.Join("\n", questions.Select(q => q.Question)).ToLowerInvariant();
        Assert.Contains("red chair", text);
        Assert.Contains("blue lamp", text);
    }
}
