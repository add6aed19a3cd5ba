using System.Text.Json;
using SpatialVlm.Core;

namespace SpatialVlm.Perception.Clip;

/// <summary>
/// Options of the CLIP scene filter. The paper filters out images that are not scenes suited to spatial reasoning;
/// its exact prompts are not published, so these defaults are our own wording and are meant to be configured.
/// </summary>
public sealed record SceneFilterOptions
{
    /// <summary>Prompts describing images to keep.</summary>
    public IReadOnlyList<string> KeepPrompts { get; init; } =
    [
        "a photo of an indoor scene with furniture and objects",
        "a photo of a room",
        "a photo of objects on a table",
        "a photo of an outdoor scene with buildings, cars or people",
        "a photo of a street",
    ];

    /// <summary>Prompts describing images to drop.</summary>
    public IReadOnlyList<string> RejectPrompts { get; init; } =
    [
        "a close-up photo of a single object",
        "a close-up photo of a face",
        "a scanned document or a page of text",
        "a screenshot of a computer or phone screen",
        "an abstract pattern or texture",
        "a drawing, cartoon or illustration",
    ];

    /// <summary>Keep an image when the softmax probability mass on the keep prompts is at least this (default 0.5).</summary>
    public double Threshold { get; init; } = 0.5;

    /// <summary>Scale of cosine similarities before the softmax (CLIP's learned logit scale, 100).</summary>
    public double LogitScale { get; init; } = 100;
}

/// <summary>One prompt's softmax probability for an image.</summary>
public sealed record PromptProbability(string Prompt, bool Keeps, double Probability);

/// <summary>The decision for one image: Score is the probability mass on the keep prompts.</summary>
public sealed record SceneFilterDecision(bool Keep, double Score, IReadOnlyList<PromptProbability> Prompts)
{
    /// <summary>One JSON line recording the decision and scores for an image.</summary>
    public string ToJsonLine(string imageId) => JsonSerializer.Serialize(new
    {
        image = imageId,
        keep = Keep,
        score = Math.Round(Score, 6),
        prompts = Prompts.Select(p => new { prompt = p.Prompt, keeps = p.Keeps, probability = Math.Round(p.Probability, 6) }),
    });
}

/// <summary>Per-image record of the scene filter's decisions: one JSON line per image, written atomically.</summary>
public static class SceneFilterLog
{
    public static void Write(string path, IEnumerable<(string ImageId, SceneFilterDecision Decision)> decisions) =>
        AtomicFile.WriteAllText(path, string.Concat(decisions.Select(d => d.Decision.ToJsonLine(d.ImageId) + "\n")));
}

/// <summary>
/// The paper's CLIP scene filter: image embedding against every prompt's text embedding (cosine × LogitScale),
/// softmax over the prompts, keep when the keep prompts' mass reaches the threshold. Prompt embeddings are computed once.
/// </summary>
public sealed class ClipSceneFilter : Photo.ISceneFilter
{
    private readonly ClipImageEncoder images;
    private readonly float[][] promptEmbeds;
    private readonly string[] prompts;
    private readonly bool[] keeps;
    public SceneFilterOptions Options { get; }

    public ClipSceneFilter(ClipTextEncoder text, ClipImageEncoder images, SceneFilterOptions options)
    {
        if (options.KeepPrompts.Count == 0 || options.RejectPrompts.Count == 0)
            throw new SpatialVlmException("the scene filter needs at least one keep prompt and one reject prompt");
        if (!(options.Threshold >= 0 && options.Threshold <= 1)) throw new SpatialVlmException($"scene filter threshold must be in [0, 1], got {options.Threshold}");
        this.images = images;
        Options = options;
        prompts = [.. options.KeepPrompts, .. options.RejectPrompts];
        keeps = prompts.Select((_, i) => i < options.KeepPrompts.Count).ToArray();
        promptEmbeds = text.Embed(prompts);
    }

    public string Name => "clip scene filter";

    public SceneFilterDecision Decide(RgbImage image) => Decide([image])[0];

    public IReadOnlyList<SceneFilterDecision> Decide(IReadOnlyList<RgbImage> batch) =>
        images.Embed(batch).Select(Decide).ToArray();

    /// <summary>Decision for one unit-length image embedding.</summary>
    public SceneFilterDecision Decide(float[] imageEmbed)
    {
        var logits = new double[prompts.Length];
        for (int p = 0; p < prompts.Length; p++)
        {
            if (promptEmbeds[p].Length != imageEmbed.Length)
                throw new SpatialVlmException($"CLIP text embeddings have {promptEmbeds[p].Length} dimensions but image embeddings {imageEmbed.Length}");
            logits[p] = Options.LogitScale * System.Numerics.Tensors.TensorPrimitives.Dot<float>(promptEmbeds[p], imageEmbed);
        }
        double max = logits.Max();
        var exp = logits.Select(l => Math.Exp(l - max)).ToArray();
        double sum = exp.Sum();
        var probs = prompts.Select((p, i) => new PromptProbability(p, keeps[i], exp[i] / sum)).ToArray();
        double score = probs.Where(p => p.Keeps).Sum(p => p.Probability);
        return new SceneFilterDecision(score >= Options.Threshold, score, probs);
    }
}
