using System.Text.Json.Nodes;
using SpatialVlm.Questions;
using SpatialVlm.Synthesis.Stages;

namespace SpatialVlm.Synthesis.Dataset;

/// <summary>Turns a pipeline result into the dataset.jsonl record of INTERFACES.md (plus frame and skip details).</summary>
public static class DatasetRecordBuilder
{
    public static JsonObject Build(SynthesisResult r, string imagePath)
    {
        var objects = new JsonArray();
        foreach (var m in r.Objects)
        {
            var b = m.Spatial.Box;
            objects.Add(new JsonObject
            {
                ["id"] = m.Spatial.Id,
                ["caption"] = m.Spatial.Caption,
                ["category"] = m.Source.Mask.Category,
                ["center"] = new JsonArray(Round(b.Center.X), Round(b.Center.Y), Round(b.Center.Z)),
                ["size"] = new JsonArray(Round(b.Width), Round(b.Length), Round(b.Height)),
                ["yaw"] = Round(b.Yaw),
                ["points"] = m.LiftedPoints,
                ["margin_scale"] = Math.Round(m.Spatial.MarginScale, 3),
                ["hidden_outline"] = Math.Round(m.Visibility.HiddenShare, 3),
                ["truncated"] = m.Visibility.Truncated,
                ["shallow_footprint"] = m.ShallowFootprint,
            });
        }
        var qa = new JsonArray();
        foreach (var item in r.Questions.Items) qa.Add(item.ToJson());
        var skipped = new JsonArray();
        foreach (var s in r.Skipped) skipped.Add(new JsonObject { ["scope"] = s.Scope, ["id"] = s.Id, ["reason"] = s.Reason });
        var skippedQuestions = new JsonObject();
        foreach (var g in r.Questions.Skipped.GroupBy(s => s.Reason).OrderBy(g => g.Key, StringComparer.Ordinal))
            skippedQuestions[g.Key] = g.Count();
        var record = new JsonObject
        {
            ["id"] = r.Observation.Id,
            ["image"] = imagePath,
            ["width"] = r.Observation.Image.Width,
            ["height"] = r.Observation.Image.Height,
            ["canonicalized"] = r.Frame.Canonicalized,
            ["frame"] = new JsonObject
            {
                ["source"] = r.Frame.Source,
                ["failure"] = r.Frame.Failure,
                ["gravity_disagreement_deg"] = r.Frame.GravityDisagreementDegrees is { } d ? Math.Round(d, 3) : null,
            },
            ["objects"] = objects,
            ["qa"] = qa,
            ["messages"] = Conversation.Messages(r.Questions.Items),
            ["skipped"] = skipped,
            ["skipped_questions"] = skippedQuestions,
        };
        // A copy: a JSON node has one parent, and the observation keeps its own.
        if (r.Observation.Perception is { } perception) record["perception"] = perception.DeepClone();
        return record;
    }

    private static double Round(double v) => Math.Round(v, 4);
}
