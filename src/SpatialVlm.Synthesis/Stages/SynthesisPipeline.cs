using SpatialVlm.Core;
using SpatialVlm.Geometry;
using SpatialVlm.Questions;

namespace SpatialVlm.Synthesis.Stages;

/// <summary>Everything the engine concluded about one observation.</summary>
public sealed record SynthesisResult(
    Observation Observation,
    FrameEstimate Frame,
    IReadOnlyList<MeasuredObject> Objects,
    QuestionSet Questions,
    IReadOnlyList<SkipReason> Skipped);

/// <summary>
/// The data engine for one observation: lift → denoise → canonicalize → measure → ask.
/// Each stage is its own type; this class only wires them. Deterministic for (observation, seed).
/// </summary>
public sealed class SynthesisPipeline(SynthesisOptions options)
{
    // First, so a bad setting fails here and not inside a worker.
    private readonly SynthesisOptions options = options.Validated();
    private readonly ObjectLifter lifter = new(options);
    private readonly ObjectDenoiser denoiser = new(options);
    private readonly Canonicalizer canonicalizer = new(options);
    private readonly ObjectMeasurer measurer = new(options);
    private readonly OcclusionEstimator occlusion = new(options);
    private readonly QuestionEngine questions = new(options.Questions);

    public SynthesisOptions Options => options;

    public SynthesisResult Run(Observation obs, int seed)
    {
        var skipped = new List<SkipReason>();
        if (obs.Depth.Width != obs.Image.Width || obs.Depth.Height != obs.Image.Height)
            throw new SpatialVlmException($"{obs.Id}: depth is {obs.Depth.Width}x{obs.Depth.Height} but the image is {obs.Image.Width}x{obs.Image.Height}");
        if (obs.Depth.CountValid() == 0)
            throw new SpatialVlmException($"{obs.Id}: depth has no valid values (all zero or NaN)");

        var hidden = occlusion.Estimate(obs);
        var lifted = lifter.Lift(obs, skipped).Where(o =>
        {
            if (hidden[o.Mask.Id].HiddenShare <= options.Occlusion.DropAbove) return true;
            skipped.Add(new SkipReason("object", $"{obs.Id}/{o.Mask.Id}", $"mostly hidden ({hidden[o.Mask.Id].HiddenShare:P0} of its outline borders nearer surfaces or the image edge)"));
            return false;
        }).ToList();
        var frame = canonicalizer.Estimate(obs, seed);
        if (!frame.Canonicalized) skipped.Add(new SkipReason("image", obs.Id, $"not canonicalized: {frame.Failure}"));

        var measured = new List<MeasuredObject>(lifted.Count);
        foreach (var obj in lifted)
        {
            var clean = denoiser.Denoise(obj);
            if (clean.Points.Count < 4)
            {
                skipped.Add(new SkipReason("object", $"{obs.Id}/{obj.Mask.Id}", "denoising left fewer than 4 points"));
                continue;
            }
            measured.Add(measurer.Measure(clean, obj.ValidPixels, hidden[obj.Mask.Id], frame, obs));
        }

        var byId = measured.ToDictionary(m => m.Spatial.Id);
        var gaps = new Dictionary<(int, int), double>();
        double? Gap(int a, int b)
        {
            var key = a < b ? (a, b) : (b, a);
            if (!gaps.TryGetValue(key, out var g))
                gaps[key] = g = SurfaceDistance.Nearest(byId[key.Item1].WorldPoints, byId[key.Item2].WorldPoints);
            return g;
        }
        var rng = new Random(seed);
        var set = questions.Generate(measured.Select(m => m.Spatial).ToList(), frame.Canonicalized, rng, Gap);
        return new SynthesisResult(obs, frame, measured, set, skipped);
    }
}
