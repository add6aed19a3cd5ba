namespace SpatialVlm.Tests.Gguf;

/// <summary>
/// A LLaVA-style multimodal projector GGUF ('clip' architecture, projector type 'mlp'): a one-block ViT over a
/// 28x28 image in 14-pixel patches with a class token, then the two-layer MLP into the text model's embedding width.
/// Seeded random f32 weights: it turns any image into 4 image tokens that llama.cpp splices into the prompt.
/// </summary>
internal static class TinyClipProjector
{
    public const int ImageSize = 28, PatchSize = 14, Embedding = 16, Heads = 2, FeedForward = 32, Hidden = 24;
    public const int Patches = ImageSize / PatchSize * (ImageSize / PatchSize);

    public static string Write(string path, int textEmbedding = TinyLlama.Embedding, int seed = 11)
    {
        var rng = new Random(seed);
        float[] Rand(long n, float scale) => Enumerable.Range(0, (int)n).Select(_ => (float)(rng.NextDouble() * 2 - 1) * scale).ToArray();
        float[] Ones(long n) => Enumerable.Repeat(1f, (int)n).ToArray();
        float[] Zeros(long n) => new float[n];
        var g = new GgufWriter()
            .Add("general.architecture", "clip")
            .Add("general.name", "tiny-test-projector")
            .Add("clip.has_vision_encoder", true)
            .Add("clip.has_text_encoder", false)
            .Add("clip.has_llava_projector", true)
            .Add("clip.projector_type", "mlp")
            .Add("clip.use_gelu", true)
            .Add("clip.vision.image_size", (uint)ImageSize)
            .Add("clip.vision.patch_size", (uint)PatchSize)
            .Add("clip.vision.embedding_length", (uint)Embedding)
            .Add("clip.vision.feed_forward_length", (uint)FeedForward)
            .Add("clip.vision.projection_dim", (uint)textEmbedding)
            .Add("clip.vision.attention.head_count", (uint)Heads)
            .Add("clip.vision.attention.layer_norm_epsilon", 1e-5f)
            .Add("clip.vision.block_count", 1u)
            .Add("clip.vision.image_mean", [0.5f, 0.5f, 0.5f])
            .Add("clip.vision.image_std", [0.5f, 0.5f, 0.5f]);
        g.Tensor("v.class_embd", Rand(Embedding, 0.5f), Embedding)
         .Tensor("v.patch_embd.weight", Rand((long)PatchSize * PatchSize * 3 * Embedding, 0.05f), PatchSize, PatchSize, 3, Embedding)
         .Tensor("v.position_embd.weight", Rand((long)Embedding * (Patches + 1), 0.5f), Embedding, Patches + 1)
         .Tensor("v.pre_ln.weight", Ones(Embedding), Embedding)
         .Tensor("v.pre_ln.bias", Zeros(Embedding), Embedding);
        foreach (var n in new[] { "attn_q", "attn_k", "attn_v", "attn_out" })
            g.Tensor($"v.blk.0.{n}.weight", Rand(Embedding * Embedding, 0.3f), Embedding, Embedding)
             .Tensor($"v.blk.0.{n}.bias", Zeros(Embedding), Embedding);
        g.Tensor("v.blk.0.ln1.weight", Ones(Embedding), Embedding).Tensor("v.blk.0.ln1.bias", Zeros(Embedding), Embedding)
         .Tensor("v.blk.0.ln2.weight", Ones(Embedding), Embedding).Tensor("v.blk.0.ln2.bias", Zeros(Embedding), Embedding)
         .Tensor("v.blk.0.ffn_up.weight", Rand(Embedding * FeedForward, 0.3f), Embedding, FeedForward)
         .Tensor("v.blk.0.ffn_up.bias", Zeros(FeedForward), FeedForward)
         .Tensor("v.blk.0.ffn_down.weight", Rand(FeedForward * Embedding, 0.3f), FeedForward, Embedding)
         .Tensor("v.blk.0.ffn_down.bias", Zeros(Embedding), Embedding)
         .Tensor("mm.0.weight", Rand(Embedding * Hidden, 0.3f), Embedding, Hidden)
         .Tensor("mm.0.bias", Zeros(Hidden), Hidden)
         .Tensor("mm.2.weight", Rand((long)Hidden * textEmbedding, 0.3f), Hidden, textEmbedding)
         .Tensor("mm.2.bias", Zeros(textEmbedding), textEmbedding);
        g.Save(path);
        return path;
    }
}
