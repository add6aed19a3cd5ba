using SpatialVlm.Core;
using SpatialVlm.Perception.Clip;
using SpatialVlm.Perception.Models;
using static SpatialVlm.Perception.Tests.TestImages;

namespace SpatialVlm.Perception.Tests;

public sealed class ClipTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), $"svlm-clip-{Guid.NewGuid():N}");

    public ClipTests() => ClipTestModels.WriteTokenizer(dir);

    public void Dispose() { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }

    [Fact]
    public void TokenizerReproducesTheTestVector() =>
        Assert.Equal([49406, 829, 631, 592, 1960, 286, 49407], ClipTokenizer.Load(dir).Encode("How are you doing?"));

    [Fact]
    public void TokenizerLowercasesAndCollapsesWhitespace() =>
        Assert.Equal([49406, 829, 631, 592, 1960, 286, 49407], ClipTokenizer.Load(dir).Encode("  HOW\tare   you\n Doing? "));

    [Fact]
    public void TokenizerUnescapesHtmlEntities() =>
        Assert.Equal([49406, 829, 631, 592, 1960, 286, 49407], ClipTokenizer.Load(dir).Encode("how are you doing&#63;"));

    [Fact]
    public void UnmergedBytesFallBackToByteSymbols()
    {
        // "hi" has no merge: h, i</w>. "é" is UTF-8 C3 A9 -> byte symbols 'Ã' (vocab 0..255) and '©' + "</w>".
        var tok = ClipTokenizer.Load(dir);
        var symbols = ClipTokenizer.ByteSymbolsInVocabOrder();
        int Id(char c) => Array.IndexOf(symbols, c);
        Assert.Equal([49406, Id('h'), 256 + Id('i'), 49407], tok.Encode("hi"));
        Assert.Equal([49406, Id('\u00C3'), 256 + Id('\u00A9'), 49407], tok.Encode("é"));
    }

    [Fact]
    public void ByteTableIsGpt2s()
    {
        var map = ClipTokenizer.ByteToChar();
        Assert.Equal(256, map.Distinct().Count());
        Assert.Equal('A', map['A']);
        Assert.Equal('\u0120', map[' ']);  // 'Ġ'
        Assert.Equal('\u0100', map[0]);
        Assert.Equal('\u00FF', map[0xFF]);
    }

    [Fact]
    public void LongTextIsTruncatedKeepingEos()
    {
        var ids = ClipTokenizer.Load(dir).Encode(string.Join(' ', Enumerable.Repeat("how", 200)));
        Assert.Equal(77, ids.Length);
        Assert.Equal(49406, ids[0]);
        Assert.Equal(49407, ids[^1]);
        Assert.All(ids[1..^1], id => Assert.Equal(829, id));
    }

    [Fact]
    public void TextEncoderPadsWithEosAndMasksPadding()
    {
        using var text = new ClipTextEncoder(ClipTestModels.TextModel(Path.Combine(dir, "text.onnx")), ClipTokenizer.Load(dir));
        // Alone and in a batch with a longer text, "red" embeds to (e_0 + e_7)/√2: padded EOS tokens are masked out.
        var alone = text.Embed(["red"])[0];
        var batch = text.Embed(["red", "blue blue blue", "how are you doing?"]);
        float h = 1 / MathF.Sqrt(2);
        Assert.Equal(h, alone[0], 6); Assert.Equal(h, alone[7], 6); Assert.Equal(1f, alone.Sum(v => v * v), 5);
        Assert.Equal(alone, batch[0]);
        // blue ×3 + EOS: (3 e_2 + e_7)/√10.
        Assert.Equal(3 / MathF.Sqrt(10), batch[1][2], 6);
        Assert.Equal(1 / MathF.Sqrt(10), batch[1][7], 6);
    }

    /// <summary>P(keep prompt "red") worked out by hand for a solid colour and the tiny towers.</summary>
    private static double ExpectedRedProbability(byte r, byte b, double bias)
    {
        double vr = (r / 255.0 - 0.48145466) / 0.26862954, vb = (b / 255.0 - 0.40821073) / 0.27577711;
        double norm = Math.Sqrt(vr * vr + vb * vb + bias * bias);
        double cosRed = (vr + bias) / (norm * Math.Sqrt(2)), cosBlue = (vb + bias) / (norm * Math.Sqrt(2));
        return 1 / (1 + Math.Exp(100 * (cosBlue - cosRed)));
    }

    [Fact]
    public void SceneFilterScoresAreSoftmaxOfScaledCosinesAndThresholdDecides()
    {
        const float bias = 100;
        using var text = new ClipTextEncoder(ClipTestModels.TextModel(Path.Combine(dir, "text.onnx")), ClipTokenizer.Load(dir));
        using var vision = new ClipImageEncoder(ClipTestModels.VisionModel(Path.Combine(dir, "vision.onnx"), bias), maxBatch: 2);
        var images = new[] { Solid(300, 200, 255, 0, 0), Solid(200, 300, 128, 128, 128), Solid(224, 224, 0, 0, 255) };
        var expected = new[] { ExpectedRedProbability(255, 0, bias), ExpectedRedProbability(128, 128, bias), ExpectedRedProbability(0, 255, bias) };
        Assert.InRange(expected[1], 0.4, 0.5); // the grey image sits between the two thresholds below

        var strict = new ClipSceneFilter(text, vision, new SceneFilterOptions { KeepPrompts = ["red"], RejectPrompts = ["blue"], Threshold = 0.5 });
        var decisions = strict.Decide(images);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(expected[i], decisions[i].Score, 5);
            Assert.Equal(expected[i], decisions[i].Prompts[0].Probability, 5);
            Assert.Equal(1 - expected[i], decisions[i].Prompts[1].Probability, 5);
            Assert.Equal(("red", true, "blue", false), (decisions[i].Prompts[0].Prompt, decisions[i].Prompts[0].Keeps, decisions[i].Prompts[1].Prompt, decisions[i].Prompts[1].Keeps));
        }
        Assert.Equal([true, false, false], decisions.Select(d => d.Keep));

        var lenient = new ClipSceneFilter(text, vision, new SceneFilterOptions { KeepPrompts = ["red"], RejectPrompts = ["blue"], Threshold = 0.4 });
        Assert.Equal([true, true, false], lenient.Decide(images).Select(d => d.Keep));

        var log = Path.Combine(dir, "filter", "decisions.jsonl");
        SceneFilterLog.Write(log, decisions.Select((d, i) => ($"img-{i}", d)));
        var lines = File.ReadAllLines(log);
        Assert.Equal(3, lines.Length);
        using var doc = System.Text.Json.JsonDocument.Parse(lines[1]);
        Assert.Equal("img-1", doc.RootElement.GetProperty("image").GetString());
        Assert.False(doc.RootElement.GetProperty("keep").GetBoolean());
        Assert.Equal(expected[1], doc.RootElement.GetProperty("score").GetDouble(), 5);
        Assert.Equal("blue", doc.RootElement.GetProperty("prompts")[1].GetProperty("prompt").GetString());
        Assert.Equal(1 - expected[1], doc.RootElement.GetProperty("prompts")[1].GetProperty("probability").GetDouble(), 5);
    }

    [Fact]
    public void ImagePreprocessingCropsTheCentre()
    {
        // 448x224: left quarter black, centre half white, right quarter black. Shortest edge is already 224, so the
        // centre crop is exactly the white half: every value is (1 - mean)/std.
        var img = Solid(448, 224, 0, 0, 0);
        for (int y = 0; y < 224; y++) for (int x = 112; x < 336; x++) { int p = 3 * (y * 448 + x); img.Pixels[p] = img.Pixels[p + 1] = img.Pixels[p + 2] = 255; }
        var dst = new float[3 * 224 * 224];
        ClipImageEncoder.Preprocess(img, dst);
        Assert.All(dst.AsSpan(0, 224 * 224).ToArray(), v => Assert.Equal((1 - 0.48145466) / 0.26862954, v, 5));
        Assert.All(dst.AsSpan(2 * 224 * 224).ToArray(), v => Assert.Equal((1 - 0.40821073) / 0.27577711, v, 5));
    }

    [Fact]
    public void FilterNeedsBothKindsOfPromptsAndAThresholdInRange()
    {
        using var text = new ClipTextEncoder(ClipTestModels.TextModel(Path.Combine(dir, "text.onnx")), ClipTokenizer.Load(dir));
        using var vision = new ClipImageEncoder(ClipTestModels.VisionModel(Path.Combine(dir, "vision.onnx"), 1));
        Assert.Throws<SpatialVlmException>(() => new ClipSceneFilter(text, vision, new SceneFilterOptions { KeepPrompts = [] }));
        Assert.Throws<SpatialVlmException>(() => new ClipSceneFilter(text, vision, new SceneFilterOptions { KeepPrompts = ["red"], RejectPrompts = ["blue"], Threshold = 1.5 }));
    }

    [Fact]
    public void TextEncoderOpensFromTheStoreWithTheTokenizerBesideIt()
    {
        var store = new ModelStore(Path.Combine(dir, "home"), ModelCatalog.Default);
        var folder = store.ModelFolder(store.Find("clip-vit-base-patch32-text"));
        ClipTestModels.WriteTokenizer(folder);
        ClipTestModels.TextModel(Path.Combine(folder, "onnx", "text_model.onnx"));
        using var text = ClipTextEncoder.Open(store);
        Assert.Equal([49406, 829, 631, 592, 1960, 286, 49407], text.Tokenizer.Encode("How are you doing?"));
        Assert.Equal(1 / MathF.Sqrt(2), text.Embed(["red"])[0][0], 6);
    }

    [Fact]
    public void MissingClipModelNamesThePullCommand()
    {
        var store = new ModelStore(dir, ModelCatalog.Default);
        Assert.Contains("spatialvlm models pull clip-vit-base-patch32-text", Assert.Throws<SpatialVlmException>(() => ClipTextEncoder.Open(store)).Message);
        Assert.Contains("spatialvlm models pull clip-vit-base-patch32-vision", Assert.Throws<SpatialVlmException>(() => ClipImageEncoder.Open(store)).Message);
    }
}
