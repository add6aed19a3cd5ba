using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace SpatialVlm.Model;

// The whole architecture in one file, in the SmolVLM / Idefics3 shape:
//   ViT encoder → pixel-shuffle connector → Llama-style decoder → lm_head.
// Module and parameter names follow the published Idefics3 checkpoints (transformers' modeling_idefics3.py), e.g.
//   model.vision_model.embeddings.patch_embedding, model.vision_model.encoder.layers.0.self_attn.q_proj,
//   model.connector.modality_projection.proj, model.text_model.layers.0.mlp.gate_proj, lm_head.
// Shape letters: B batch, C=3 colour channels, S image side, P patches, Dv vision width, I image tokens (P/s²),
// T text positions, Dt text width, H heads, Hkv key/value heads, hd head size, V vocabulary.

/// <summary>Idefics3ForConditionalGeneration: the model plus the language-model head.</summary>
public sealed class SpatialVlmModel : nn.Module
{
    public VlmConfig Config { get; }
    private readonly Idefics3Model model;
    private readonly Linear lm_head;

    /// <summary>A freshly initialized model; the initialization draws from its own generator seeded with initSeed, not torch's global one.</summary>
    public SpatialVlmModel(VlmConfig config, string device = "cpu", long initSeed = 0) : base(nameof(SpatialVlmModel))
    {
        config.Validate();
        Config = config;
        model = new Idefics3Model(config);
        lm_head = nn.Linear(config.Text.HiddenSize, config.Text.VocabSize, hasBias: false);
        register_module("model", model);
        register_module("lm_head", lm_head);
        InitializeWeights(initSeed);
        this.to(TorchRuntime.ResolveDevice(device));
    }

    internal Idefics3Model Inner => model;

    /// <summary>Parameters of the vision encoder (frozen in the FreezeVision phase).</summary>
    public IEnumerable<(string Name, Parameter Parameter)> VisionParameters() =>
        named_parameters().Where(p => p.name.StartsWith("model.vision_model.", StringComparison.Ordinal));

    public long ParameterCount() => parameters().Sum(p => p.numel());

    /// <summary>Images [B,3,S,S] (normalized to −1..1) → connector outputs [B,I,Dt], ready to replace the &lt;image&gt; embeddings.</summary>
    public Tensor EncodeImages(Tensor pixelValues)
    {
        using var patches = model.vision_model.forward(pixelValues);     // [B,P,Dv]
        return model.connector.forward(patches);                          // [B,I,Dt]
    }

    /// <summary>
    /// Token ids [B,T] (with I &lt;image&gt; placeholders per image when pixelValues is given) → logits [B,T,V].
    /// With a cache, positions continue after the cached ones and the new keys/values are appended to it.
    /// </summary>
    public Tensor Forward(Tensor inputIds, Tensor? pixelValues, KvCache? cache = null)
    {
        using var scope = NewDisposeScope();
        var embeds = model.text_model.embed_tokens.forward(inputIds);    // [B,T,Dt]
        if (pixelValues is not null)
        {
            var imageEmbeds = EncodeImages(pixelValues);                  // [B,I,Dt]
            var isImage = inputIds.eq(Config.ImageTokenId);               // [B,T]
            var placeholders = isImage.sum().item<long>();
            if (placeholders != imageEmbeds.shape[0] * imageEmbeds.shape[1])
                throw new ModelException($"the prompt holds {placeholders} <image> tokens but the images give {imageEmbeds.shape[0] * imageEmbeds.shape[1]}");
            // Idefics3's inputs_merger: the placeholders' embeddings are replaced, in order, by the image features.
            embeds = embeds.masked_scatter(isImage.unsqueeze(-1), imageEmbeds.to(embeds.dtype)); // [B,T,Dt]
        }
        else if ((cache is null || cache.Length == 0) && inputIds.eq(Config.ImageTokenId).any().item<bool>())
            throw new ModelException("the prompt holds <image> tokens but no image was given");
        var hidden = model.text_model.forward(embeds, cache);            // [B,T,Dt]
        return lm_head.forward(hidden).MoveToOuterDisposeScope();         // [B,T,V]
    }

    private void InitializeWeights(long seed)
    {
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        using var generator = new torch.Generator((ulong)seed, torch.CPU);
        using var initStd = 0.02.ToScalar();
        foreach (var (name, p) in named_parameters())
        {
            if (p.dim() >= 2) p.copy_(torch.randn(p.shape, generator: generator).mul_(initStd));      // linear, conv, embeddings
            else if (name.EndsWith(".bias", StringComparison.Ordinal)) nn.init.zeros_(p);
            else nn.init.ones_(p);                                        // layer and RMS norm scales
        }
    }
}

/// <summary>Idefics3Model: vision_model, connector, text_model.</summary>
internal sealed class Idefics3Model : nn.Module
{
    public readonly VisionTransformer vision_model;
    public readonly Connector connector;
    public readonly TextModel text_model;

    public Idefics3Model(VlmConfig config) : base(nameof(Idefics3Model))
    {
        vision_model = new VisionTransformer(config.Vision);
        connector = new Connector(config);
        text_model = new TextModel(config.Text);
        register_module(nameof(vision_model), vision_model);
        register_module(nameof(connector), connector);
        register_module(nameof(text_model), text_model);
    }
}

// ───────────────────────────── vision encoder ─────────────────────────────

internal sealed class VisionTransformer : nn.Module<Tensor, Tensor>
{
    public readonly VisionEmbeddings embeddings;
    public readonly VisionEncoder encoder;
    public readonly LayerNorm post_layernorm;

    public VisionTransformer(VisionConfig config) : base(nameof(VisionTransformer))
    {
        embeddings = new VisionEmbeddings(config);
        encoder = new VisionEncoder(config);
        post_layernorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        register_module(nameof(embeddings), embeddings);
        register_module(nameof(encoder), encoder);
        register_module(nameof(post_layernorm), post_layernorm);
    }

    public override Tensor forward(Tensor pixelValues)
    {
        using var scope = NewDisposeScope();
        var x = embeddings.forward(pixelValues);                          // [B,P,Dv]
        x = encoder.forward(x);                                           // [B,P,Dv]
        return post_layernorm.forward(x).MoveToOuterDisposeScope();       // [B,P,Dv]
    }
}

internal sealed class VisionEmbeddings : nn.Module<Tensor, Tensor>
{
    public readonly Conv2d patch_embedding;
    public readonly Embedding position_embedding;
    private readonly int patchCount;

    public VisionEmbeddings(VisionConfig config) : base(nameof(VisionEmbeddings))
    {
        patch_embedding = nn.Conv2d(3, config.HiddenSize, kernel_size: config.PatchSize, stride: config.PatchSize);
        position_embedding = nn.Embedding(config.PatchCount, config.HiddenSize);
        patchCount = config.PatchCount;
        register_module(nameof(patch_embedding), patch_embedding);
        register_module(nameof(position_embedding), position_embedding);
    }

    public override Tensor forward(Tensor pixelValues)
    {
        using var scope = NewDisposeScope();
        var patches = patch_embedding.forward(pixelValues);               // [B,Dv,S/p,S/p]
        patches = patches.flatten(2).transpose(1, 2);                     // [B,P,Dv]
        var positions = arange(patchCount, dtype: int64, device: pixelValues.device); // [P]
        return (patches + position_embedding.forward(positions)).MoveToOuterDisposeScope(); // [B,P,Dv]
    }
}

internal sealed class VisionEncoder : nn.Module<Tensor, Tensor>
{
    public readonly ModuleList<VisionEncoderLayer> layers;

    public VisionEncoder(VisionConfig config) : base(nameof(VisionEncoder))
    {
        layers = new ModuleList<VisionEncoderLayer>([.. Enumerable.Range(0, config.Layers).Select(_ => new VisionEncoderLayer(config))]);
        register_module(nameof(layers), layers);
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        foreach (var layer in layers) x = layer.forward(x);               // [B,P,Dv]
        return x.MoveToOuterDisposeScope();
    }
}

/// <summary>Pre-LN transformer block: x + attn(LN(x)), then x + MLP(LN(x)).</summary>
internal sealed class VisionEncoderLayer : nn.Module<Tensor, Tensor>
{
    public readonly LayerNorm layer_norm1;
    public readonly VisionAttention self_attn;
    public readonly LayerNorm layer_norm2;
    public readonly VisionMlp mlp;

    public VisionEncoderLayer(VisionConfig config) : base(nameof(VisionEncoderLayer))
    {
        layer_norm1 = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        self_attn = new VisionAttention(config);
        layer_norm2 = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        mlp = new VisionMlp(config);
        register_module(nameof(layer_norm1), layer_norm1);
        register_module(nameof(self_attn), self_attn);
        register_module(nameof(layer_norm2), layer_norm2);
        register_module(nameof(mlp), mlp);
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        x = x + self_attn.forward(layer_norm1.forward(x));               // [B,P,Dv]
        x = x + mlp.forward(layer_norm2.forward(x));                     // [B,P,Dv]
        return x.MoveToOuterDisposeScope();
    }
}

/// <summary>Bidirectional multi-head attention with biases (SigLIP): q_proj, k_proj, v_proj, out_proj.</summary>
internal sealed class VisionAttention : nn.Module<Tensor, Tensor>
{
    public readonly Linear k_proj, v_proj, q_proj, out_proj;
    private readonly int heads, headDim;

    public VisionAttention(VisionConfig config) : base(nameof(VisionAttention))
    {
        heads = config.Heads;
        headDim = config.HiddenSize / config.Heads;
        k_proj = nn.Linear(config.HiddenSize, config.HiddenSize);
        v_proj = nn.Linear(config.HiddenSize, config.HiddenSize);
        q_proj = nn.Linear(config.HiddenSize, config.HiddenSize);
        out_proj = nn.Linear(config.HiddenSize, config.HiddenSize);
        register_module(nameof(k_proj), k_proj);
        register_module(nameof(v_proj), v_proj);
        register_module(nameof(q_proj), q_proj);
        register_module(nameof(out_proj), out_proj);
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], n = x.shape[1];
        var q = q_proj.forward(x).view(b, n, heads, headDim).transpose(1, 2); // [B,H,P,hd]
        var k = k_proj.forward(x).view(b, n, heads, headDim).transpose(1, 2); // [B,H,P,hd]
        var v = v_proj.forward(x).view(b, n, heads, headDim).transpose(1, 2); // [B,H,P,hd]
        var attended = F.scaled_dot_product_attention(q, k, v);               // [B,H,P,hd]
        attended = attended.transpose(1, 2).reshape(b, n, heads * headDim);    // [B,P,Dv]
        return out_proj.forward(attended).MoveToOuterDisposeScope();           // [B,P,Dv]
    }
}

internal sealed class VisionMlp : nn.Module<Tensor, Tensor>
{
    public readonly Linear fc1, fc2;

    public VisionMlp(VisionConfig config) : base(nameof(VisionMlp))
    {
        fc1 = nn.Linear(config.HiddenSize, config.MlpSize);
        fc2 = nn.Linear(config.MlpSize, config.HiddenSize);
        register_module(nameof(fc1), fc1);
        register_module(nameof(fc2), fc2);
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        // SigLIP uses the tanh approximation of GELU (gelu_pytorch_tanh).
        var h = F.gelu(fc1.forward(x), GELU.Approximate.tanh);              // [B,P,Dmlp]
        return fc2.forward(h).MoveToOuterDisposeScope();                 // [B,P,Dv]
    }
}

// ───────────────────────────── connector ─────────────────────────────

/// <summary>Idefics3Connector: pixel shuffle then modality_projection.proj (no bias).</summary>
internal sealed class Connector : nn.Module<Tensor, Tensor>
{
    public readonly ModalityProjection modality_projection;
    private readonly int scaleFactor;

    public Connector(VlmConfig config) : base(nameof(Connector))
    {
        scaleFactor = config.Connector.ScaleFactor;
        modality_projection = new ModalityProjection(config.Vision.HiddenSize * scaleFactor * scaleFactor, config.Text.HiddenSize);
        register_module(nameof(modality_projection), modality_projection);
    }

    public override Tensor forward(Tensor patches)
    {
        using var scope = NewDisposeScope();
        var shuffled = PixelShuffle(patches, scaleFactor);               // [B,P/s²,Dv·s²]
        return modality_projection.forward(shuffled).MoveToOuterDisposeScope(); // [B,I,Dt]
    }

    /// <summary>Space-to-depth on the square patch grid, exactly as Idefics3Connector.pixel_shuffle orders it.</summary>
    public static Tensor PixelShuffle(Tensor x, int s)
    {
        long b = x.shape[0], seq = x.shape[1], d = x.shape[2];
        var side = (long)Math.Round(Math.Sqrt(seq));
        x = x.view(b, side, side, d);                                     // [B,h,w,Dv]
        x = x.view(b, side, side / s, d * s);                             // [B,h,w/s,Dv·s]
        x = x.permute(0, 2, 1, 3);                                        // [B,w/s,h,Dv·s]
        x = x.reshape(b, side / s, side / s, d * s * s);                  // [B,w/s,h/s,Dv·s²]
        x = x.permute(0, 2, 1, 3);                                        // [B,h/s,w/s,Dv·s²]
        return x.reshape(b, seq / (s * s), d * s * s);                    // [B,P/s²,Dv·s²]
    }
}

internal sealed class ModalityProjection : nn.Module<Tensor, Tensor>
{
    public readonly Linear proj;

    public ModalityProjection(int inputSize, int outputSize) : base(nameof(ModalityProjection))
    {
        proj = nn.Linear(inputSize, outputSize, hasBias: false);
        register_module(nameof(proj), proj);
    }

    public override Tensor forward(Tensor x) => proj.forward(x);         // [B,I,Dv·s²] → [B,I,Dt]
}

// ───────────────────────────── text decoder ─────────────────────────────

/// <summary>Llama-style decoder: embed_tokens, layers, norm. Rotary tables are computed per call from the positions.</summary>
internal sealed class TextModel : nn.Module
{
    public readonly Embedding embed_tokens;
    public readonly ModuleList<DecoderLayer> layers;
    public readonly RmsNorm norm;
    private readonly TextConfig config;
    private readonly float[] inverseFrequencies;

    public TextModel(TextConfig config) : base(nameof(TextModel))
    {
        this.config = config;
        embed_tokens = nn.Embedding(config.VocabSize, config.HiddenSize);
        layers = new ModuleList<DecoderLayer>([.. Enumerable.Range(0, config.Layers).Select(i => new DecoderLayer(config, i))]);
        norm = new RmsNorm(config.HiddenSize, config.RmsNormEps);
        register_module(nameof(embed_tokens), embed_tokens);
        register_module(nameof(layers), layers);
        register_module(nameof(norm), norm);
        inverseFrequencies = [.. Enumerable.Range(0, config.HeadDim / 2).Select(i => (float)(1.0 / Math.Pow(config.RopeTheta, 2.0 * i / config.HeadDim)))];
    }

    public Tensor forward(Tensor embeds, KvCache? cache)
    {
        using var scope = NewDisposeScope();
        long t = embeds.shape[1];
        var start = cache?.Length ?? 0;
        if (start + t > config.MaxPositions)
            throw new ModelException($"sequence of {start + t} positions exceeds the model's {config.MaxPositions}");
        var positions = arange(start, start + t, dtype: float32, device: embeds.device);            // [T]
        var invFreq = tensor(inverseFrequencies, device: embeds.device);                            // [hd/2]
        var freqs = positions.unsqueeze(1) * invFreq.unsqueeze(0);                                  // [T,hd/2]
        var angles = cat([freqs, freqs], dim: -1);                                                  // [T,hd]
        var cos = angles.cos().to(embeds.dtype).view(1, 1, t, -1);                                 // [1,1,T,hd]
        var sin = angles.sin().to(embeds.dtype).view(1, 1, t, -1);                                 // [1,1,T,hd]
        var x = embeds;
        foreach (var layer in layers) x = layer.forward(x, cos, sin, cache);                         // [B,T,Dt]
        if (cache is not null) cache.Length = start + (int)t;
        return norm.forward(x).MoveToOuterDisposeScope();                                           // [B,T,Dt]
    }
}

internal sealed class DecoderLayer : nn.Module
{
    public readonly TextAttention self_attn;
    public readonly TextMlp mlp;
    public readonly RmsNorm input_layernorm;
    public readonly RmsNorm post_attention_layernorm;

    public DecoderLayer(TextConfig config, int index) : base(nameof(DecoderLayer))
    {
        self_attn = new TextAttention(config, index);
        mlp = new TextMlp(config);
        input_layernorm = new RmsNorm(config.HiddenSize, config.RmsNormEps);
        post_attention_layernorm = new RmsNorm(config.HiddenSize, config.RmsNormEps);
        register_module(nameof(self_attn), self_attn);
        register_module(nameof(mlp), mlp);
        register_module(nameof(input_layernorm), input_layernorm);
        register_module(nameof(post_attention_layernorm), post_attention_layernorm);
    }

    public Tensor forward(Tensor x, Tensor cos, Tensor sin, KvCache? cache)
    {
        using var scope = NewDisposeScope();
        x = x + self_attn.forward(input_layernorm.forward(x), cos, sin, cache); // [B,T,Dt]
        x = x + mlp.forward(post_attention_layernorm.forward(x));               // [B,T,Dt]
        return x.MoveToOuterDisposeScope();
    }
}

/// <summary>Causal grouped-query attention with rotary positions and an optional key/value cache.</summary>
internal sealed class TextAttention : nn.Module
{
    public readonly Linear q_proj, k_proj, v_proj, o_proj;
    private readonly int heads, kvHeads, headDim, layerIndex;

    public TextAttention(TextConfig config, int layerIndex) : base(nameof(TextAttention))
    {
        heads = config.Heads;
        kvHeads = config.KeyValueHeads;
        headDim = config.HeadDim;
        this.layerIndex = layerIndex;
        q_proj = nn.Linear(config.HiddenSize, heads * headDim, hasBias: false);
        k_proj = nn.Linear(config.HiddenSize, kvHeads * headDim, hasBias: false);
        v_proj = nn.Linear(config.HiddenSize, kvHeads * headDim, hasBias: false);
        o_proj = nn.Linear(heads * headDim, config.HiddenSize, hasBias: false);
        register_module(nameof(q_proj), q_proj);
        register_module(nameof(k_proj), k_proj);
        register_module(nameof(v_proj), v_proj);
        register_module(nameof(o_proj), o_proj);
    }

    public Tensor forward(Tensor x, Tensor cos, Tensor sin, KvCache? cache)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], t = x.shape[1];
        var q = q_proj.forward(x).view(b, t, heads, headDim).transpose(1, 2);   // [B,H,T,hd]
        var k = k_proj.forward(x).view(b, t, kvHeads, headDim).transpose(1, 2); // [B,Hkv,T,hd]
        var v = v_proj.forward(x).view(b, t, kvHeads, headDim).transpose(1, 2); // [B,Hkv,T,hd]
        q = q * cos + RotateHalf(q) * sin;                                       // [B,H,T,hd]
        k = k * cos + RotateHalf(k) * sin;                                       // [B,Hkv,T,hd]
        var cachedLength = cache?.Length ?? 0;
        if (cache is not null) (k, v) = cache.Append(layerIndex, k, v);          // [B,Hkv,L+T,hd]
        if (kvHeads != heads)
        {
            // Grouped-query attention: each key/value head serves heads/kvHeads consecutive query heads.
            k = k.repeat_interleave(heads / kvHeads, dim: 1);                     // [B,H,L+T,hd]
            v = v.repeat_interleave(heads / kvHeads, dim: 1);                     // [B,H,L+T,hd]
        }
        Tensor attended;
        if (cachedLength == 0) attended = F.scaled_dot_product_attention(q, k, v, is_casual: true); // [B,H,T,hd]
        else if (t == 1) attended = F.scaled_dot_product_attention(q, k, v);      // one new token sees every cached one
        else
        {
            // Several new tokens after a cache: query i (absolute L+i) sees keys 0..L+i (SDPA's flag aligns top-left).
            var allowed = ones(t, cachedLength + t, dtype: ScalarType.Bool, device: x.device).tril(cachedLength); // [T,L+T]
            attended = F.scaled_dot_product_attention(q, k, v, attn_mask: allowed);
        }
        attended = attended.transpose(1, 2).reshape(b, t, heads * headDim);     // [B,T,Dt]
        return o_proj.forward(attended).MoveToOuterDisposeScope();              // [B,T,Dt]
    }

    private static Tensor RotateHalf(Tensor x)
    {
        var half = x.shape[^1] / 2;
        var first = x.narrow(-1, 0, half);                                      // [...,hd/2]
        var second = x.narrow(-1, half, half);                                  // [...,hd/2]
        return cat([second.neg(), first], dim: -1);                             // [...,hd]
    }
}

/// <summary>SwiGLU: down(silu(gate(x)) · up(x)).</summary>
internal sealed class TextMlp : nn.Module<Tensor, Tensor>
{
    public readonly Linear gate_proj, up_proj, down_proj;

    public TextMlp(TextConfig config) : base(nameof(TextMlp))
    {
        gate_proj = nn.Linear(config.HiddenSize, config.IntermediateSize, hasBias: false);
        up_proj = nn.Linear(config.HiddenSize, config.IntermediateSize, hasBias: false);
        down_proj = nn.Linear(config.IntermediateSize, config.HiddenSize, hasBias: false);
        register_module(nameof(gate_proj), gate_proj);
        register_module(nameof(up_proj), up_proj);
        register_module(nameof(down_proj), down_proj);
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = F.silu(gate_proj.forward(x)) * up_proj.forward(x);              // [B,T,Dff]
        return down_proj.forward(h).MoveToOuterDisposeScope();                  // [B,T,Dt]
    }
}

/// <summary>Llama RMSNorm: x / sqrt(mean(x²) + eps) · weight.</summary>
internal sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    public readonly Parameter weight;
    // Held for the module's life: an implicit temporary Scalar may be finalized by the GC during the native call.
    private readonly Scalar eps;

    public RmsNorm(int size, double eps) : base(nameof(RmsNorm))
    {
        this.eps = eps.ToScalar();
        weight = new Parameter(ones(size));
        register_parameter(nameof(weight), weight);
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var scale = x.square().mean([-1L], keepdim: true).add(eps).rsqrt();   // [...,1]
        return (x * scale * weight).MoveToOuterDisposeScope();                 // [...,D]
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) eps.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>Keys and values of every text layer for the positions seen so far; owns its tensors (outside dispose scopes).</summary>
public sealed class KvCache : IDisposable
{
    private readonly Tensor?[] keys;
    private readonly Tensor?[] values;

    public KvCache(VlmConfig config)
    {
        keys = new Tensor?[config.Text.Layers];
        values = new Tensor?[config.Text.Layers];
    }

    /// <summary>Positions already cached.</summary>
    public int Length { get; internal set; }

    internal (Tensor Keys, Tensor Values) Append(int layer, Tensor newKeys, Tensor newValues)
    {
        var k = keys[layer] is { } oldK ? cat([oldK, newKeys], dim: 2) : newKeys.alias(); // [B,Hkv,L+T,hd]
        var v = values[layer] is { } oldV ? cat([oldV, newValues], dim: 2) : newValues.alias();
        keys[layer]?.Dispose();
        values[layer]?.Dispose();
        keys[layer] = k.detach().DetachFromDisposeScope();
        values[layer] = v.detach().DetachFromDisposeScope();
        return (keys[layer]!, values[layer]!);
    }

    public void Dispose()
    {
        foreach (var t in keys) t?.Dispose();
        foreach (var t in values) t?.Dispose();
        Array.Clear(keys);
        Array.Clear(values);
        Length = 0;
    }
}
