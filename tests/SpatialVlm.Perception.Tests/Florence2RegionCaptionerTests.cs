using SpatialVlm.Core;
using SpatialVlm.Perception.Captioning;
using SpatialVlm.Perception.Models;
using SpatialVlm.Perception.Photo;
using static SpatialVlm.Perception.Tests.FlorenceTestModels;
using static SpatialVlm.Perception.Tests.TestImages;

namespace SpatialVlm.Perception.Tests;

public sealed class Florence2RegionCaptionerTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), $"svlm-florence-{Guid.NewGuid():N}");

    public void Dispose() { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }

    /// <summary>
    /// The tiny model folder for an expected generation `emitted` (forced BOS first): the decoder proposes `top` (emitted
    /// with its first token replaced, so the BOS must be forced) and checks the token fed at each step is the previous one.
    /// Steps past the script propose EOS.
    /// </summary>
    private string Folder(int[] emitted, int[] prompt, int[]? top = null, int[]? second = null, int layers = 2, string name = "m")
    {
        var folder = Path.Combine(dir, name);
        top ??= [5901, .. emitted[1..]];
        int n = Math.Max(top.Length, emitted.Length) + 4;
        int[] Pad(int[] a, int fill) => [.. a, .. Enumerable.Repeat(fill, n - a.Length)];
        Write(folder, Pad(top, 2), Pad([2, .. emitted], 2), prompt, second is null ? null : Pad(second, 1), layers);
        return folder;
    }

    [Fact]
    public void GeneratesThePublishedOdSequenceAndItsBoxesInPixelsOfANonSquareImage()
    {
        int[] emitted = [0, 5901, 50322, 50602, 51202, 51043, 11219, 3679, 50694, 50772, 50743, 50784, 13630, 50978, 50845, 51134, 51041, 50419, 50853, 50578, 51042, 2];
        using var captioner = new Florence2RegionCaptioner(Folder(emitted, OdPrompt), new Florence2Options { Task = Florence2Task.ObjectDetection });
        Assert.Equal(2, captioner.DecoderLayers);
        Assert.Equal(OdPrompt, captioner.PromptIds);
        var image = Solid(640, 480, 90, 120, 200);
        Assert.Equal([2, .. emitted], captioner.GenerateIds(image));
        var regions = captioner.Propose(image);
        Assert.Equal(["car", "door handle", "wheel", "wheel"], regions.Select(r => r.Caption));
        // x = (bin + 0.5) / 1000 × 640, y = (bin + 0.5) / 1000 × 480, worked by hand.
        float[][] boxes =
        [
            [34.24f, 160.08f, 597.44f, 371.76f], [272.32f, 241.68f, 303.68f, 247.44f],
            [454.08f, 276.72f, 553.92f, 370.80f], [96.32f, 280.56f, 198.08f, 371.28f],
        ];
        for (int i = 0; i < 4; i++)
        {
            var b = regions[i].Box;
            Assert.Equal(boxes[i], new[] { b.X0, b.Y0, b.X1, b.Y1 }, (p, q) => MathF.Abs(p - q) < 1e-3f);
        }
    }

    [Fact]
    public void StopsAtEosAndKeepsTheFirstStepsCrossAttentionCache()
    {
        int[] chair = [40001, 40002, 40003, Loc(100), Loc(200), Loc(300), Loc(400)];
        int[] after = [40004, 40005, Loc(1), Loc(2), Loc(3), Loc(4), 2];
        // Three layers here: the count comes from the graph.
        using var captioner = new Florence2RegionCaptioner(Folder([0, .. chair, 2, .. after], DensePrompt, layers: 3));
        Assert.Equal(3, captioner.DecoderLayers);
        var image = Solid(200, 100, 10, 10, 10);
        Assert.Equal("</s><s>A red chair<loc_100><loc_200><loc_300><loc_400></s>", captioner.GenerateText(image));
        var region = Assert.Single(captioner.Propose(image));
        Assert.Equal("A red chair", region.Caption);
        Assert.Equal(new PixelBox(20.1f, 20.05f, 60.1f, 40.05f), region.Box, (p, q) => p.Iou(q) > 0.9999f);
    }

    [Fact]
    public void MaxNewTokensCutsTheSequenceAndTheUnfinishedRegionIsDropped()
    {
        int[] emitted = [0, 40004, Loc(10), Loc(20), Loc(30), Loc(40), 40001, Loc(50), Loc(60), Loc(70), Loc(80), 2];
        var folder = Folder(emitted, DensePrompt);
        using var captioner = new Florence2RegionCaptioner(folder, new Florence2Options { MaxNewTokens = 9 });
        var image = Solid(1000, 1000, 0, 0, 0);
        var ids = captioner.GenerateIds(image);
        Assert.Equal(10, ids.Count); // decoder start + 9 generated, no EOS
        Assert.Equal([2, .. emitted[..9]], ids);
        var region = Assert.Single(captioner.Propose(image));
        Assert.Equal("blue", region.Caption);
        Assert.Equal(new PixelBox(10.5f, 20.5f, 30.5f, 40.5f), region.Box, (p, q) => p.Iou(q) > 0.9999f);
        // With room for the whole script both regions come out.
        using var full = new Florence2RegionCaptioner(folder, new Florence2Options { MaxNewTokens = 64 });
        Assert.Equal(["blue", "A"], full.Propose(image).Select(r => r.Caption));
    }

    [Fact]
    public void ARepeatedTrigramIsBannedAndTheNextBestTokenTaken()
    {
        // At step 8 the decoder's best token, <loc_2>, would repeat "A <loc_1> <loc_2>"; its second best is <loc_5>.
        int[] emitted = [0, 40001, Loc(1), Loc(2), Loc(3), Loc(4), 40001, Loc(1), Loc(5), Loc(6), Loc(7), 2];
        int[] top = [5901, .. emitted[1..8], Loc(2), .. emitted[9..]];
        int[] second = [.. Enumerable.Repeat(1, 8), Loc(5)];
        using var captioner = new Florence2RegionCaptioner(Folder(emitted, DensePrompt, top, second));
        var image = Solid(1000, 1000, 0, 0, 0);
        Assert.Equal([2, .. emitted], captioner.GenerateIds(image));
        Assert.Equal(2, captioner.Propose(image).Count);
    }

    [Fact]
    public void TheEncoderReadsTheTasksPrompt()
    {
        // Graphs expecting the dense prompt: the OD captioner feeds other ids, the decoder's check pushes EOS at once
        // (after the forced BOS), and nothing is proposed.
        int[] emitted = [0, 40004, Loc(10), Loc(20), Loc(30), Loc(40), 2];
        var folder = Folder(emitted, DensePrompt);
        var image = Solid(100, 100, 0, 0, 0);
        using (var od = new Florence2RegionCaptioner(folder, new Florence2Options { Task = Florence2Task.ObjectDetection }))
        {
            Assert.Equal(OdPrompt, od.PromptIds);
            Assert.Equal([2, 0, 2], od.GenerateIds(image));
            Assert.Empty(od.Propose(image));
        }
        using var dense = new Florence2RegionCaptioner(folder);
        Assert.Single(dense.Propose(image));
    }

    [Fact]
    public void PreprocessingSquashesTo768AndAppliesImageNetMeanAndStd()
    {
        var dst = new float[3 * 768 * 768];
        Florence2RegionCaptioner.Preprocess(Solid(300, 100, 255, 128, 0), dst);
        float[] expected = [(1f - 0.485f) / 0.229f, (128f / 255 - 0.456f) / 0.224f, (0f - 0.406f) / 0.225f];
        for (int c = 0; c < 3; c++)
        {
            Assert.Equal(expected[c], dst[c * 768 * 768], 4);
            Assert.Equal(expected[c], dst[c * 768 * 768 + 768 * 768 - 1], 4);
        }
    }

    [Fact]
    public void AWrongGraphIsAOneLineError()
    {
        int[] emitted = [0, 2];
        var folder = Folder(emitted, DensePrompt);
        var decoder = Path.Combine(folder, "onnx", "decoder_model_merged.onnx");

        // A decoder without the merged branch switch (a plain with-past decoder).
        Write(folder, [2, 2, 2], [2, 2, 2], DensePrompt, withUseCacheBranch: false);
        var e = Assert.Throws<SpatialVlmException>(() => new Florence2RegionCaptioner(folder));
        Assert.Contains("use_cache_branch", e.Message);
        Assert.DoesNotContain('\n', e.Message);

        // The encoder where the decoder should be.
        File.Copy(Path.Combine(folder, "onnx", "encoder_model.onnx"), decoder, overwrite: true);
        Assert.Contains("no input 'encoder_hidden_states'", Assert.Throws<SpatialVlmException>(() => new Florence2RegionCaptioner(folder)).Message);

        // A vision encoder at another resolution.
        Write(folder, [2, 2, 2], [2, 2, 2], DensePrompt);
        VisionEncoder(Path.Combine(folder, "onnx", "vision_encoder.onnx"), 224);
        Assert.Contains("224x224", Assert.Throws<SpatialVlmException>(() => new Florence2RegionCaptioner(folder)).Message);

        // A tokenizer whose EOS is not the generation's.
        Write(folder, [2, 2, 2], [2, 2, 2], DensePrompt);
        Assert.Contains("EOS", Assert.Throws<SpatialVlmException>(() => new Florence2RegionCaptioner(folder, new Florence2Options { EosTokenId = 7 })).Message);
    }

    [Fact]
    public void TheCatalogModelMustBePulledFirst()
    {
        var store = new ModelStore(Path.Combine(dir, "home"), ModelCatalog.Default);
        var entry = store.Find("florence-2-base-ft");
        Assert.Equal(ModelRole.Captioner, entry.Role);
        Assert.Contains(entry.Files, f => f.Path == "onnx/decoder_model_merged.onnx");
        var e = Assert.Throws<SpatialVlmException>(() => Florence2RegionCaptioner.Open(store));
        Assert.Contains("spatialvlm models pull florence-2-base-ft", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        // Once the files are in the store's folder, Open loads them.
        int[] emitted = [0, 40004, Loc(10), Loc(20), Loc(30), Loc(40), 2];
        var source = Folder(emitted, DensePrompt);
        var target = store.ModelFolder(entry);
        foreach (var f in entry.Files)
        {
            var to = store.FilePath(entry, f);
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(Path.Combine(source, f.Path), to);
        }
        using var captioner = Florence2RegionCaptioner.Open(store);
        Assert.StartsWith("florence-2-base-ft", captioner.Name);
        Assert.Equal("blue", Assert.Single(captioner.Propose(Solid(50, 50, 1, 2, 3))).Caption);
        Assert.True(Directory.Exists(target));
    }

    [Fact]
    public void NoRepeatNgramBansTheTokenThatWouldRepeatAnNgram()
    {
        var logits = new float[10];
        NoRepeatNgram.Ban([2, 0, 5, 6, 7, 5, 6], 3, logits);
        Assert.Equal([7], Enumerable.Range(0, 10).Where(i => float.IsNegativeInfinity(logits[i])));
        logits = new float[10];
        NoRepeatNgram.Ban([2, 0, 5, 6, 7, 5, 6], 0, logits);
        Assert.All(logits, v => Assert.Equal(0f, v));
        NoRepeatNgram.Ban([2, 0, 5, 6, 7, 5, 6], 2, logits); // bigram (6, x) seen once: 6 7
        Assert.Equal([7], Enumerable.Range(0, 10).Where(i => float.IsNegativeInfinity(logits[i])));
    }
}
