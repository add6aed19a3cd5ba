using SpatialVlm.Core;
using SpatialVlm.Imaging;

namespace SpatialVlm.Evaluation.Gguf.Tests;

public sealed class GgufPromptTests
{
    private static string Template(string? system, string user) => $"[{system}|{user}]";

    [Fact]
    public void Auto_uses_the_models_template_when_it_has_one()
    {
        Assert.Equal("[|<m>\nIs it left?]", GgufPrompt.Build("auto", "<m>", " Is it left? ", null, Template));
        Assert.Equal("[be brief|<m>\nIs it left?]", GgufPrompt.Build("template", "<m>", "Is it left?", "be brief", Template));
    }

    [Fact]
    public void Without_a_template_auto_falls_back_to_llava_and_template_is_an_error()
    {
        Assert.Equal("USER: <m>\nHow far?\nASSISTANT:", GgufPrompt.Build("auto", "<m>", "How far?", null, null));
        Assert.Equal("sys\nUSER: <m>\nHow far?\nASSISTANT:", GgufPrompt.Build("llava", "<m>", "How far?", "sys", Template));
        Assert.Contains("no chat template", Assert.Throws<SpatialVlmException>(() => GgufPrompt.Build("template", "<m>", "q", null, null)).Message);
        Assert.Contains("empty question", Assert.Throws<SpatialVlmException>(() => GgufPrompt.Build("auto", "<m>", "  ", null, null)).Message);
    }

    [Fact]
    public void The_answerer_prompt_puts_the_media_marker_in_the_models_chat_template()
    {
        using var dir = new TempFolder();
        var options = new GgufVlmOptions { ContextSize = 128, Threads = 1 };
        using (var vlm = GgufVlmAnswerer.Load(TinyLlama.Write(dir.File("t.gguf")), TinyClipProjector.Write(dir.File("p.gguf")), options))
        {
            Assert.Equal("<__media__>", vlm.MediaMarker);
            Assert.Equal("<|im_start|>user\n<__media__>\nHow far?<|im_end|>\n<|im_start|>assistant\n", vlm.Prompt("How far?"));
        }
        using var plain = GgufVlmAnswerer.Load(TinyLlama.Write(dir.File("n.gguf"), withTemplate: false), TinyClipProjector.Write(dir.File("p2.gguf")), options);
        Assert.Equal("USER: <__media__>\nHow far?\nASSISTANT:", plain.Prompt("How far?"));
    }

    [Fact]
    public void Auto_falls_back_to_llava_when_llama_cpp_does_not_recognise_the_template()
    {
        using var dir = new TempFolder();
        var options = new GgufVlmOptions { ContextSize = 256, Threads = 1, MaxTokens = 4 };
        // A valid Jinja template with none of the markers llama.cpp matches its built-in templates by.
        const string unknown = "{{ bos_token }}{% for m in messages %}<<{{ m['role'] }}>> {{ m['content'] }}{% endfor %}";
        var model = TinyLlama.Write(dir.File("u.gguf"), template: unknown);
        var projector = TinyClipProjector.Write(dir.File("p.gguf"));
        using (var vlm = GgufVlmAnswerer.Load(model, projector, options))
        {
            Assert.False(vlm.UsesChatTemplate);
            Assert.Equal("USER: <__media__>\nHow far?\nASSISTANT:", vlm.Prompt("How far?"));
            var image = new RgbImage(40, 30);
            new Random(5).NextBytes(image.Pixels);
            var imagePath = dir.File("a.png");
            File.WriteAllBytes(imagePath, ColorImageCodec.EncodePng(image));
            Assert.Equal(4, vlm.Answer("How far?", imagePath).Stats.GeneratedTokens);
        }
        // Asked for the template explicitly, the same model is refused at load, in one line.
        var e = Assert.Throws<SpatialVlmException>(() => GgufVlmAnswerer.Load(model, projector, options with { PromptFormat = "template" }));
        Assert.Contains("no chat template llama.cpp can apply", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        using var recognised = GgufVlmAnswerer.Load(TinyLlama.Write(dir.File("c.gguf")), projector, options);
        Assert.True(recognised.UsesChatTemplate);
    }
}
