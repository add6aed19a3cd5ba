using SpatialVlm.Core;
using SpatialVlm.Geometry;
using SpatialVlm.Questions;

namespace SpatialVlm.Synthesis.Stages;

/// <summary>An object measured in the question frame: its world points and its question-facing description.</summary>
public sealed record MeasuredObject(LiftedObject Source, PointCloud WorldPoints, SpatialObject Spatial, int LiftedPoints, Visibility Visibility, bool ShallowFootprint);

/// <summary>
/// Stage 4: moves denoised points into the question frame, fits the upright box, and sets each object's
/// margin scale (SPATIAL.md lets the engine widen margins where it is less certain).
/// Bias reduction: only visible surfaces are seen, so an object whose lowest point lies just above the
/// support plane is extended down to it (its contact with the floor is usually hidden or foreshortened).
/// </summary>
public sealed class ObjectMeasurer(SynthesisOptions options)
{
    /// <param name="observation">The image's depth and intrinsics, to tell whether the support under an object is hidden (optional).</param>
    public MeasuredObject Measure(LiftedObject denoised, int liftedPoints, Visibility visibility, FrameEstimate frame, Observation? observation = null)
    {
        var world = CloudTransform.Apply(denoised.Points, frame.WorldFromCamera);
        var cameraPosition = frame.WorldFromCamera.Translation;
        var box = UprightBoxFit.Fit(options.Measurement.CompleteHiddenBack ? FootprintCompletion.Complete(world, cameraPosition) : world);
        var m = options.Measurement;
        bool rests = box.Bottom < m.SupportSnap && box.Bottom > -m.SupportSnap
            || observation is not null && box.Bottom < m.HiddenUndersideMaxHeight && HiddenUnderside(world, frame, observation) >= m.HiddenUndersideShare;
        if (frame.Canonicalized && rests)
        {
            var top = box.Top;
            box = box with { Center = box.Center with { Z = top / 2 }, Height = top };
        }
        var range = (box.Center - cameraPosition).Length;
        var shallow = IsShallow(world, cameraPosition, options.Occlusion.ShallowFootprintRatio);
        var scale = MarginScale(liftedPoints, range, visibility.HiddenShare)
                    * (visibility.Truncated ? options.Occlusion.TruncatedMarginFactor : 1)
                    * (shallow ? options.Occlusion.ShallowFootprintMarginFactor : 1);
        var sizeKnown = !visibility.Truncated && visibility.HiddenShare <= options.Occlusion.SizeUnknownAbove;
        var spatial = new SpatialObject(denoised.Mask.Id, denoised.Mask.Caption, box, liftedPoints, scale, sizeKnown);
        return new MeasuredObject(denoised, world, spatial, liftedPoints, visibility, shallow);
    }

    /// <summary>
    /// Share of (up to 200 sampled) object points whose support point straight below (z = 0) is hidden in the depth map:
    /// its pixel shows something nearer than it. Points below projecting off the image or behind the camera count as not hidden.
    /// </summary>
    public static double HiddenUnderside(PointCloud world, FrameEstimate frame, Observation obs)
    {
        if (world.Count == 0) return 0;
        var cameraFromWorld = frame.WorldFromCamera.Inverse();
        var k = obs.Intrinsics;
        int step = Math.Max(1, world.Count / 200), tried = 0, hidden = 0;
        for (int i = 0; i < world.Count; i += step)
        {
            tried++;
            var c = cameraFromWorld.Apply(new Point3(world.X[i], world.Y[i], 0));
            if (c.Z <= 0.01) continue;
            var (u, v) = k.Project(c);
            int x = (int)Math.Round(u), y = (int)Math.Round(v);
            if (x < 0 || y < 0 || x >= obs.Depth.Width || y >= obs.Depth.Height) continue;
            var d = obs.Depth[x, y];
            if (DepthMap.IsValid(d) && d < c.Z - (0.01 + 0.02 * c.Z)) hidden++;
        }
        return tried == 0 ? 0 : hidden / (double)tried;
    }

    /// <summary>
    /// True when the footprint's extent along the horizontal line of sight is below ratio × its extent
    /// across it: only a front face is seen, so how far the object reaches back is unknown.
    /// </summary>
    public static bool IsShallow(PointCloud world, Point3 camera, double ratio)
    {
        if (world.Count < 3) return true;
        if (LineOfSight.Of(world, camera) is not { } sight) return false; // straight below the camera: the footprint is seen from above
        double alongMin = double.MaxValue, alongMax = double.MinValue, acrossMin = double.MaxValue, acrossMax = double.MinValue;
        for (int i = 0; i < world.Count; i++)
        {
            double along = sight.Along(world.X[i], world.Y[i]), across = sight.Across(world.X[i], world.Y[i]);
            alongMin = Math.Min(alongMin, along); alongMax = Math.Max(alongMax, along);
            acrossMin = Math.Min(acrossMin, across); acrossMax = Math.Max(acrossMax, across);
        }
        return alongMax - alongMin < ratio * (acrossMax - acrossMin);
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
