using SpatialVlm.Core;

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
}
