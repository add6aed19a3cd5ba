using SpatialVlm.Perception.Photo;

namespace SpatialVlm.Perception.Detectors;

/// <summary>Greedy non-maximum suppression within each query (class): boxes of different queries never suppress each other.</summary>
public static class ClassAwareNms
{
    /// <summary>
    /// Detections sorted best first (ties keep their input order); a detection is dropped when its IoU with an already
    /// kept detection of the same query exceeds iouThreshold. At most maxCount are returned.
    /// </summary>
    public static List<Detection> Apply(IReadOnlyList<Detection> detections, float iouThreshold, int maxCount = int.MaxValue)
    {
        var order = Enumerable.Range(0, detections.Count).OrderByDescending(i => detections[i].Score).ThenBy(i => i);
        var keptByQuery = new Dictionary<int, List<PixelBox>>();
        var kept = new List<Detection>();
        foreach (var i in order)
        {
            if (kept.Count >= maxCount) break;
            var d = detections[i];
            if (!keptByQuery.TryGetValue(d.QueryIndex, out var same)) keptByQuery[d.QueryIndex] = same = [];
            if (same.Any(b => b.Iou(d.Box) > iouThreshold)) continue;
            same.Add(d.Box);
            kept.Add(d);
        }
        return kept;
    }
}
