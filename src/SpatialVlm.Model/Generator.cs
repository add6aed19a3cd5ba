using SpatialVlm.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace SpatialVlm.Model;

/// <summary>How to decode. Temperature 0 is greedy; otherwise softmax(logits / T) restricted to the top-p nucleus, seeded.</summary>
public sealed record GenerationOptions
{
    public int MaxNewTokens { get; init; } = 48;
    public double Temperature { get; init; }
    public double TopP { get; init; } = 1.0;
    public long Seed { get; init; }
}

/// <summary>A decoded answer; StepLogits (the logits each new token was chosen from) only when asked for.</summary>
public sealed record GenerationResult(string Text, int[] TokenIds, bool StoppedAtEos, IReadOnlyList<float[]>? StepLogits);

/// <summary>
/// Answers a question about an image with a KV cache: one pass over the prompt, then one position per new token.
/// Context rule: a prompt (image tokens + question) that does not fit the model's positions with room for one answer
/// token is a ModelException; otherwise MaxNewTokens is cut to the positions left.
/// </summary>
public sealed class Generator : IDisposable
{
    public SpatialVlmModel Model { get; }
    public VlmTokenizer Tokenizer { get; }
    private readonly bool ownsModel;

    /// <summary>A generator over a model in memory; the tokenizer defaults to the byte tokenizer.</summary>
    public Generator(SpatialVlmModel model, VlmTokenizer? tokenizer = null, bool ownsModel = false)
    {
        Model = model;
        Tokenizer = tokenizer ?? ByteTokenizer.Instance;
        Tokenizer.RequireFits(model.Config);
        this.ownsModel = ownsModel;
    }

    /// <summary>Loads a checkpoint folder, a run folder (follows its latest) or a latest pointer file, with the tokenizer saved in it.</summary>
    public static Generator Load(string checkpointPath, string device = "cpu")
    {
        var (model, tokenizer, _) = Checkpoint.LoadModel(checkpointPath, device);
        return new Generator(model, tokenizer, ownsModel: true);
    }

    public string Answer(RgbImage image, string question, GenerationOptions? options = null) => Generate(image, question, options).Text;

    /// <summary>K sampled answers (seeds Seed, Seed+1, …), e.g. to read several numbers off one question.</summary>
    public IReadOnlyList<string> SampleAnswers(RgbImage image, string question, int count, GenerationOptions options) =>
        [.. Enumerable.Range(0, count).Select(k => Answer(image, question, options with { Seed = options.Seed + k }))];

    /// <summary>
    /// K sampled answers reduced to the first number each contains (answers without one are skipped), e.g. for a spread of
    /// distance estimates. Units are not converted: ask questions whose answers share a unit.
    /// </summary>
    public IReadOnlyList<double> SampleNumbers(RgbImage image, string question, int count, GenerationOptions options) =>
        [.. SampleAnswers(image, question, count, options)
            .Select(a => System.Text.RegularExpressions.Regex.Match(a, @"\d+(?:\.\d+)?"))
            .Where(m => m.Success)
            .Select(m => double.Parse(m.Value, System.Globalization.CultureInfo.InvariantCulture))];

    public GenerationResult Generate(RgbImage image, string question, GenerationOptions? options = null, bool keepLogits = false)
    {
        options ??= new GenerationOptions();
        if (options.MaxNewTokens <= 0) throw new ModelException("max new tokens must be positive");
        if (options.Temperature < 0 || !(options.TopP is > 0 and <= 1)) throw new ModelException("temperature must be ≥ 0 and top-p in (0, 1]");
        var config = Model.Config;
        var prompt = Tokenizer.EncodePrompt(question, config.ImageTokenCount);
        var room = config.Text.MaxPositions - prompt.Length;
        if (room < 1)
            throw new ModelException($"the question is too long: {prompt.Length} tokens with the image's {config.ImageTokenCount}, and model '{config.Name}' holds {config.Text.MaxPositions}");
        var maxNew = Math.Min(options.MaxNewTokens, room);
        var random = new SeededRandom((ulong)options.Seed);
        var device = Model.parameters().First().device;
        var generated = new List<int>();
        var stepLogits = keepLogits ? new List<float[]>() : null;
        var stoppedAtEos = false;
        Model.eval();
        using var noGrad = torch.no_grad();
        using var cache = new KvCache(config);
        using (var scope = NewDisposeScope())
        {
            var ids = tensor(prompt.Select(i => (long)i).ToArray(), [1, prompt.Length], device: device);     // [1,T]
            var pixels = ImagePreprocessor.ToPixelValues([image], config.Vision.ImageSize, device);           // [1,3,S,S]
            var logits = Model.Forward(ids, pixels, cache);                                                    // [1,T,V]
            var next = Choose(logits[0, -1], options, random, stepLogits);
            while (true)
            {
                if (next == Tokenizer.EosId) { stoppedAtEos = true; break; }
                generated.Add(next);
                if (generated.Count >= maxNew) break;
                using var stepScope = NewDisposeScope();
                var step = tensor(new long[] { next }, [1, 1], device: device);                                 // [1,1]
                next = Choose(Model.Forward(step, null, cache)[0, -1], options, random, stepLogits);           // [V]
            }
        }
        return new GenerationResult(Tokenizer.Decode(generated), [.. generated], stoppedAtEos, stepLogits);
    }

    private static int Choose(Tensor logits, GenerationOptions options, SeededRandom random, List<float[]>? keep)
    {
        var values = logits.to(float32).cpu().data<float>().ToArray();
        keep?.Add(values);
        if (options.Temperature == 0) return ArgMax(values);
        // Softmax with temperature in double, then the smallest set of most likely tokens whose mass reaches top-p.
        var max = values.Max();
        var probabilities = values.Select(v => Math.Exp((v - max) / options.Temperature)).ToArray();
        var total = probabilities.Sum();
        var order = Enumerable.Range(0, values.Length).OrderByDescending(i => probabilities[i]).ThenBy(i => i).ToArray();
        var nucleus = new List<int>();
        double mass = 0;
        foreach (var i in order)
        {
            nucleus.Add(i);
            mass += probabilities[i] / total;
            if (mass >= options.TopP) break;
        }
        var u = random.NextDouble() * nucleus.Sum(i => probabilities[i]);
        foreach (var i in nucleus)
        {
            u -= probabilities[i];
            if (u < 0) return i;
        }
        return nucleus[^1];
    }

    private static int ArgMax(float[] values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }

    public void Dispose()
    {
        if (ownsModel) Model.Dispose();
    }
}
