using SpatialVlm.Contracts.Answering;
using SpatialVlm.Core;
using SpatialVlm.Imaging;

namespace SpatialVlm.Model;

/// <summary>
/// The `checkpoint:PATH` model spec: a trained checkpoint answering through the common answerer contract. One
/// generation at a time (the generator keeps a KV cache); K samples are drawn with temperature when asked for.
/// Earlier turns of a conversation are given as text before the question.
/// </summary>
public sealed class CheckpointAnswerer : ISpatialAnswerer, IDisposable
{
    private readonly Generator generator;
    private readonly GenerationOptions greedy;
    private readonly double sampleTemperature;
    private readonly SemaphoreSlim oneAtATime = new(1, 1);

    /// <param name="sampleTemperature">Temperature used when more than one sample is asked for (default 0.7).</param>
    public CheckpointAnswerer(string path, string device = "cpu", int maxNewTokens = 48, double sampleTemperature = 0.7)
    {
        generator = Generator.Load(path, device);
        greedy = new GenerationOptions { MaxNewTokens = maxNewTokens };
        this.sampleTemperature = sampleTemperature;
    }

    public async Task<SpatialAnswer> AnswerAsync(AnswerRequest request, CancellationToken ct)
    {
        if (request.Samples < 1) throw new SpatialVlmException($"samples must be at least 1, not {request.Samples}");
        var image = ColorImageFile.DecodeFile(request.ImagePath);
        var question = string.Concat(request.History.Select(t => $"{t.Question} {t.Answer}\n")) + request.Question;
        await oneAtATime.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return await Task.Run(() =>
            {
                if (request.Samples == 1) return SpatialAnswer.Single(generator.Answer(image, question, greedy));
                var samples = generator.SampleAnswers(image, question, request.Samples, greedy with { Temperature = sampleTemperature, TopP = 0.95 });
                return new SpatialAnswer(samples[0], samples);
            }, ct).ConfigureAwait(false);
        }
        finally
        {
            oneAtATime.Release();
        }
    }

    public void Dispose()
    {
        generator.Dispose();
        oneAtATime.Dispose();
    }
}
