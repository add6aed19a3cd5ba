using SpatialVlm.Contracts.Dataset;
using SpatialVlm.Core;
using SpatialVlm.Synthesis.Stages;

namespace SpatialVlm.Synthesis.Dataset;

/// <summary>Turns a pipeline result into the typed dataset record (numbers rounded as they are stored).</summary>
public static class DatasetRecordBuilder
{
    /// <param name="pointsFile">Where an object's denoised points are written (relative to OUT), or null when they are not.</param>
    public static DatasetRecord Build(SynthesisResult r, string imagePath, Func<int, string>? pointsFile = null)
    {
        var obs = r.Observation;
        var objects = r.Objects.Select(m =>
        {
            var b = m.Spatial.Box;
            return new RecordObject(
                m.Spatial.Id, m.Spatial.Caption, m.Source.Mask.Category,
                r.Questions.Names.TryGetValue(m.Spatial.Id, out var name) ? name : null,
                new UprightBox(new Point3(Round(b.Center.X), Round(b.Center.Y), Round(b.Center.Z)), Round(b.Width), Round(b.Length), Round(b.Height), Round(b.Yaw)),
                m.LiftedPoints, m.Spatial.SizeKnown, Math.Round(m.Spatial.MarginScale, 3), Math.Round(m.Visibility.HiddenShare, 3),
                m.Visibility.Truncated, m.ShallowFootprint,
                RleMask.FromPixels(m.Source.Mask.Pixels, obs.Image.Width, obs.Image.Height),
                pointsFile?.Invoke(m.Spatial.Id));
        }).ToList();
        var skippedQuestions = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var g in r.Questions.Skipped.GroupBy(s => s.Reason)) skippedQuestions[g.Key] = g.Count();
        var pose = r.Frame.WorldFromCamera;
        var frame = new RecordFrame(r.Frame.Canonicalized, r.Frame.Source, r.Frame.Failure,
            r.Frame.GravityDisagreementDegrees is { } d ? Math.Round(d, 3) : null,
            new RigidTransform(pose.Rotation.Select(v => Math.Round(v, 6)).ToArray(),
                new Point3(Math.Round(pose.Translation.X, 6), Math.Round(pose.Translation.Y, 6), Math.Round(pose.Translation.Z, 6))));
        return new DatasetRecord(obs.Id, imagePath, obs.Image.Width, obs.Image.Height, frame, objects, r.Questions.Items,
            r.Skipped.Select(s => new RecordSkip(s.Scope, s.Id, s.Reason)).ToList(), skippedQuestions,
            obs.Perception);
    }

    private static double Round(double v) => Math.Round(v, 4);
}
