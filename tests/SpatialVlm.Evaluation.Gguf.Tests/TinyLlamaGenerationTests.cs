namespace SpatialVlm.Evaluation.Gguf.Tests;

/// <summary>Runs a real (tiny) llama model through llama.cpp: this is also the check that the CPU backend loads here.</summary>
public sealed class TinyLlamaGenerationTests
{
    private static readonly GgufVlmOptions Options = new() { ContextSize = 256, Threads = 1, MaxTokens = 12 };

    [Fact]
    public void Native_backend_loads_on_this_machine()
    {
        LlamaRuntime.EnsureLoaded();
    }

    [Fact]
    public void Greedy_generation_runs_to_the_token_limit_and_repeats_exactly()
    {
        using var dir = new TempFolder();
        using var model = GgufTextModel.Load(TinyLlama.Write(dir.File("tiny.gguf")), Options);
        var first = model.Complete("the mug is left of the box");
        var second = model.Complete("the mug is left of the box");
        Assert.Equal(12, first.Stats.GeneratedTokens);
        Assert.True(first.Stats.PromptTokens > 5, $"prompt tokens {first.Stats.PromptTokens}");
        Assert.NotEmpty(first.Text);
        Assert.Equal(first.Text, second.Text);
        var other = model.Complete("yes no yes no 123");
        Assert.NotEqual(first.Text, other.Text);
    }

    [Fact]
    public void An_end_of_generation_token_stops_the_answer()
    {
        using var dir = new TempFolder();
        using var model = GgufTextModel.Load(TinyLlama.Write(dir.File("stop.gguf"), stopAtOnce: true), Options);
        var g = model.Complete("is the mug left of the box?");
        Assert.Equal(0, g.Stats.GeneratedTokens);
        Assert.Equal("", g.Text);
    }

    [Fact]
    public void A_parrot_gguf_spells_its_text_greedily_and_a_stop_text_cuts_it()
    {
        using var dir = new TempFolder();
        using var model = GgufTextModel.Load(TinyLlama.WriteParrot(dir.File("parrot.gguf"), TinyLlama.Pieces("[Answer] no")), Options with { MaxTokens = 40 });
        var whole = model.Complete("whatever the prompt says\n");
        Assert.Equal("[Answer] no", whole.Text);
        Assert.Equal(9, whole.Stats.GeneratedTokens); // then </s>
        var cut = model.Complete("whatever the prompt says\n", stop: ["] n", "swer"]);
        Assert.Equal("[An", cut.Text);
        Assert.Equal(7, cut.Stats.GeneratedTokens); // "swer" is complete at the 7th token, "[Answer"
    }

    [Fact]
    public void The_chat_template_of_the_gguf_is_applied()
    {
        using var dir = new TempFolder();
        using var model = GgufTextModel.Load(TinyLlama.Write(dir.File("tiny.gguf")), Options);
        Assert.True(model.HasChatTemplate);
        var text = model.ApplyChatTemplate("be brief", "<__media__>\nhow far?");
        Assert.Equal("<|im_start|>system\nbe brief<|im_end|>\n<|im_start|>user\n<__media__>\nhow far?<|im_end|>\n<|im_start|>assistant\n", text);
    }
}
