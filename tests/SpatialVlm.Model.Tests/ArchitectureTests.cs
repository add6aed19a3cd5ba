using TorchSharp;
using static TorchSharp.torch;

namespace SpatialVlm.Model.Tests;

public class ArchitectureTests
{
    private static SpatialVlmModel NewModel(long seed = 7)
    {
        return new SpatialVlmModel(TestModels.Tiny, initSeed: seed);
    }

    private static Tensor Pixels(int batch) => ImagePreprocessor.ToPixelValues(
        [.. TestModels.QaPairs().Take(batch).Select(e => e.Image)], TestModels.Tiny.Vision.ImageSize);

    private static Tensor PromptIds(params string[] questions)
    {
        var prompts = questions.Select(q => ByteTokenizer.Instance.EncodePrompt(q, TestModels.Tiny.ImageTokenCount)).ToArray();
        var length = prompts.Max(p => p.Length);
        var ids = new long[prompts.Length * length];
        Array.Fill(ids, ByteTokenizer.Pad);
        for (var b = 0; b < prompts.Length; b++) for (var i = 0; i < prompts[b].Length; i++) ids[b * length + i] = prompts[b][i];
        return tensor(ids, [prompts.Length, length]);
    }

    [Fact]
    public void Each_stage_has_the_documented_shape()
    {
        using var model = NewModel();
        var c = TestModels.Tiny;
        using var pixels = Pixels(2);
        Assert.Equal(new long[] { 2, 3, 32, 32 }, pixels.shape);
        using var patches = model.Inner.vision_model.forward(pixels);
        Assert.Equal(new long[] { 2, c.Vision.PatchCount, c.Vision.HiddenSize }, patches.shape);
        using var shuffled = Connector.PixelShuffle(patches, c.Connector.ScaleFactor);
        Assert.Equal(new long[] { 2, c.ImageTokenCount, c.Vision.HiddenSize * 4 }, shuffled.shape);
        using var imageTokens = model.EncodeImages(pixels);
        Assert.Equal(new long[] { 2, c.ImageTokenCount, c.Text.HiddenSize }, imageTokens.shape);
        using var ids = PromptIds("how far?", "is it left of the chair?");
        using var logits = model.Forward(ids, pixels);
        Assert.Equal(new long[] { 2, ids.shape[1], c.Text.VocabSize }, logits.shape);
    }

    [Fact]
    public void Pixel_shuffle_gathers_each_scale_by_scale_block_of_patches_into_one_token()
    {
        // 4×4 grid of patches with 1 channel whose value is its row-major index; scale 2 → 4 tokens of 4 channels.
        using var grid = arange(16, dtype: float32).view(1, 16, 1);
        using var shuffled = Connector.PixelShuffle(grid, 2);
        var values = shuffled.data<float>().ToArray();
        // Token 0 is the top-left 2×2 block (patches 0,1,4,5), token 1 the top-right block (2,3,6,7).
        Assert.Equal(new float[] { 0, 1, 4, 5 }, values[0..4]);
        Assert.Equal(new float[] { 2, 3, 6, 7 }, values[4..8]);
        Assert.Equal(new float[] { 8, 9, 12, 13 }, values[8..12]);
    }

    [Fact]
    public void Parameters_carry_the_Idefics3_checkpoint_names()
    {
        using var model = NewModel();
        var names = model.named_parameters().Select(p => p.name).ToHashSet();
        string[] expected =
        [
            "model.vision_model.embeddings.patch_embedding.weight",
            "model.vision_model.embeddings.position_embedding.weight",
            "model.vision_model.encoder.layers.0.self_attn.q_proj.weight",
            "model.vision_model.encoder.layers.1.self_attn.out_proj.bias",
            "model.vision_model.encoder.layers.0.layer_norm1.weight",
            "model.vision_model.encoder.layers.0.mlp.fc1.weight",
            "model.vision_model.post_layernorm.weight",
            "model.connector.modality_projection.proj.weight",
            "model.text_model.embed_tokens.weight",
            "model.text_model.layers.0.self_attn.q_proj.weight",
            "model.text_model.layers.1.self_attn.o_proj.weight",
            "model.text_model.layers.0.mlp.gate_proj.weight",
            "model.text_model.layers.0.mlp.up_proj.weight",
            "model.text_model.layers.0.mlp.down_proj.weight",
            "model.text_model.layers.0.input_layernorm.weight",
            "model.text_model.layers.0.post_attention_layernorm.weight",
            "model.text_model.norm.weight",
            "lm_head.weight",
        ];
        Assert.All(expected, name => Assert.Contains(name, names));
        Assert.DoesNotContain("model.text_model.layers.0.self_attn.q_proj.bias", names);
        Assert.DoesNotContain("model.connector.modality_projection.proj.bias", names);
        // Grouped-query attention: k/v project to kv-heads × head size.
        var k = model.named_parameters().Single(p => p.name == "model.text_model.layers.0.self_attn.k_proj.weight").parameter;
        Assert.Equal(new long[] { TestModels.Tiny.Text.KeyValueHeads * TestModels.Tiny.Text.HeadDim, TestModels.Tiny.Text.HiddenSize }, k.shape);
    }

    [Fact]
    public void Changing_a_future_token_never_changes_an_earlier_logit()
    {
        using var model = NewModel();
        using var noGrad = torch.no_grad();
        using var pixels = Pixels(1);
        using var ids = PromptIds("how far is the red box from the chair?");
        using var changed = ids.clone();
        var position = (int)ids.shape[1] - 6;
        changed[0, position] = tensor((long)'Z');
        using var before = model.Forward(ids, pixels);
        using var after = model.Forward(changed, pixels);
        using var earlierBefore = before.narrow(1, 0, position);
        using var earlierAfter = after.narrow(1, 0, position);
        var earlierDifference = (earlierBefore - earlierAfter).abs().max().item<float>();
        Assert.True(earlierDifference < 1e-6, $"an earlier logit moved by {earlierDifference}");
        using var laterDifference = (before.narrow(1, position, 6) - after.narrow(1, position, 6)).abs().max();
        Assert.True(laterDifference.item<float>() > 1e-6, "the changed token must affect its own and later logits");
    }

    [Fact]
    public void Incremental_decoding_with_the_cache_equals_full_recomputation()
    {
        using var model = NewModel();
        using var noGrad = torch.no_grad();
        using var pixels = Pixels(1);
        var prompt = ByteTokenizer.Instance.EncodePrompt("what is left of the lamp?", TestModels.Tiny.ImageTokenCount);
        long[] continuation = [.. "the sofa, 2 m".Select(ch => (long)ch)];
        var all = prompt.Select(i => (long)i).Concat(continuation).ToArray();
        using var fullIds = tensor(all, [1, all.Length]);
        using var full = model.Forward(fullIds, pixels);                           // [1,T,V]

        using var cache = new KvCache(TestModels.Tiny);
        var pieces = new List<Tensor> { model.Forward(tensor(prompt.Select(i => (long)i).ToArray(), [1, prompt.Length]), pixels, cache) };
        // Single tokens, then a chunk of three (the masked path for several new tokens after a cache), then singles.
        var i = 0;
        while (i < continuation.Length)
        {
            var take = i == 4 ? 3 : 1;
            pieces.Add(model.Forward(tensor(continuation[i..(i + take)], [1, take]), null, cache));
            i += take;
        }
        using var incremental = torch.cat(pieces, dim: 1);
        Assert.Equal(full.shape, incremental.shape);
        var maxDifference = (full - incremental).abs().max().item<float>();
        Assert.True(maxDifference < 1e-4, $"cached logits differ by {maxDifference}");
        foreach (var p in pieces) p.Dispose();
    }

    [Fact]
    public void Generator_step_logits_equal_a_full_forward_over_the_generated_sequence()
    {
        using var model = NewModel(seed: 11);
        using var generator = new Generator(model);
        var image = TestModels.QaPairs()[0].Image;
        // Sampling from an untrained model gives a long, varied continuation to check position by position.
        var result = generator.Generate(image, "how far?", new GenerationOptions { MaxNewTokens = 12, Temperature = 1.0, Seed = 3 }, keepLogits: true);
        Assert.True(result.TokenIds.Length >= 4, $"only {result.TokenIds.Length} tokens were generated");
        var prompt = ByteTokenizer.Instance.EncodePrompt("how far?", TestModels.Tiny.ImageTokenCount);
        var all = prompt.Concat(result.TokenIds).Select(i => (long)i).ToArray();
        using var noGrad = torch.no_grad();
        using var pixels = ImagePreprocessor.ToPixelValues([image], TestModels.Tiny.Vision.ImageSize);
        using var full = model.Forward(tensor(all, [1, all.Length]), pixels);
        for (var step = 0; step < result.StepLogits!.Count; step++)
        {
            var expected = full[0, prompt.Length - 1 + step].data<float>().ToArray();
            var maxDifference = expected.Zip(result.StepLogits[step], (a, b) => Math.Abs(a - b)).Max();
            Assert.True(maxDifference < 1e-4, $"step {step}: cached logits differ by {maxDifference}");
        }
    }

    [Fact]
    public void Sampling_is_reproducible_for_a_seed_and_greedy_ignores_the_seed()
    {
        using var model = NewModel(seed: 2);
        using var generator = new Generator(model);
        var image = TestModels.QaPairs()[1].Image;
        var sampled = new GenerationOptions { MaxNewTokens = 10, Temperature = 1.5, TopP = 0.9, Seed = 4 };
        Assert.Equal(generator.Generate(image, "q", sampled).TokenIds, generator.Generate(image, "q", sampled).TokenIds);
        var seeds = Enumerable.Range(0, 4).Select(s => string.Join(",", generator.Generate(image, "q", sampled with { Seed = s }).TokenIds)).Distinct().Count();
        Assert.True(seeds > 1, "different seeds should give different samples from an untrained model");
        var greedy = new GenerationOptions { MaxNewTokens = 10 };
        Assert.Equal(generator.Generate(image, "q", greedy).TokenIds, generator.Generate(image, "q", greedy with { Seed = 9 }).TokenIds);
        Assert.True(generator.Generate(image, "q", greedy with { MaxNewTokens = 3 }).TokenIds.Length <= 3);
    }

    [Fact]
    public void The_training_benchmark_times_real_steps_of_the_preset()
    {
        var result = TrainingBenchmark.Run(new TrainingBenchmarkOptions { Preset = "nano", BatchSize = 2, TextTokens = 8, Steps = 1, WarmupSteps = 0 });
        using var nano = new SpatialVlmModel(VlmConfig.Preset("nano"));
        Assert.Equal(nano.ParameterCount(), result.Parameters);
        Assert.Equal(16 + 8, result.SequenceLength);
        Assert.True(result.StepsPerSecond > 0 && double.IsFinite(result.StepsPerSecond));
        Assert.Equal(result.BatchSize * result.SequenceLength * result.StepsPerSecond, result.TokensPerSecond, 6);
    }

    [Fact]
    public void A_question_longer_than_the_context_is_a_one_line_error()
    {
        using var model = NewModel();
        using var generator = new Generator(model);
        var error = Assert.Throws<ModelException>(() => generator.Answer(TestModels.QaPairs()[0].Image, new string('x', 200)));
        Assert.Contains("too long", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Initialization_depends_only_on_its_own_seed()
    {
        using var a = NewModel(seed: 5);
        torch.manual_seed(12345);   // the global generator must not matter
        using var b = NewModel(seed: 5);
        using var c = NewModel(seed: 6);
        var wa = a.named_parameters().Single(p => p.name == "lm_head.weight").parameter.data<float>().ToArray();
        var wb = b.named_parameters().Single(p => p.name == "lm_head.weight").parameter.data<float>().ToArray();
        var wc = c.named_parameters().Single(p => p.name == "lm_head.weight").parameter.data<float>().ToArray();
        Assert.Equal(wa, wb);
        Assert.NotEqual(wa, wc);
    }

    [Fact]
    public void Unknown_device_is_a_one_line_error()
    {
        var error = Assert.Throws<ModelException>(() => TorchRuntime.ResolveDevice("tpu"));
        Assert.Contains("unknown device 'tpu'", error.Message);
    }

    [Fact]
    public void Presets_validate_and_nano_has_a_few_million_parameters()
    {
        foreach (var name in VlmConfig.PresetNames) VlmConfig.Preset(name).Validate();
        using var nano = new SpatialVlmModel(VlmConfig.Preset("nano"));
        var count = nano.ParameterCount();
        Assert.InRange(count, 1_000_000, 5_000_000);
        Assert.Equal(16, nano.Config.ImageTokenCount);
        Assert.Throws<ModelException>(() => VlmConfig.Preset("huge"));
    }
}
