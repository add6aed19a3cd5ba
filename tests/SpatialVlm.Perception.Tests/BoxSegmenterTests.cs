using SpatialVlm.Core;
using SpatialVlm.Perception.Models;
using SpatialVlm.Perception.Photo;
using SpatialVlm.Perception.Segmentation;
using static SpatialVlm.Perception.Tests.TestImages;

namespace SpatialVlm.Perception.Tests;

public sealed class BoxSegmenterTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), $"svlm-seg-{Guid.NewGuid():N}");

    public void Dispose() { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }

    private string P(string name) => Path.Combine(dir, name);

    /// <summary>
    /// The mask is the set of pixels whose centre lies inside the box (or outside, for the complement), except that
    /// pixels within 2 px of a box corner may differ (bilinear upsampling rounds the min of two edges there).
    /// </summary>
    private static void AssertBoxMask(BoxMask mask, int w, int h, PixelBox box, bool complement = false)
    {
        var inMask = new bool[w * h];
        foreach (var p in mask.Pixels) inMask[p] = true;
        Assert.Equal(mask.Pixels.Length, mask.Pixels.Distinct().Count());
        int mismatches = 0;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                float xc = x + 0.5f, yc = y + 0.5f;
                bool inside = xc > box.X0 && xc < box.X1 && yc > box.Y0 && yc < box.Y1;
                if (inMask[y * w + x] == (inside != complement)) continue;
                mismatches++;
                float cornerDistance = new[] { (box.X0, box.Y0), (box.X1, box.Y0), (box.X0, box.Y1), (box.X1, box.Y1) }
                    .Min(c => Math.Max(Math.Abs(xc - c.Item1), Math.Abs(yc - c.Item2)));
                Assert.True(cornerDistance <= 2, $"pixel ({x},{y}) is {(inMask[y * w + x] ? "in" : "out of")} the mask, {cornerDistance} px from the nearest box corner");
            }
        Assert.True(mismatches <= 16, $"{mismatches} corner pixels differ");
    }

    private SamBoxSegmenter Sam(bool lowRes = true, bool hwc = false, BoxSegmenterOptions? options = null) => new(
        hwc ? SegmentationTestModels.SamEncoderHwc(P("enc-hwc.onnx")) : SegmentationTestModels.SamEncoderNchw(P("enc.onnx")),
        SegmentationTestModels.SamDecoder(P(lowRes ? "dec-low.onnx" : "dec-full.onnx"), lowRes), options);

    private Sam2BoxSegmenter Sam2(BoxSegmenterOptions? options = null, int grid = 256) => new(
        SegmentationTestModels.Sam2Encoder(P("sam2-enc.onnx")), SegmentationTestModels.Sam2Decoder(P($"sam2-dec-{grid}.onnx"), grid), options);

    [Fact]
    public void SamBoxPromptIsTheTwoCornersInThe1024FrameLabelledTwoAndThreeThenThePaddingPoint()
    {
        // 640×480: scale 1024/640 = 1.6, resized 1024×768; (100,50)-(300,200) → (160,80),(480,320).
        var frame = SegmentationFrame.LongestSide(480, 640);
        Assert.Equal((768, 1024), (frame.ResizedHeight, frame.ResizedWidth));
        var (coords, labels) = SamBoxSegmenter.BoxPrompt(new PixelBox(100, 50, 300, 200), frame);
        Assert.Equal([160f, 80f, 480f, 320f, 0f, 0f], coords);
        Assert.Equal([2f, 3f, -1f], labels);
    }

    [Fact]
    public void LongestSideRoundsEachSideHalfUpAsSegmentAnything()
    {
        // 1000×333 (W×H): scale 1.024, 333 × 1.024 = 340.992 → 341; 701×500: 500 × 1024/701 = 730.38 → 730.
        Assert.Equal((341, 1024), (SegmentationFrame.LongestSide(333, 1000).ResizedHeight, SegmentationFrame.LongestSide(333, 1000).ResizedWidth));
        Assert.Equal((1024, 730), (SegmentationFrame.LongestSide(701, 500).ResizedHeight, SegmentationFrame.LongestSide(701, 500).ResizedWidth));
        var squash = SegmentationFrame.Squashed(480, 640);
        Assert.Equal((1024 / 640.0, 1024 / 480.0), (squash.ScaleX, squash.ScaleY));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void SamMaskComesBackAsTheBoxInOriginalPixelsWithTheBestIouCandidate(bool lowRes)
    {
        using var seg = Sam(lowRes);
        var box = new PixelBox(100, 50, 300, 200);
        var masks = seg.Segment(Solid(640, 480, 120, 120, 120), [box]);
        var mask = Assert.Single(masks);
        AssertBoxMask(mask, 640, 480, box);
        // Candidate 1 (the box) has IoU 0.9 + mean embedding; (120 − mean)/std per channel on rows 0..752 (48 of 64 sampled rows).
        double e = new[] { (120 - 123.675) / 58.395, (120 - 116.28) / 57.12, (120 - 103.53) / 57.375 }.Sum() * 48 * 64 / (256.0 * 64 * 64);
        Assert.Equal(0.9 + e, mask.PredictedIou, 4);
    }

    [Fact]
    public void SamEncoderWithPreprocessingInsideTakesRawResizedHwcValues()
    {
        using var seg = Sam(hwc: true);
        var box = new PixelBox(320, 240, 400, 300);
        var mask = seg.Segment(Solid(640, 480, 10, 20, 30), [box])[0];
        AssertBoxMask(mask, 640, 480, box);
        // Embeddings are (10, 20, 30, h = 768, w = 1024, 3, 0…): mean over 256 channels.
        Assert.Equal(0.9 + (10 + 20 + 30 + 768 + 1024 + 3) / 256.0, mask.PredictedIou, 3);
    }

    [Fact]
    public void BestCandidateIsTheHighestIouFirstOnTiesAndNaNIsRefused()
    {
        Assert.Equal(2, SamBoxSegmenter.BestCandidate([0.1f, 0.5f, 0.7f, 0.2f]));
        Assert.Equal(1, SamBoxSegmenter.BestCandidate([0.1f, 0.8f, 0.8f]));
        var e = Assert.Throws<SpatialVlmException>(() => SamBoxSegmenter.BestCandidate([0.1f, float.NaN]));
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void SamEncodesOnceAndDecodesEveryBoxFromThatEmbedding()
    {
        using var seg = Sam();
        PixelBox[] boxes = [new(20, 20, 120, 100), new(200, 40, 260, 300), new(300, 300, 600, 460), new(50, 200, 150, 420), new(400, 60, 620, 180)];
        var masks = seg.Segment(Solid(640, 480, 90, 90, 90), boxes);
        Assert.Equal(1, seg.EncoderRuns);
        Assert.Equal(boxes.Length, seg.DecoderRuns);
        Assert.Equal(boxes.Length, masks.Count);
        for (int i = 0; i < boxes.Length; i++) AssertBoxMask(masks[i], 640, 480, boxes[i]);
    }

    [Fact]
    public void ZeroBoxesGiveAnEmptyResultWithoutRunningTheModels()
    {
        using var seg = Sam();
        Assert.Empty(seg.Segment(Solid(64, 48, 1, 2, 3), []));
        Assert.Equal((0, 0), (seg.EncoderRuns, seg.DecoderRuns));
        using var seg2 = Sam2();
        Assert.Empty(seg2.Segment(Solid(64, 48, 1, 2, 3), []));
        Assert.Equal((0, 0), (seg2.EncoderRuns, seg2.DecoderRuns));
    }

    [Fact]
    public void BoxesPartlyOutsideAreClippedAndBoxesWithNoAreaInsideAreOneLineErrors()
    {
        using var seg = Sam(lowRes: false);
        var image = Solid(640, 480, 50, 60, 70);
        var mask = seg.Segment(image, [new PixelBox(-50, -20, 100, 60)])[0];
        // Clipped to (0,0)-(100,60): every pixel with x < 100, y < 60.
        Assert.Equal(100 * 60, mask.Pixels.Length);
        Assert.All(mask.Pixels, p => Assert.True(p % 640 < 100 && p / 640 < 60));
        foreach (var bad in new[] { new PixelBox(700, 10, 800, 50), new PixelBox(10, 10, 10, 50), new PixelBox(float.NaN, 0, 5, 5) })
        {
            var e = Assert.Throws<SpatialVlmException>(() => seg.Segment(image, [new PixelBox(10, 10, 20, 20), bad]));
            Assert.Contains("box 1", e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
        Assert.Equal(1, seg.EncoderRuns); // the failing calls were refused before encoding
    }

    [Fact]
    public void WrongSignaturesAreOneLineErrors()
    {
        var samEnc = SegmentationTestModels.SamEncoderNchw(P("enc.onnx"));
        var samDec = SegmentationTestModels.SamDecoder(P("dec.onnx"), lowRes: true);
        var sam2Enc = SegmentationTestModels.Sam2Encoder(P("sam2-enc.onnx"));
        var sam2Dec = SegmentationTestModels.Sam2Decoder(P("sam2-dec.onnx"));
        var errors = new[]
        {
            Assert.Throws<SpatialVlmException>(() => new SamBoxSegmenter(sam2Enc, samDec)),
            Assert.Throws<SpatialVlmException>(() => new SamBoxSegmenter(samEnc, sam2Dec)),
            Assert.Throws<SpatialVlmException>(() => new Sam2BoxSegmenter(samEnc, sam2Dec)),
            Assert.Throws<SpatialVlmException>(() => new Sam2BoxSegmenter(sam2Enc, samDec)),
            // An NCHW encoder at 512² is not a SAM encoder layout.
            Assert.Throws<SpatialVlmException>(() => new SamBoxSegmenter(SegmentationTestModels.SamEncoderNchw(P("enc512.onnx"), 512), samDec)),
        };
        Assert.All(errors, e => Assert.DoesNotContain('\n', e.Message));
        Assert.Contains("input_image", errors[0].Message);
        Assert.Contains("[1,3,512,512]", errors[4].Message);
    }

    [Fact]
    public void Sam2WrongMaskShapeIsAOneLineError()
    {
        using var seg = Sam2(grid: 128);
        var e = Assert.Throws<SpatialVlmException>(() => seg.Segment(Solid(64, 48, 1, 2, 3), [new PixelBox(5, 5, 20, 20)]));
        Assert.Contains("pred_masks", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Sam2SquashesBatchesBoxesAndPicksTheBestCandidatePerBox()
    {
        using var seg = Sam2(new BoxSegmenterOptions { MaxBoxesPerCall = 2 });
        // Squash: x × 1.6, y × 1024/480. Frame x0 = 160, 320·1.6 = 512 (> 300: the complement wins), 64, 480·1.6 = 768, 32.
        PixelBox[] boxes = [new(100, 50, 300, 200), new(320, 100, 500, 300), new(40, 300, 200, 460), new(480, 20, 600, 120), new(20, 20, 80, 80)];
        var masks = seg.Segment(Solid(640, 480, 200, 100, 50), boxes);
        Assert.Equal(1, seg.EncoderRuns);
        Assert.Equal(3, seg.DecoderRuns); // 2 + 2 + 1 boxes
        double e = 3 * new[] { (200 / 255.0 - 0.485) / 0.229, (100 / 255.0 - 0.456) / 0.224, (50 / 255.0 - 0.406) / 0.225 }.Average();
        for (int i = 0; i < boxes.Length; i++)
        {
            double x0 = boxes[i].X0 * 1.6;
            bool complement = x0 > 300;
            AssertBoxMask(masks[i], 640, 480, boxes[i], complement);
            Assert.Equal((complement ? 0.6 + x0 / 1000 : 0.9) + e, masks[i].PredictedIou, 3);
        }
    }

    [Fact]
    public void Sam2WithLongestSidePaddingRemovesThePaddingBeforeResizing()
    {
        using var seg = Sam2(new BoxSegmenterOptions { Sam2Frame = FrameRule.LongestSidePadded });
        var box = new PixelBox(100, 150, 260, 420);
        // Portrait 480×640 (W×H): resized 768×1024, padding on the right.
        var mask = seg.Segment(Solid(480, 640, 200, 100, 50), [box])[0];
        AssertBoxMask(mask, 480, 640, box);
        // The encoder's mean covers the padded zeros: 768/1024 of the image mean.
        double e = 3 * 0.75 * new[] { (200 / 255.0 - 0.485) / 0.229, (100 / 255.0 - 0.456) / 0.224, (50 / 255.0 - 0.406) / 0.225 }.Average();
        Assert.Equal(0.9 + e, mask.PredictedIou, 3);
    }

    [Fact]
    public void SegmentersAreSafeToShareAcrossThreads()
    {
        using var seg = Sam2();
        var image = Solid(320, 240, 30, 60, 90);
        PixelBox[] boxes = [new(10, 10, 100, 90), new(150, 40, 300, 200)];
        var reference = seg.Segment(image, boxes);
        var results = new IReadOnlyList<BoxMask>[8];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => results[i] = seg.Segment(image, boxes));
        foreach (var r in results)
            for (int b = 0; b < boxes.Length; b++) Assert.Equal(reference[b].Pixels, r[b].Pixels);
        Assert.Equal(1 + results.Length, seg.EncoderRuns);
    }

    [Fact]
    public void OpenFromTheStoreNamesThePullCommandAndThenRuns()
    {
        var store = new ModelStore(Path.Combine(dir, "home"), ModelCatalog.Default);
        var e = Assert.Throws<SpatialVlmException>(() => BoxSegmenters.Open(store, "sam2.1-hiera-tiny"));
        Assert.Contains("models pull sam2.1-hiera-tiny", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        var entry = store.Find("sam2.1-hiera-tiny");
        SegmentationTestModels.Sam2Encoder(store.FilePath(entry, entry.Files[0]));
        SegmentationTestModels.Sam2Decoder(store.FilePath(entry, entry.Files[1]));
        using var seg = BoxSegmenters.Open(store, "sam2.1-hiera-tiny");
        Assert.IsType<Sam2BoxSegmenter>(seg);
        Assert.Equal("sam2.1-hiera-tiny", seg.Name);
        AssertBoxMask(seg.Segment(Solid(64, 48, 9, 9, 9), [new PixelBox(10, 8, 40, 30)])[0], 64, 48, new PixelBox(10, 8, 40, 30));
        var notSegmenter = Assert.Throws<SpatialVlmException>(() => BoxSegmenters.Open(store, "metric3d-vit-small"));
        Assert.Contains("not Segmenter", notSegmenter.Message);
    }

    [Fact]
    public void EverySegmenterInTheCatalogHasABoxPromptBackend()
    {
        var segmenters = ModelCatalog.Default.Where(m => m.Role == ModelRole.Segmenter).ToList();
        Assert.Contains(segmenters, m => m.Export == BoxSegmenters.SamExport);
        Assert.Contains(segmenters, m => m.Export == BoxSegmenters.Sam2Export);
        Assert.All(segmenters, m =>
        {
            Assert.Contains(m.Export, new[] { BoxSegmenters.SamExport, BoxSegmenters.Sam2Export });
            Assert.Equal(2, m.Files.Count(f => f.Path.EndsWith(".onnx", StringComparison.Ordinal)));
            Assert.False(string.IsNullOrWhiteSpace(m.Licence));
        });
    }
}
