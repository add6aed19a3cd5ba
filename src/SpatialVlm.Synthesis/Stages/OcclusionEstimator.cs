using SpatialVlm.Core;

namespace SpatialVlm.Synthesis.Stages;

/// <summary>How much of an object is hidden: the share of its outline behind nearer surfaces or at the image edge, and whether the edge cuts it.</summary>
public readonly record struct Visibility(double HiddenShare, bool Truncated);

/// <summary>
/// How much of each object is hidden: the share of its outline pixels that border a nearer surface
/// (another object, furniture, anything but the support surface) or the image edge, and whether the image
/// edge cuts it at all. Only visible surfaces are measured, so a hidden object's box is too small; the
/// engine widens its margins or leaves it out.
/// </summary>
public sealed class OcclusionEstimator(SynthesisOptions options)
{
    private const int Support = -1;

    /// <summary>Visibility per object id.</summary>
    public Dictionary<int, Visibility> Estimate(Observation obs)
    {
        var o = options.Occlusion;
        int w = obs.Depth.Width, h = obs.Depth.Height;
        var depth = obs.Depth.Meters;
        var label = new int[w * h];
        if (obs.SupportPixels != null) foreach (var p in obs.SupportPixels) label[p] = Support;
        for (int i = 0; i < obs.Objects.Count; i++) foreach (var p in obs.Objects[i].Pixels) label[p] = i + 1;

        var result = new Dictionary<int, Visibility>(obs.Objects.Count);
        for (int i = 0; i < obs.Objects.Count; i++)
        {
            int own = i + 1, outline = 0, hidden = 0, border = 0;
            foreach (var p in obs.Objects[i].Pixels)
            {
                int x = p % w, y = p / w;
                bool edge = false, occluded = false;
                Check(x - 1, y); Check(x + 1, y); Check(x, y - 1); Check(x, y + 1);
                if (edge) outline++;
                if (occluded) hidden++;

                void Check(int nx, int ny)
                {
                    if (nx < 0 || ny < 0 || nx >= w || ny >= h) { edge = occluded = true; border++; return; }
                    var q = ny * w + nx;
                    if (label[q] == own) return;
                    edge = true;
                    if (label[q] == Support) return;
                    float dq = depth[q], dp = depth[p];
                    if (DepthMap.IsValid(dq) && DepthMap.IsValid(dp) && dq < dp - Math.Max(o.DepthStep, o.RelativeDepthStep * dp))
                        occluded = true;
                }
            }
            result[obs.Objects[i].Id] = new Visibility(outline == 0 ? 0 : (double)hidden / outline, border >= o.TruncatedBorderPixels);
        }
        return result;
    }
}
