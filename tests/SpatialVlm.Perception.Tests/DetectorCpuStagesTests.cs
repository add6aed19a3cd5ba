using SpatialVlm.Perception.Detectors;
using SpatialVlm.Perception.Photo;
using static SpatialVlm.Perception.Tests.TestImages;

namespace SpatialVlm.Perception.Tests;

public sealed class DetectorCpuStagesTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), $"svlm-cpu-{Guid.NewGuid():N}");

    public void Dispose() { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }

    [Fact]
    public void CpuStagesDecodeSuppliedOutputsLikeTheDetectors()
    {
        ClipTestModels.WriteTokenizer(dir);
        var clip = SpatialVlm.Perception.Clip.ClipTokenizer.Load(dir, OwlExport.QueryTokens);
        var image = Solid(640, 480, 10, 20, 30);
        // OWLv2 outputs for 3600 patches and 2 queries: patch 7 answers query 1 at logit 2, box in the padded square.
        var logits = Enumerable.Repeat(-10f, 3600 * 2).ToArray();
        var boxes = new float[3600 * 4]; // all other boxes are empty
        logits[7 * 2 + 1] = 2;
        new float[] { 0.5f, 0.5f, 0.25f, 0.25f }.CopyTo(boxes.AsSpan(7 * 4));
        var owl = DetectorCpuStages.Owl(OwlExport.OwlV2, image, clip, ["red", "blue"], logits, boxes, new DetectorOptions(), new float[3 * 960 * 960]);
        var d = Assert.Single(owl);
        Assert.Equal((new PixelBox(240, 240, 400, 400), 1, "blue"), (d.Box, d.QueryIndex, d.Label));

        var vocab = DetectionTestModels.WriteWordPieceVocab(Path.Combine(dir, "vocab.txt"));
        var wp = WordPieceTokenizer.Load(Path.Combine(dir, "vocab.txt"));
        var dinoLogits = Enumerable.Repeat(-10f, 900 * 256).ToArray();
        var dinoBoxes = new float[900 * 4];
        dinoLogits[3 * 256 + 4] = 1; // token 4 of "[CLS] cat . red mug . [SEP]" is "mug"
        new float[] { 0.5f, 0.5f, 0.5f, 0.5f }.CopyTo(dinoBoxes.AsSpan(3 * 4));
        var dino = DetectorCpuStages.GroundingDino(image, wp, ["cat", "red mug"], dinoLogits, dinoBoxes, new GroundingDinoOptions());
        var g = Assert.Single(dino);
        Assert.Equal((new PixelBox(160, 120, 480, 360), 1, "red mug"), (g.Box, g.QueryIndex, g.Label));
    }
}
