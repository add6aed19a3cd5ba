using System.Text.RegularExpressions;
using SpatialVlm.Core;
using SpatialVlm.Perception.Photo;

namespace SpatialVlm.Perception.Detectors;

/// <summary>
/// Parses Florence-2's decoded `&lt;OD&gt;` / `&lt;DENSE_REGION_CAPTION&gt;` text — "label&lt;loc_a&gt;&lt;loc_b&gt;&lt;loc_c&gt;&lt;loc_d&gt;…" —
/// into regions (the generation loop is not here). Each label is followed by one or more groups of four location
/// bins (x0, y0, x1, y1) in 0..999, each group one region with that label; pixel coordinate = (bin + 0.5) / 1000 × W
/// for x, × H for y. Special tokens (&lt;s&gt;, &lt;/s&gt;, &lt;pad&gt;) are removed; a trailing group cut short by the
/// generation length, a group with no label and an empty box are dropped. A bin above 999 is a one-line error.
/// </summary>
public static partial class Florence2RegionText
{
    public const int Bins = 1000;

    [GeneratedRegex(@"<loc_(\d+)>")]
    private static partial Regex Location();

    [GeneratedRegex(@"</?s>|<pad>")]
    private static partial Regex Special();

    public static List<RegionCaption> Parse(string text, int width, int height)
    {
        if (width <= 0 || height <= 0) throw new SpatialVlmException($"image size must be positive, got {width}x{height}");
        var clean = Special().Replace(text, "");
        var regions = new List<RegionCaption>();
        var bins = new List<int>(4);
        string label = "";
        int at = 0;
        foreach (Match m in Location().Matches(clean))
        {
            var between = clean[at..m.Index];
            at = m.Index + m.Length;
            if (between.Trim().Length > 0) { label = between.Trim(); bins.Clear(); } // a new label starts a new run of groups
            if (!int.TryParse(m.Groups[1].ValueSpan, out var bin) || bin >= Bins)
                throw new SpatialVlmException($"Florence-2 output has location <loc_{m.Groups[1].Value}>, outside 0..{Bins - 1}");
            bins.Add(bin);
            if (bins.Count < 4) continue;
            var box = new PixelBox(Coordinate(bins[0], width), Coordinate(bins[1], height), Coordinate(bins[2], width), Coordinate(bins[3], height));
            bins.Clear();
            if (label.Length > 0 && box.Area > 0) regions.Add(new RegionCaption(box, label));
        }
        return regions;
    }

    /// <summary>The pixel coordinate of a bin's centre.</summary>
    public static float Coordinate(int bin, int size) => (bin + 0.5f) / Bins * size;
}
