using SpatialVlm.Core;
using SpatialVlm.Imaging;

namespace SpatialVlm.Evaluation.Gguf.Tests;

/// <summary>Every bad model input is one line naming the file and the reason, and nothing crashes the process.</summary>
public sealed class GgufBadInputTests
{
    private static readonly GgufVlmOptions Options = new() { ContextSize = 256, Threads = 1, MaxTokens = 4 };

    private static string OneLine(Exception e)
    {
        Assert.DoesNotContain('\n', e.Message);
        return e.Message;
    }

    [Fact]
    public void A_spec_without_a_projector_is_refused()
    {
        var e = Assert.Throws<SpatialVlmException>(() => ModelSpec.Parse("gguf:model.gguf"));
        Assert.Contains("MODEL.gguf+MMPROJ.gguf", OneLine(e));
        Assert.Throws<SpatialVlmException>(() => ModelSpec.Parse("gguf:model.gguf+"));
    }

    [Fact]
    public void Missing_files_are_named()
    {
        using var dir = new TempFolder();
        var model = TinyLlama.Write(dir.File("tiny.gguf"));
        var e = Assert.Throws<SpatialVlmException>(() => GgufVlmAnswerer.Load(dir.File("nope.gguf"), model, Options));
        Assert.Contains("model", OneLine(e));
        Assert.Contains("nope.gguf: no such file", e.Message);
        e = Assert.Throws<SpatialVlmException>(() => GgufVlmAnswerer.Load(model, dir.File("mmproj.gguf"), Options));
        Assert.Contains("gguf projector", OneLine(e));
        Assert.Contains("no such file", e.Message);
        e = Assert.Throws<SpatialVlmException>(() => GgufVlmAnswerer.Load(model, dir.Path, Options));
        Assert.Contains("is a folder", OneLine(e));
    }

    [Theory]
    [InlineData("text", "not a GGUF file")]
    [InlineData("empty", "not a GGUF file")]
    [InlineData("truncated", "truncated GGUF header")]
    [InlineData("version1", "GGUF version 1 is not supported")]
    [InlineData("huge-counts", "corrupt GGUF header")]
    public void Files_that_are_not_gguf_are_caught_before_llama_cpp(string kind, string expected)
    {
        using var dir = new TempFolder();
        var model = TinyLlama.Write(dir.File("tiny.gguf"));
        var bad = dir.File("bad.gguf");
        var header = new byte[24];
        "GGUF"u8.CopyTo(header);
        BitConverter.TryWriteBytes(header.AsSpan(4), 3u);
        switch (kind)
        {
            case "text": File.WriteAllText(bad, "this is a readme, not a model\n"); break;
            case "empty": File.WriteAllBytes(bad, []); break;
            case "truncated": File.WriteAllBytes(bad, header[..10]); break;
            case "version1": BitConverter.TryWriteBytes(header.AsSpan(4), 1u); File.WriteAllBytes(bad, header); break;
            case "huge-counts": BitConverter.TryWriteBytes(header.AsSpan(8), ulong.MaxValue / 3); File.WriteAllBytes(bad, header); break;
        }
        var asModel = Assert.Throws<SpatialVlmException>(() => GgufVlmAnswerer.Load(bad, model, Options));
        Assert.Contains("gguf model", OneLine(asModel));
        Assert.Contains(expected, asModel.Message);
        var asProjector = Assert.Throws<SpatialVlmException>(() => GgufVlmAnswerer.Load(model, bad, Options));
        Assert.Contains("gguf projector", OneLine(asProjector));
        Assert.Contains(expected, asProjector.Message);
    }

    [Fact]
    public void A_language_model_given_as_projector_is_refused_by_llama_cpp_in_one_line()
    {
        using var dir = new TempFolder();
        var model = TinyLlama.Write(dir.File("tiny.gguf"));
        var e = Assert.Throws<SpatialVlmException>(() => GgufVlmAnswerer.Load(model, model, Options));
        Assert.Contains("could not load it as a multimodal projector", OneLine(e));
    }

    [Fact]
    public void A_projector_given_as_language_model_is_refused_by_llama_cpp_in_one_line()
    {
        using var dir = new TempFolder();
        var mmproj = TinyClipProjector.Write(dir.File("mmproj.gguf"));
        var e = Assert.Throws<SpatialVlmException>(() => GgufVlmAnswerer.Load(mmproj, mmproj, Options));
        Assert.Contains("llama.cpp could not load it", OneLine(e));
    }

    [Fact]
    public void A_projector_for_another_embedding_width_is_refused()
    {
        using var dir = new TempFolder();
        var model = TinyLlama.Write(dir.File("tiny.gguf"));
        var mmproj = TinyClipProjector.Write(dir.File("mmproj48.gguf"), textEmbedding: 48);
        var e = Assert.Throws<SpatialVlmException>(() => GgufVlmAnswerer.Load(model, mmproj, Options));
        Assert.Contains("gguf projector", OneLine(e));
    }

    [Fact]
    public void Bad_options_are_refused_before_loading()
    {
        using var dir = new TempFolder();
        var model = TinyLlama.Write(dir.File("tiny.gguf"));
        var mmproj = TinyClipProjector.Write(dir.File("mmproj.gguf"));
        Assert.Contains("unknown prompt format", Assert.Throws<SpatialVlmException>(() => GgufVlmAnswerer.Load(model, mmproj, Options with { PromptFormat = "alpaca" })).Message);
        Assert.Contains("context size", Assert.Throws<SpatialVlmException>(() => GgufVlmAnswerer.Load(model, mmproj, Options with { ContextSize = 8 })).Message);
        Assert.Contains("threads", Assert.Throws<SpatialVlmException>(() => GgufVlmAnswerer.Load(model, mmproj, Options with { Threads = 0 })).Message);
    }

    [Fact]
    public void A_context_too_small_for_the_image_fails_that_question_only()
    {
        using var dir = new TempFolder();
        var model = TinyLlama.Write(dir.File("tiny.gguf"));
        var mmproj = TinyClipProjector.Write(dir.File("mmproj.gguf"));
        using var vlm = GgufVlmAnswerer.Load(model, mmproj, Options);
        var img = new RgbImage(20, 20);
        var image = dir.File("a.png");
        File.WriteAllBytes(image, ColorImageCodec.EncodePng(img));
        var e = Assert.Throws<AnswerFailedException>(() => vlm.Answer(string.Concat(Enumerable.Repeat("How far apart are the mugs? ", 20)), image));
        Assert.Contains("--context-size", OneLine(e));
        // The next, shorter question still works on the same loaded model.
        Assert.Equal(4, vlm.Answer("far?", image).Stats.GeneratedTokens);
    }
}
