using SpatialVlm.Core;
using SpatialVlm.Geometry;

namespace SpatialVlm.Synthesis.Stages;

/// <summary>Stage 1: back-projects each object's mask pixels with valid depth into camera-frame points.</summary>
public sealed class ObjectLifter(SynthesisOptions options)
{
    public IReadOnlyList<LiftedObject> Lift(Observation obs, List<SkipReason> skipped)
    {
        var result = new List<LiftedObject>(obs.Objects.Count);
        foreach (var mask in obs.Objects)
        {
            var (pixels, stride) = PixelSampling.AtMost(mask.Pixels, options.MaxPointsPerObject);
            var cloud = BackProjection.FromDepth(obs.Depth, obs.Intrinsics, pixels, options.MaxDepth);
            if (cloud.Count * stride < options.MinObjectPoints)
            {
                skipped.Add(new SkipReason("object", $"{obs.Id}/{mask.Id}", $"too few points with valid depth ({cloud.Count * stride} < {options.MinObjectPoints})"));
                continue;
            }
            result.Add(new LiftedObject(mask, cloud, cloud.Count * stride));
        }
        return result;
    }
}
