using SpatialVlm.Core;
using SpatialVlm.Geometry;
using SpatialVlm.Imaging;
using SpatialVlm.Synthesis.Stages;

namespace SpatialVlm.Synthesis.Tests;

/// <summary>
/// SPATIAL.md's canonical frame on real frames, found by the Canonicalizer alone (no known gravity, no support mask):
/// the visible floor must end at z = 0 within 3 cm. The floor is a patch of the image picked by eye from each colour
/// frame; its points are moved into the estimated frame, a plane is fitted to them there, and that plane must lie
/// within 3 cm of z = 0 over the whole patch (offset and tilt together), for several RANSAC seeds.
/// </summary>
public class RealFrameCanonicalizationTests
{
    public static TheoryData<string, string, string, int, int, int, int> Frames => new()
    {
        // name, depth file, depth format, floor patch x0, y0, x1, y1 (inclusive)
        { "redwood", "depth/00000.png", "png16", 150, 410, 630, 479 },
        { "tum", "other_formats/TUM_depth.png", "tum", 540, 390, 630, 470 },
        { "sun", "other_formats/SUN_depth.png", "sun", 200, 420, 400, 479 },
        { "nyu", "other_formats/NYU_depth.pgm", "nyu_raw", 150, 400, 300, 479 },
    };

    [Theory]
    [MemberData(nameof(Frames))]
    public void VisibleFloorIsAtZeroWithinThreeCentimeters(string name, string depthFile, string format, int x0, int y0, int x1, int y1)
    {
        var depth = DepthDecoding.DecodeFile(RgbdTestFolder.SharedData(["rgbd", .. depthFile.Split('/')]), DepthDecoding.ParseFormat(format));
        var k = new CameraIntrinsics(640, 480, 525, 525, 319.5, 239.5);
        var obs = new Observation { Id = name, Image = new RgbImage(640, 480), Depth = depth, Intrinsics = k, Objects = [] };
        var patch = new List<int>();
        for (int y = y0; y <= y1; y++) for (int x = x0; x <= x1; x++) patch.Add(y * 640 + x);
        var floorCamera = BackProjection.FromDepth(depth, k, patch.ToArray(), 20f);
        Assert.True(floorCamera.Count > 0.5 * patch.Count, $"{name}: floor patch has {floorCamera.Count} of {patch.Count} depths");

        foreach (var seed in new[] { 0, 1, 2 })
        {
            var frame = new Canonicalizer(new SynthesisOptions()).Estimate(obs, seed);
            Assert.True(frame.Canonicalized, $"{name}: {frame.Failure}");
            Assert.Equal("ransac", frame.Source);
            var floor = CloudTransform.Apply(floorCamera, frame.WorldFromCamera);
            var plane = Pca.FitPlane(floor, Enumerable.Range(0, floor.Count).ToArray());
            Assert.True(Math.Abs(plane.C) > 0.99, $"{name}: floor normal {plane.Normal} is not vertical");
            // The fitted floor's height under every patch point: offset and tilt across the visible floor.
            double worst = 0;
            for (int i = 0; i < floor.Count; i++)
                worst = Math.Max(worst, Math.Abs((plane.A * floor.X[i] + plane.B * floor.Y[i] + plane.D) / -plane.C));
            Assert.True(worst < 0.03, $"{name} seed {seed}: visible floor is up to {worst:0.000} m from z = 0");
            var heights = Enumerable.Range(0, floor.Count).Select(i => (double)floor.Z[i]).Order().ToArray();
            Assert.True(Math.Abs(heights[heights.Length / 2]) < 0.03, $"{name} seed {seed}: median floor height {heights[heights.Length / 2]:0.000}");
        }
    }
}
