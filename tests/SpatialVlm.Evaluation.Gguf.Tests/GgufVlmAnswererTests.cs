using SpatialVlm.Core;
using SpatialVlm.Imaging;

namespace SpatialVlm.Evaluation.Gguf.Tests;

/// <summary>The full image path: a tiny llama model and a tiny LLaVA projector, an image, a question, an answer.</summary>
public sealed class GgufVlmAnswererTests
{
    private static readonly GgufVlmOptions Options = new() { ContextSize = 256, Threads = 1, MaxTokens = 10 };

    private static string WriteImage(string path, int seed)
    {
        var rng = new Random(seed);
        var img = new RgbImage(40, 30);
        rng.NextBytes(img.Pixels);
        File.WriteAllBytes(path, ColorImageCodec.EncodePng(img));
        return path;
    }

    [Fact]
    public async Task An_image_question_is_answered_through_the_projector_deterministically()
    {
        using var dir = new TempFolder();
        var model = TinyLlama.Write(dir.File("tiny.gguf"));
        var mmproj = TinyClipProjector.Write(dir.File("mmproj.gguf"));
        using var vlm = GgufVlmAnswerer.Load(ModelSpec.Parse($"gguf:{model}+{mmproj}"), Options);
        var image = WriteImage(dir.File("a.png"), 1);
        var first = vlm.Answer("How far is the mug from the box?", image);
        Assert.Equal(10, first.Stats.GeneratedTokens);
        // The image becomes one token per projector patch (the class token dropped), beside the text tokens.
        Assert.Equal(TinyClipProjector.Patches, first.Stats.ImageTokens);
        Assert.True(first.Stats.PromptTokens > TinyClipProjector.Patches + 10, $"prompt tokens {first.Stats.PromptTokens}");
        var answer = await vlm.AnswerAsync(new AnswerRequest(image, "How far is the mug from the box?"), CancellationToken.None);
        Assert.Equal(first.Text, answer.Text);
        var otherImage = vlm.Answer("How far is the mug from the box?", WriteImage(dir.File("b.png"), 2));
        Assert.NotEqual(first.Text, otherImage.Text);
    }
}
