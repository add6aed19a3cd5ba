using SpatialVlm.Core;
using SpatialVlm.Geometry;
using SpatialVlm.Questions;

namespace SpatialVlm.Synthesis.Stages;

/// <summary>An object measured in the question frame: its world points and its question-facing description.</summary>
public sealed record MeasuredObject(LiftedObject Source, PointCloud WorldPoints, SpatialObject Spatial, int LiftedPoints, double HiddenShare);

/// <summary>
/// Stage 4: moves denoised points into the question frame, fits the upright box, and sets each object's
/// margin scale (SPATIAL.md lets the engine widen margins where it is less certain).
/// Bias reduction: only visible surfaces are seen, so an object whose lowest point lies just above the
/// support plane is extended down to it (its contact with the floor is usually hidden or foreshortened).
/// </summary>
public sealed class ObjectMeasurer(SynthesisOptions options)
{
    public MeasuredObject Measure(LiftedObject denoised, int liftedPoints, double hiddenShare, FrameEstimate frame)
    {
        var world = CloudTransform.Apply(denoised.Points, frame.WorldFromCamera);
        var box = UprightBoxFit.Fit(world);
        if (frame.Canonicalized && box.Bottom < options.Measurement.SupportSnap && box.Bottom > -options.Measurement.SupportSnap)
        {
            var top = box.Top;
            box = box with { Center = box.Center with { Z = top / 2 }, Height = top };
        }
        var cameraPosition = frame.WorldFromCamera.Translation;
        var range = (box.Center - cameraPosition).Length;
        var spatial = new SpatialObject(denoised.Mask.Id, denoised.Mask.Caption, box, liftedPoints, MarginScale(liftedPoints, range, hiddenShare));
        return new MeasuredObject(denoised, world, spatial, liftedPoints, hiddenShare);
    }

    /// <summary>1 for a well-sampled, fully visible object within 2 m; grows with distance, sparse sampling and hidden outline.</summary>
    public double MarginScale(int points, double range, double hiddenShare)
    {
        var m = options.Measurement;
        var byRange = 1 + Math.Max(0, range - 2) * m.MarginPerMeter;
        var byPoints = points >= m.WellSampledPoints ? 1 : 2 - (double)points / m.WellSampledPoints;
        var byHidden = 1 + options.Occlusion.MarginPerHiddenShare * hiddenShare;
        return byRange * byPoints * byHidden;
    }
}
