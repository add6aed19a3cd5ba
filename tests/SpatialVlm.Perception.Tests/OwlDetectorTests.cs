using SpatialVlm.Core;
using SpatialVlm.Perception.Clip;
using SpatialVlm.Perception.Detectors;
using SpatialVlm.Perception.Photo;
using static SpatialVlm.Perception.Tests.DetectionTestModels;
using static SpatialVlm.Perception.Tests.TestImages;

namespace SpatialVlm.Perception.Tests;

public sealed class OwlDetectorTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), $"svlm-owl-{Guid.NewGuid():N}");
    // Keys are the first token after BOS mod 7 in the tiny CLIP vocabulary: "red" 8 -> 1, "blue" 18 -> 4, "how" 829 -> 3.
    private const int Keys = 7, Red = 1, Blue = 4;

    public OwlDetectorTests() => ClipTestModels.WriteTokenizer(dir);

    public void Dispose() { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }

    private ClipTokenizer Tokenizer => ClipTokenizer.Load(dir, OwlExport.QueryTokens);

    private OwlDetector V2(IEnumerable<TinyPrediction> p, DetectorOptions? o = null) =>
        new(Owl(Path.Combine(dir, $"v2-{Guid.NewGuid():N}.onnx"), 960, 3600, Keys, p), Tokenizer, OwlExport.OwlV2, o);

    private OwlDetector Vit(IEnumerable<TinyPrediction> p, DetectorOptions? o = null, float imageGain = 0) =>
        new(Owl(Path.Combine(dir, $"vit-{Guid.NewGuid():N}.onnx"), 768, 576, Keys, p, imageGain), Tokenizer, OwlExport.OwlVit, o);

    // Rows 0..2 shared by the OWLv2 and OWL-ViT scaling tests.
    private static readonly TinyPrediction[] ScalingRows =
    [
        new(0, Red, 2f, 0.5f, 0.5f, 0.25f, 0.25f),
        new(1, Red, 3f, 0.5f, 0.9f, 0.1f, 0.1f),
        new(2, Blue, 1f, 0.25f, 0.72f, 0.2f, 0.1f),
    ];

    [Fact]
    public void OwlV2BoxesAreRelativeToThePaddedSquare()
    {
        using var det = V2(ScalingRows);
        var found = det.Detect(Solid(640, 480, 90, 90, 90), ["red", "blue"]);
        // Square side 640: row 0 centre (320, 320) ± 80. Row 1's centre y = 576 lies in the bottom padding: dropped.
        // Row 2: x 160 ± 64, y 460.8 ± 32 clipped at the image's 480.
        Assert.Equal(2, found.Count);
        AssertDetection(found[0], 240, 240, 400, 400, Sigmoid(2), 0, "red");
        AssertDetection(found[1], 96, 428.8f, 224, 480, Sigmoid(1), 1, "blue");
    }

    [Fact]
    public void OwlV2PadsTallImagesOnTheRight()
    {
        using var det = V2([new(0, Red, 2f, 0.5f, 0.25f, 0.25f, 0.125f), new(1, Red, 3f, 0.9f, 0.5f, 0.1f, 0.1f)]);
        var found = det.Detect(Solid(480, 640, 90, 90, 90), ["red"]);
        // Row 1 at x = 576 is in the right padding of the 480-wide image.
        Assert.Single(found);
        AssertDetection(found[0], 240, 120, 400, 200, Sigmoid(2), 0, "red");
    }

    [Fact]
    public void OwlVitBoxesScaleByWidthAndHeight()
    {
        using var det = Vit(ScalingRows);
        var found = det.Detect(Solid(640, 480, 90, 90, 90), ["red", "blue"]);
        Assert.Equal(3, found.Count);
        AssertDetection(found[0], 288, 408, 352, 456, Sigmoid(3), 0, "red");
        AssertDetection(found[1], 240, 180, 400, 300, Sigmoid(2), 0, "red");
        AssertDetection(found[2], 96, 321.6f, 224, 369.6f, Sigmoid(1), 1, "blue");
    }

    [Fact]
    public void ThresholdPerQueryAndClassAwareNms()
    {
        TinyPrediction[] rows =
        [
            new(0, Red, 2f, 0.5f, 0.5f, 0.25f, 0.25f),        // red (240,180,400,300)
            new(1, Red, 1.5f, 0.51f, 0.5f, 0.25f, 0.25f),     // red, IoU ≈ 0.95 with row 0: suppressed
            new(2, Blue, 0.5f, 0.5f, 0.5f, 0.25f, 0.25f),     // blue, same box as row 0: kept (other query)
            new(3, Red, -1f, 0.1f, 0.1f, 0.1f, 0.1f),         // red at σ(-1) ≈ 0.269: kept at 0.25, dropped at 0.3
            new(4, Red, 1f, 0.9f, 0.9f, 0.1f, 0.1f),          // one box answering both queries
            new(4, Blue, 0f, 0.9f, 0.9f, 0.1f, 0.1f),
        ];
        using var loose = Vit(rows, new DetectorOptions { ScoreThreshold = 0.25f });
        var found = loose.Detect(Solid(640, 480, 90, 90, 90), ["red", "blue"]);
        Assert.Equal([Sigmoid(2), Sigmoid(1), Sigmoid(0.5f), Sigmoid(0), Sigmoid(-1)], found.Select(d => d.Score).ToArray(), new FloatTolerance(1e-5f));
        Assert.Equal(["red", "red", "blue", "blue", "red"], found.Select(d => d.Label));
        Assert.Equal(found[0].Box, found[2].Box);
        Assert.Equal(found[1].Box, found[3].Box);

        using var strict = Vit(rows, new DetectorOptions { ScoreThreshold = 0.3f });
        Assert.Equal(4, strict.Detect(Solid(640, 480, 90, 90, 90), ["red", "blue"]).Count);

        using var noNms = Vit(rows, new DetectorOptions { ScoreThreshold = 0.3f, NmsIouThreshold = 1f });
        Assert.Equal(5, noNms.Detect(Solid(640, 480, 90, 90, 90), ["red", "blue"]).Count);

        using var capped = Vit(rows, new DetectorOptions { ScoreThreshold = 0.25f, MaxDetections = 2 });
        Assert.Equal([Sigmoid(2), Sigmoid(1)], capped.Detect(Solid(640, 480, 90, 90, 90), ["red", "blue"]).Select(d => d.Score).ToArray(), new FloatTolerance(1e-5f));
    }

    [Fact]
    public void QueriesAreClipTokensPaddedWithZeroTo16()
    {
        var (ids, mask) = OwlDetector.EncodeQueries(Tokenizer, ["red", "How are you doing?", string.Join(' ', Enumerable.Repeat("how", 30))]);
        Assert.Equal(3 * 16, ids.Length);
        Assert.Equal([49406, 8, 49407, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], ids[..16]);
        Assert.Equal([1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], mask[..16]);
        Assert.Equal([49406, 829, 631, 592, 1960, 286, 49407, 0, 0, 0, 0, 0, 0, 0, 0, 0], ids[16..32]);
        Assert.Equal(7, mask[16..32].Sum());
        // Truncated to 16, EOS kept, nothing masked.
        Assert.Equal([49406, .. Enumerable.Repeat(829L, 14), 49407], ids[32..]);
        Assert.All(mask[32..], m => Assert.Equal(1, m));
    }

    private static float Clip(float v, int c) => (v / 255f - new[] { 0.48145466f, 0.4578275f, 0.40821073f }[c]) / new[] { 0.26862954f, 0.26130258f, 0.27577711f }[c];

    [Fact]
    public void OwlV2InputIsTheImageOnAGreySquareResizedBilinearly()
    {
        // 640×480 -> 640² square (rows 480.. grey 127.5) -> 960². Output row o samples source y = (o + 0.5)·2/3 − 0.5:
        // rows ≤ 718 are all image, rows ≥ 721 all padding, row 719 is 5/6 image + 1/6 grey (source y 479.17).
        byte[] rgb = [200, 100, 50];
        var input = new float[3 * 960 * 960];
        OwlExport.OwlV2.Preprocess(Solid(640, 480, rgb[0], rgb[1], rgb[2]), input);
        for (int c = 0; c < 3; c++)
        {
            float At(int y, int x) => input[c * 960 * 960 + y * 960 + x];
            foreach (var x in new[] { 0, 480, 959 })
            {
                Assert.Equal(Clip(rgb[c], c), At(0, x), 4);
                Assert.Equal(Clip(rgb[c], c), At(718, x), 4);
                Assert.Equal(Clip(rgb[c] * 5f / 6 + 127.5f / 6, c), At(719, x), 4);
                Assert.Equal(Clip(rgb[c] / 6f + 127.5f * 5 / 6, c), At(720, x), 4);
                Assert.Equal(Clip(127.5f, c), At(721, x), 4);
                Assert.Equal(Clip(127.5f, c), At(959, x), 4);
            }
        }
    }

    [Fact]
    public void OwlVitInputIsTheSquashedImage()
    {
        // Left half black, right half white, 64×48 squashed to 768²: columns far from the edge keep the colours.
        var img = Solid(64, 48, 0, 0, 0);
        for (int y = 0; y < 48; y++) for (int x = 32; x < 64; x++) for (int c = 0; c < 3; c++) img.Pixels[3 * (y * 64 + x) + c] = 255;
        var input = new float[3 * 768 * 768];
        OwlExport.OwlVit.Preprocess(img, input);
        for (int c = 0; c < 3; c++)
            foreach (var y in new[] { 0, 400, 767 })
            {
                Assert.Equal(Clip(0, c), input[c * 768 * 768 + y * 768 + 10], 4);
                Assert.Equal(Clip(255, c), input[c * 768 * 768 + y * 768 + 760], 4);
            }
    }

    [Fact]
    public void BatchesKeepImageOrderAndMatchSingleCalls()
    {
        // logits = 0 + mean over channels of the normalised corner pixel: each solid image scores σ(mean of its normalised colour).
        using var det = Vit([new(0, Red, 0f, 0.5f, 0.5f, 0.25f, 0.25f)], new DetectorOptions { MaxBatch = 2, ScoreThreshold = 0.01f }, imageGain: 1);
        RgbImage[] images = [Solid(64, 48, 0, 0, 0), Solid(40, 30, 255, 255, 255), Solid(50, 50, 128, 30, 200)];
        var batched = det.Detect(images, ["red"]);
        for (int i = 0; i < images.Length; i++)
        {
            var px = images[i].Pixels;
            float expected = Sigmoid((Clip(px[0], 0) + Clip(px[1], 1) + Clip(px[2], 2)) / 3);
            var d = Assert.Single(batched[i]);
            Assert.Equal(expected, d.Score, 4);
            Assert.Equal(det.Detect(images[i], ["red"]), batched[i]);
        }
        // One shared session, many threads.
        var parallel = new IReadOnlyList<Detection>[6];
        Parallel.For(0, parallel.Length, i => parallel[i] = det.Detect(images[i % 3], ["red"]));
        for (int i = 0; i < parallel.Length; i++) Assert.Equal(batched[i % 3], parallel[i]);
    }

    [Fact]
    public void BadInputsAreOneLineErrors()
    {
        using var det = Vit([]);
        var empty = Assert.Throws<SpatialVlmException>(() => det.Detect(Solid(8, 8, 0, 0, 0), []));
        Assert.Contains("no text queries", empty.Message);
        Assert.Contains("blank", Assert.Throws<SpatialVlmException>(() => det.Detect(Solid(8, 8, 0, 0, 0), ["red", " "])).Message);

        // An OWL-ViT graph (768²) is not OWLv2 (960²) even though the tensor names agree.
        var vitPath = Owl(Path.Combine(dir, "vit-only.onnx"), 768, 576, Keys, []);
        var wrongSize = Assert.Throws<SpatialVlmException>(() => new OwlDetector(vitPath, Tokenizer, OwlExport.OwlV2));
        Assert.Contains("768x768", wrongSize.Message);
        // A Grounding DINO graph has the OWL names too, plus inputs OWL never feeds.
        var dino = GroundingDino(Path.Combine(dir, "dino.onnx"), 130, []);
        var wrongFamily = Assert.Throws<SpatialVlmException>(() => new OwlDetector(dino, Tokenizer, OwlExport.OwlVit));
        Assert.Contains("pixel_mask", wrongFamily.Message);
        Assert.Contains("max length 16", Assert.Throws<SpatialVlmException>(() => new OwlDetector(vitPath, ClipTokenizer.Load(dir), OwlExport.OwlVit)).Message);
        foreach (var e in new[] { empty, wrongSize, wrongFamily }) Assert.DoesNotContain('\n', e.Message);
    }
}

/// <summary>Element-wise float comparison within an absolute tolerance.</summary>
internal sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
{
    public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;
    public int GetHashCode(float obj) => 0;
}
