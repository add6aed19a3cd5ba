using SpatialVlm.Core;
using SpatialVlm.Perception.Detectors;
using SpatialVlm.Perception.Onnx;

namespace SpatialVlm.Perception.Captioning;

/// <summary>
/// Greedy generation over optimum's merged BART decoder (decoder_model_merged.onnx): inputs_embeds [B,1,D] of the last
/// token, encoder_hidden_states [B,S,D], encoder_attention_mask int64 [B,S], use_cache_branch bool [1] and
/// past_key_values.{i}.{decoder,encoder}.{key,value} [B,H,T,Dh] → logits [B,1,V] and present.* of the same names.
/// The first step runs without the cache (use_cache_branch false, empty pasts [B,H,0,Dh]) and yields the encoder
/// (cross-attention) keys/values, kept for every later step: on the cache branch the graph's present.*.encoder.*
/// outputs are placeholders. The decoder's self-attention cache grows by one position per step. The layer count is
/// read from the declared inputs; heads and head size from their declared dimensions, else from the options.
/// </summary>
internal sealed class Florence2MergedDecoder : IDisposable
{
    private static readonly string[] Kinds = ["decoder.key", "decoder.value", "encoder.key", "encoder.value"];
    private readonly OnnxModel model;

    public int Layers { get; }
    public int Heads { get; }
    public int HeadDim { get; }
    public string Path => model.Path;

    private Florence2MergedDecoder(OnnxModel model, int layers, int heads, int headDim) { this.model = model; Layers = layers; Heads = heads; HeadDim = headDim; }

    public static Florence2MergedDecoder Open(string path, Florence2Options options)
    {
        var model = OnnxModel.Open(path, options.Session,
            [("inputs_embeds", typeof(float)), ("encoder_hidden_states", typeof(float)), ("encoder_attention_mask", typeof(long)),
             ("use_cache_branch", typeof(bool)), ("past_key_values.0.decoder.key", typeof(float))],
            [("logits", typeof(float)), ("present.0.decoder.key", typeof(float))]);
        try
        {
            int layers = 0;
            while (model.HasInput($"past_key_values.{layers}.decoder.key")) layers++;
            for (int i = 0; i < layers; i++)
                foreach (var kind in Kinds)
                {
                    if (!model.HasInput($"past_key_values.{i}.{kind}")) throw new SpatialVlmException($"{path}: the merged decoder has no input 'past_key_values.{i}.{kind}'; not an optimum merged encoder-decoder export");
                    if (!model.HasOutput($"present.{i}.{kind}")) throw new SpatialVlmException($"{path}: the merged decoder has no output 'present.{i}.{kind}'; not an optimum merged encoder-decoder export");
                }
            DetectorSignature.OnlyInputs(model, "the Florence-2 merged decoder",
                ["inputs_embeds", "encoder_hidden_states", "encoder_attention_mask", "use_cache_branch", .. PastNames(layers)]);
            var dims = model.InputDimensions("past_key_values.0.decoder.key");
            if (dims.Length != 4) throw new SpatialVlmException($"{path}: 'past_key_values.0.decoder.key' has rank {dims.Length}, expected [B,heads,T,head size]");
            int heads = dims[1] > 0 ? dims[1] : options.Heads, headDim = dims[3] > 0 ? dims[3] : options.HeadDim;
            if (heads < 1 || headDim < 1) throw new SpatialVlmException($"Florence-2 heads and head size must be positive, got {heads} x {headDim}");
            return new Florence2MergedDecoder(model, layers, heads, headDim);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static IEnumerable<string> PastNames(int layers) =>
        Enumerable.Range(0, layers).SelectMany(i => Kinds.Select(k => $"past_key_values.{i}.{k}"));

    /// <summary>
    /// The generated sequence, starting with the decoder start token and ending with EOS unless MaxNewTokens ran out.
    /// embed(id) gives the D floats of one token (embed_tokens.onnx).
    /// </summary>
    public List<int> Generate(float[] encoderStates, int encoderLength, int hidden, Func<int, float[]> embed, Florence2Options o)
    {
        if (o.MaxNewTokens < 1) throw new SpatialVlmException($"Florence-2 max new tokens must be at least 1, got {o.MaxNewTokens}");
        if (encoderStates.Length != encoderLength * hidden) throw new ArgumentException("encoder states do not match their length and width");
        var sequence = new List<int> { o.DecoderStartTokenId };
        var mask = new long[encoderLength];
        Array.Fill(mask, 1L);
        var fixedInputs = new[]
        {
            OnnxInput.Of("encoder_hidden_states", encoderStates, 1, encoderLength, hidden),
            OnnxInput.Of("encoder_attention_mask", mask, 1, encoderLength),
        };
        // past[i * 4 + k]: layer i, kind k (Kinds order); all empty for the first step.
        var past = new OnnxInput[Layers * 4];
        for (int i = 0; i < past.Length; i++) past[i] = OnnxInput.Of($"past_key_values.{i / 4}.{Kinds[i % 4]}", Array.Empty<float>(), 1, Heads, 0, HeadDim);
        var firstOutputs = new[] { "logits" }.Concat(Enumerable.Range(0, past.Length).Select(i => $"present.{i / 4}.{Kinds[i % 4]}")).ToArray();
        var cachedOutputs = new[] { "logits" }.Concat(Enumerable.Range(0, past.Length).Where(i => i % 4 < 2).Select(i => $"present.{i / 4}.{Kinds[i % 4]}")).ToArray();

        for (int step = 0; step < o.MaxNewTokens; step++)
        {
            bool cached = step > 0;
            var embeds = embed(sequence[^1]);
            if (embeds.Length != hidden) throw new SpatialVlmException($"{Path}: a token embeds to {embeds.Length} values but the encoder states have {hidden}");
            var inputs = new List<OnnxInput>(past.Length + 4)
            {
                OnnxInput.Of("inputs_embeds", embeds, 1, 1, hidden), fixedInputs[0], fixedInputs[1], OnnxInput.Of("use_cache_branch", [cached], 1),
            };
            inputs.AddRange(past);
            var outputs = model.Run(inputs, cached ? cachedOutputs : firstOutputs);
            int next = NextToken(outputs[0], sequence, step, o);
            for (int i = 0, slot = 1; i < past.Length; i++)
            {
                if (cached && i % 4 >= 2) continue; // encoder keys/values stay those of the first step
                var present = outputs[slot++];
                int expected = i % 4 < 2 ? step + 1 : -1;
                var s = present.Shape;
                if (s.Length != 4 || s[0] != 1 || s[1] != Heads || s[3] != HeadDim || (expected >= 0 && s[2] != expected))
                    throw new SpatialVlmException($"{Path}: 'present.{i / 4}.{Kinds[i % 4]}' has shape [{string.Join(",", s)}] at step {step}, expected [1,{Heads},{(expected >= 0 ? expected : "S")},{HeadDim}]");
                past[i] = OnnxInput.Of(past[i].Name, present.Data, s);
            }
            sequence.Add(next);
            if (next == o.EosTokenId) break;
        }
        return sequence;
    }

    /// <summary>Forced BOS on the first step, else the best logit of the last position after the no-repeat rule.</summary>
    private int NextToken(OnnxOutput logits, List<int> sequence, int step, Florence2Options o)
    {
        var s = logits.Shape;
        if (s.Length != 3 || s[0] != 1 || s[2] < 1) throw new SpatialVlmException($"{Path}: 'logits' has shape [{string.Join(",", s)}], expected [1,L,V]");
        if (step == 0 && o.ForcedBosTokenId is int bos)
            return bos < s[2] ? bos : throw new SpatialVlmException($"{Path}: forced BOS {bos} is outside the {s[2]} logits");
        var row = logits.Data.AsSpan((s[1] - 1) * s[2], s[2]);
        NoRepeatNgram.Ban(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(sequence), o.NoRepeatNgramSize, row);
        int best = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(row);
        if (float.IsNegativeInfinity(row[best]) || float.IsNaN(row[best])) throw new SpatialVlmException($"{Path}: no token is allowed at step {step} (all logits -inf or NaN)");
        return best;
    }

    public void Dispose() => model.Dispose();
}
