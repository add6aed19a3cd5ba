using SpatialVlm.Core;
using SpatialVlm.Perception.Detectors;
using SpatialVlm.Perception.Photo;
using static SpatialVlm.Perception.Tests.DetectionTestModels;
using static SpatialVlm.Perception.Tests.TestImages;

namespace SpatialVlm.Perception.Tests;

public sealed class GroundingDinoDetectorTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), $"svlm-dino-{Guid.NewGuid():N}");
    private readonly string[] vocab;
    private readonly WordPieceTokenizer tokenizer;

    public GroundingDinoDetectorTests()
    {
        vocab = WriteWordPieceVocab(Path.Combine(dir, "vocab.txt"));
        tokenizer = WordPieceTokenizer.Load(Path.Combine(dir, "vocab.txt"));
    }

    public void Dispose() { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }

    private int Id(string token) => Array.IndexOf(vocab, token);

    private GroundingDinoDetector Detector(IEnumerable<TinyPrediction> p, GroundingDinoOptions? o = null) =>
        new(GroundingDino(Path.Combine(dir, $"dino-{Guid.NewGuid():N}.onnx"), vocab.Length, p), tokenizer, o);

    private TinyPrediction[] Rows() =>
    [
        new(0, Id("bear"), 2f, 0.5f, 0.5f, 0.5f, 0.5f),       // second piece of "teddy bear"
        new(1, Id("##tub"), 1.5f, 0.25f, 0.25f, 0.2f, 0.2f),  // continuation piece of "bathtub"
        new(2, Id("."), 5f, 0.5f, 0.5f, 0.2f, 0.2f),          // only the separator fires: no phrase, dropped
        new(3, Id("cat"), 0.5f, 0.75f, 0.75f, 0.1f, 0.1f),
        new(3, Id("teddy"), -0.5f, 0.75f, 0.75f, 0.1f, 0.1f), // weaker than "cat" on the same query
        new(4, Id("teddy"), -0.6f, 0.1f, 0.1f, 0.1f, 0.1f),   // σ ≈ 0.354: passes 0.3/0.25, fails a 0.4 text threshold
    ];

    [Fact]
    public void TokensMapToTheirPhrasesIncludingMultiPiecePhrases()
    {
        using var det = Detector(Rows());
        var found = det.Detect(Solid(640, 480, 100, 100, 100), ["Cat", "teddy bear", "bathtub."]);
        // Boxes are normalised to the image: × (640, 480).
        Assert.Equal(4, found.Count);
        AssertDetection(found[0], 160, 120, 480, 360, Sigmoid(2), 1, "teddy bear");
        AssertDetection(found[1], 96, 72, 224, 168, Sigmoid(1.5f), 2, "bathtub.");
        AssertDetection(found[2], 448, 336, 512, 384, Sigmoid(0.5f), 0, "Cat");
        AssertDetection(found[3], 32, 24, 96, 72, Sigmoid(-0.6f), 1, "teddy bear");
    }

    [Fact]
    public void TextAndBoxThresholdsBothApply()
    {
        using var text = Detector(Rows(), new GroundingDinoOptions { TextThreshold = 0.4f });
        Assert.Equal(["teddy bear", "bathtub.", "Cat"], text.Detect(Solid(64, 48, 0, 0, 0), ["Cat", "teddy bear", "bathtub."]).Select(d => d.Label));
        using var box = Detector(Rows(), new GroundingDinoOptions { ScoreThreshold = 0.7f });
        Assert.Equal(["teddy bear", "bathtub."], box.Detect(Solid(64, 48, 0, 0, 0), ["Cat", "teddy bear", "bathtub."]).Select(d => d.Label));
    }

    [Fact]
    public void PromptIsLowercasedPhrasesEndingWithDots()
    {
        var prompts = GroundingDinoPrompt.Build(tokenizer, ["Cat", " Teddy Bear ", "bathtub."]);
        var p = Assert.Single(prompts);
        Assert.Equal([101, Id("cat"), Id("."), Id("teddy"), Id("bear"), Id("."), Id("bath"), Id("##tub"), Id("."), 102], p.InputIds);
        Assert.Equal([new TokenSpan(1, 2), new TokenSpan(3, 5), new TokenSpan(6, 8)], p.Spans);
        Assert.Equal("cat. teddy bear. bathtub.", GroundingDinoPrompt.Text(["Cat", " Teddy Bear ", "bathtub."]));
        // Phrase-by-phrase ids equal the ids of the joined text.
        Assert.Equal(tokenizer.Encode("cat. teddy bear. bathtub.").Select(i => (long)i), p.InputIds);
    }

    [Fact]
    public void LongPromptsSplitIntoChunksWithGlobalQueryIndices()
    {
        var chunks = GroundingDinoPrompt.Build(tokenizer, ["cat", "teddy bear", "bathtub"], maxTokens: 8);
        Assert.Equal(2, chunks.Count);
        Assert.Equal([101, Id("cat"), Id("."), Id("teddy"), Id("bear"), Id("."), 102], chunks[0].InputIds);
        Assert.Equal((0, 2), (chunks[0].FirstPhrase, chunks[0].Spans.Count));
        Assert.Equal([101, Id("bath"), Id("##tub"), Id("."), 102], chunks[1].InputIds);
        Assert.Equal((2, new TokenSpan(1, 3)), (chunks[1].FirstPhrase, chunks[1].Spans[0]));

        // 129 "dog" phrases fill 256 slots with "cat" left for a second call; its detection carries index 129.
        using var det = Detector([new(7, Id("cat"), 1f, 0.5f, 0.5f, 0.5f, 0.5f)]);
        string[] queries = [.. Enumerable.Repeat("dog", 129), "cat"];
        Assert.Equal(2, GroundingDinoPrompt.Build(tokenizer, queries).Count);
        var d = Assert.Single(det.Detect(Solid(64, 48, 0, 0, 0), queries));
        Assert.Equal((129, "cat"), (d.QueryIndex, d.Label));
    }

    [Fact]
    public void InputSizeFollowsShortestEdge800Longest1333()
    {
        Assert.Equal((800, 1066), DetectorInputSize.ShortestEdgeCapped(480, 640));
        Assert.Equal((1066, 800), DetectorInputSize.ShortestEdgeCapped(640, 480));
        Assert.Equal((333, 1333), DetectorInputSize.ShortestEdgeCapped(500, 2000)); // 1333·500/2000 = 333.25
        Assert.Equal((1333, 333), DetectorInputSize.ShortestEdgeCapped(2000, 500));
        Assert.Equal((800, 1000), DetectorInputSize.ShortestEdgeCapped(800, 1000));
        Assert.Equal((800, 800), DetectorInputSize.ShortestEdgeCapped(300, 300));
    }

    [Fact]
    public void PixelValuesAreImageNetNormalisedAtTheResizedSize()
    {
        // Top half (rows < 24) red, bottom half blue; 64×48 -> 800×1066; rows far from the seam keep the colours.
        var img = Solid(64, 48, 255, 0, 0);
        for (int i = 24 * 64; i < 48 * 64; i++) { img.Pixels[3 * i] = 0; img.Pixels[3 * i + 2] = 255; }
        var (h, w) = GroundingDinoDetector.InputSize(48, 64);
        var t = new float[3 * h * w];
        GroundingDinoDetector.Preprocess(img, h, w, t);
        float[] mean = [0.485f, 0.456f, 0.406f], std = [0.229f, 0.224f, 0.225f];
        float Norm(float v, int c) => (v / 255f - mean[c]) / std[c];
        foreach (var x in new[] { 0, 533, 1065 })
        {
            Assert.Equal(Norm(255, 0), t[0 * h * w + 10 * w + x], 4);
            Assert.Equal(Norm(0, 2), t[2 * h * w + 10 * w + x], 4);
            Assert.Equal(Norm(0, 0), t[0 * h * w + 790 * w + x], 4);
            Assert.Equal(Norm(255, 2), t[2 * h * w + 790 * w + x], 4);
            Assert.Equal(Norm(0, 1), t[1 * h * w + 400 * w + x], 4);
        }
    }

    [Fact]
    public void ImagesOfDifferentSizesInOneCall()
    {
        using var det = Detector(Rows(), new GroundingDinoOptions { MaxBatch = 2 });
        RgbImage[] images = [Solid(64, 48, 0, 0, 0), Solid(30, 40, 9, 9, 9), Solid(64, 48, 200, 0, 0)];
        var all = det.Detect(images, ["cat", "teddy bear", "bathtub"]);
        for (int i = 0; i < images.Length; i++) Assert.Equal(det.Detect(images[i], ["cat", "teddy bear", "bathtub"]), all[i]);
        AssertDetection(all[1][0], 7.5f, 10, 22.5f, 30, Sigmoid(2), 1, "teddy bear"); // 30×40: (0.5,0.5,0.5,0.5) × (30, 40)
    }

    [Fact]
    public void BadInputsAreOneLineErrors()
    {
        using var det = Detector(Rows());
        var empty = Assert.Throws<SpatialVlmException>(() => det.Detect(Solid(8, 8, 0, 0, 0), []));
        Assert.Contains("no text queries", empty.Message);
        var punct = Assert.Throws<SpatialVlmException>(() => det.Detect(Solid(8, 8, 0, 0, 0), ["..."]));
        Assert.Contains("empty after tokenization", punct.Message);
        var owl = DetectionTestModels.Owl(Path.Combine(dir, "owl.onnx"), 768, 576, 7, []);
        var wrong = Assert.Throws<SpatialVlmException>(() => new GroundingDinoDetector(owl, tokenizer));
        Assert.Contains("no input 'pixel_mask'", wrong.Message);
        var badOption = Assert.Throws<SpatialVlmException>(() => new GroundingDinoDetector(owl, tokenizer, new GroundingDinoOptions { TextThreshold = 1.5f }));
        Assert.Contains("text threshold", badOption.Message);
        foreach (var e in new[] { empty, punct, wrong, badOption }) Assert.DoesNotContain('\n', e.Message);
    }
}
