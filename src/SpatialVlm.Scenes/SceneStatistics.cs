using System.Globalization;
using System.Text;
using SpatialVlm.Core;

namespace SpatialVlm.Scenes;

/// <summary>Distributions over a set of scene descriptions: object counts, categories, camera heights, pitches, fields of view, object distances.</summary>
public sealed class SceneStatistics
{
    public int Scenes { get; private init; }
    public SortedDictionary<int, int> ObjectCounts { get; } = [];
    public Dictionary<string, int> Categories { get; } = [];
    public List<double> CameraHeights { get; } = [];
    public List<double> PitchDegrees { get; } = [];
    public List<double> FovDegrees { get; } = [];
    /// <summary>Horizontal distance from the camera to each object's centre.</summary>
    public List<double> ObjectDistances { get; } = [];
    public int ScenesWithDuplicateCaptions { get; private set; }
    public int ObjectsAboveFloor { get; private set; }
    public int Objects { get; private set; }

    public static SceneStatistics Of(IReadOnlyList<SceneDescription> scenes)
    {
        var s = new SceneStatistics { Scenes = scenes.Count };
        foreach (var d in scenes)
        {
            s.ObjectCounts[d.Objects.Count] = s.ObjectCounts.GetValueOrDefault(d.Objects.Count) + 1;
            var pose = d.Camera.WorldFromCameraTransform;
            s.CameraHeights.Add(pose.Translation.Z);
            var forward = pose.Column(2);
            s.PitchDegrees.Add(Math.Atan2(-forward.Z, Math.Sqrt(forward.X * forward.X + forward.Y * forward.Y)) * 180 / Math.PI);
            s.FovDegrees.Add(d.Camera.Intrinsics.HorizontalFovDegrees);
            if (d.Objects.GroupBy(o => o.Caption).Any(g => g.Count() > 1)) s.ScenesWithDuplicateCaptions++;
            foreach (var o in d.Objects)
            {
                s.Objects++;
                s.Categories[o.Category] = s.Categories.GetValueOrDefault(o.Category) + 1;
                s.ObjectDistances.Add(Math.Sqrt(o.Center[0] * o.Center[0] + o.Center[1] * o.Center[1]));
                if (o.Center[2] - o.Size[2] / 2 > 0.01) s.ObjectsAboveFloor++;
            }
        }
        return s;
    }

    public string Format()
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine(inv, $"scenes: {Scenes}, objects: {Objects} (mean {(Scenes == 0 ? 0 : (double)Objects / Scenes):0.00} per scene), on a table: {Share(ObjectsAboveFloor, Objects)}, scenes with a repeated caption: {Share(ScenesWithDuplicateCaptions, Scenes)}");
        sb.AppendLine("objects per scene:");
        foreach (var (k, v) in ObjectCounts) sb.AppendLine(inv, $"  {k,3}  {v,6}  {Bar(v, Scenes)}");
        sb.AppendLine(inv, $"categories ({Categories.Count}):");
        foreach (var (k, v) in Categories.OrderByDescending(x => x.Value).ThenBy(x => x.Key, StringComparer.Ordinal)) sb.AppendLine(inv, $"  {k,-10}  {v,6}  {Bar(v, Objects)}");
        Histogram(sb, "camera height (m)", CameraHeights, 0.1);
        Histogram(sb, "camera pitch down (deg)", PitchDegrees, 5);
        Histogram(sb, "horizontal field of view (deg)", FovDegrees, 5);
        Histogram(sb, "object distance from camera, horizontal (m)", ObjectDistances, 0.5);
        return sb.ToString();
    }

    private static string Share(int a, int b) => b == 0 ? "0%" : string.Create(CultureInfo.InvariantCulture, $"{100.0 * a / b:0.0}%");
    private static string Bar(int v, int total) => new('#', total == 0 ? 0 : (int)Math.Round(40.0 * v / total));

    private static void Histogram(StringBuilder sb, string title, List<double> values, double bin)
    {
        var inv = CultureInfo.InvariantCulture;
        if (values.Count == 0) { sb.AppendLine(inv, $"{title}: none"); return; }
        var sorted = values.Order().ToArray();
        sb.AppendLine(inv, $"{title}: min {sorted[0]:0.00}, median {sorted[sorted.Length / 2]:0.00}, max {sorted[^1]:0.00}");
        foreach (var g in values.GroupBy(v => (int)Math.Floor(v / bin)).OrderBy(g => g.Key))
            sb.AppendLine(inv, $"  {g.Key * bin,6:0.0#}–{(g.Key + 1) * bin,-6:0.0#}  {g.Count(),6}  {Bar(g.Count(), values.Count)}");
    }
}
