using SpatialVlm.Core;

namespace SpatialVlm.Synthesis.Stages;

/// <summary>
/// The oracle's per-frame distance between two objects over a sequence from a fixed camera (a robot's reward signal):
/// the canonical frame is estimated once, from the first frame's depth (its known pose, if any, is not used), and each
/// frame's two masks are lifted, denoised and measured in that frame; the distance is between the two measured box
/// centres. A frame where either object is missing or has too few points gives null.
/// </summary>
public sealed class SequenceDistance(SynthesisOptions options)
{
    private readonly ObjectLifter lifter = new(options);
    private readonly ObjectDenoiser denoiser = new(options);
    private readonly ObjectMeasurer measurer = new(options);
    private readonly OcclusionEstimator occlusion = new(options);

    /// <returns>The frame used for every image, and per frame the centre distance (meters) or null.</returns>
    public (FrameEstimate Frame, double?[] Distances) Measure(IReadOnlyList<Observation> frames, int idA, int idB, int seed)
    {
        if (frames.Count == 0) throw new SpatialVlmException("a sequence needs at least one frame");
        var frame = new Canonicalizer(options).Estimate(frames[0] with { KnownWorldFromCamera = null }, seed);
        var distances = new double?[frames.Count];
        for (int f = 0; f < frames.Count; f++)
        {
            var obs = frames[f] with { Objects = frames[f].Objects.Where(o => o.Id == idA || o.Id == idB).ToList() };
            var hidden = occlusion.Estimate(frames[f]);
            var centres = new Dictionary<int, Point3>();
            foreach (var lifted in lifter.Lift(obs, []))
            {
                var clean = denoiser.Denoise(lifted);
                if (clean.Points.Count < 4) continue;
                centres[lifted.Mask.Id] = measurer.Measure(clean, lifted.ValidPixels, hidden[lifted.Mask.Id], frame, obs).Spatial.Box.Center;
            }
            if (centres.TryGetValue(idA, out var a) && centres.TryGetValue(idB, out var b)) distances[f] = (a - b).Length;
        }
        return (frame, distances);
    }
}
