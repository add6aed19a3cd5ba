using SpatialVlm.Core;
using SpatialVlm.Scenes;

namespace SpatialVlm.Scenes.Tests;

/// <summary>The rendered buffers agree with scene.json: instance pixels land in their boxes, floor pixels on z = 0.</summary>
public class ConsistencyTests
{
    [Fact]
    public void InstancePixelsBackProjectInsideTheirBoxes()
    {
        foreach (var s in SceneFixtures.MediumSet)
            foreach (var o in s.Description.Objects)
            {
                var box = o.Box;
                var pixels = Enumerable.Range(0, s.Instances.Length).Where(i => s.Instances[i] == o.Instance).ToArray();
                Assert.NotEmpty(pixels);
                var outside = pixels.Count(i => box.DistanceOutside(SceneFixtures.WorldPoint(s, i)) > 0.01);
                Assert.True(outside <= 0.01 * pixels.Length, $"{s.Description.Id} {o.Caption}: {outside} of {pixels.Length} pixels more than 1 cm outside the box");
            }
    }

    [Fact]
    public void UnoccludedObjectsSpanMostOfTheirBox()
    {
        int checkedObjects = 0;
        foreach (var s in SceneFixtures.MediumSet)
            foreach (var o in s.Description.Objects)
            {
                var pixels = Enumerable.Range(0, s.Instances.Length).Where(i => s.Instances[i] == o.Instance).ToArray();
                if (TouchesBorderOrIsOccluded(s, o.Instance, pixels)) continue;
                checkedObjects++;
                // Across the line of sight, every object's silhouette is at least as wide as the shorter side of
                // its footprint (a cylinder's diameter, a box's side), wherever it is seen from.
                var box = o.Box;
                var pose = s.Description.Camera.WorldFromCameraTransform;
                var sight = box.Center - pose.Translation;
                var across = new Point3(-sight.Y, sight.X, 0).Normalized();
                var along = pixels.Select(i => (SceneFixtures.WorldPoint(s, i) - box.Center).Dot(across)).ToArray();
                var spanAcross = along.Max() - along.Min();
                // Vertically, compare image extents: from above, a bowl shows only its rim.
                var k = s.Description.Camera.Intrinsics;
                var camFromWorld = pose.Inverse();
                var v = box.Corners().Select(c => k.Project(camFromWorld.Apply(c)).V).ToArray();
                double bh = Math.Min(s.Height - 1, v.Max()) - Math.Max(0, v.Min());
                double mh = pixels.Max(i => i / s.Width) - pixels.Min(i => i / s.Width) + 1;
                Assert.True(spanAcross >= 0.8 * box.Length && mh >= 0.5 * bh,
                    $"{s.Description.Id} {o.Caption}: spans {spanAcross:0.000} m across (box length {box.Length:0.000}), {mh} of {bh:0} px high");
            }
        Assert.True(checkedObjects >= 20, $"only {checkedObjects} unoccluded objects");
    }

    // Occluded: some pixel beside the mask belongs to another object nearer to the camera (the floor or table top it stands on does not count).
    private static bool TouchesBorderOrIsOccluded(RenderedScene s, int instance, int[] pixels)
    {
        foreach (var i in pixels)
        {
            int x = i % s.Width, y = i / s.Width;
            if (x == 0 || y == 0 || x == s.Width - 1 || y == s.Height - 1) return true;
            foreach (var j in (ReadOnlySpan<int>)[i - 1, i + 1, i - s.Width, i + s.Width])
                if (s.Instances[j] != instance && s.Instances[j] != 0 && s.SurfaceIds[j] != SurfaceKind.TableTop && s.DepthMillimeters[j] < s.DepthMillimeters[i]) return true;
        }
        return false;
    }

    [Fact]
    public void FloorPixelsBackProjectToZeroHeight()
    {
        foreach (var s in SceneFixtures.MediumSet)
        {
            var floor = Enumerable.Range(0, s.SurfaceIds.Length).Where(i => s.SurfaceIds[i] == SurfaceKind.Floor).ToArray();
            Assert.True(floor.Length > s.Instances.Length / 10, $"{s.Description.Id}: only {floor.Length} floor pixels");
            foreach (var i in floor)
                Assert.InRange(SceneFixtures.WorldPoint(s, i).Z, -0.002, 0.002);
        }
    }

    [Fact]
    public void TableTopPixelsBackProjectToTheTableHeight()
    {
        int seen = 0;
        foreach (var s in SceneFixtures.MediumSet)
        {
            var table = s.Description.Objects.FirstOrDefault(o => o.Category == "table");
            if (table == null) continue;
            foreach (var i in Enumerable.Range(0, s.SurfaceIds.Length).Where(i => s.SurfaceIds[i] == SurfaceKind.TableTop))
            {
                Assert.Equal(table.Instance, s.Instances[i]);
                Assert.InRange(SceneFixtures.WorldPoint(s, i).Z, table.Box.Top - 0.002, table.Box.Top + 0.002);
                seen++;
            }
        }
        Assert.True(seen > 0, "no table top seen");
    }

    [Fact]
    public void NoTwoBoxesIntersectAndObjectsRestOnASupport()
    {
        foreach (var s in SceneFixtures.MediumSet)
        {
            var objs = s.Description.Objects;
            var tableTops = objs.Where(o => o.Category == "table").Select(o => o.Box.Top).ToArray();
            foreach (var o in objs)
            {
                var bottom = o.Box.Bottom;
                Assert.True(Math.Abs(bottom) < 1e-5 || tableTops.Any(t => Math.Abs(bottom - t) < 1e-5), $"{s.Description.Id} {o.Caption} floats at {bottom}");
            }
            for (int i = 0; i < objs.Count; i++)
                for (int j = i + 1; j < objs.Count; j++)
                    Assert.False(Intersect(objs[i].Box, objs[j].Box), $"{s.Description.Id}: {objs[i].Caption} and {objs[j].Caption} intersect");
        }
    }

    // Independent separating-axis test (Math.Cos axes, 0.1 mm tolerance for boxes resting on each other).
    private static bool Intersect(UprightBox a, UprightBox b)
    {
        if (Math.Min(a.Top, b.Top) - Math.Max(a.Bottom, b.Bottom) < 1e-4) return false;
        var d = b.Center - a.Center;
        foreach (var n in new[] { a.WidthAxis, a.LengthAxis, b.WidthAxis, b.LengthAxis })
        {
            double Half(UprightBox x) => Math.Abs(x.Width / 2 * x.WidthAxis.Dot(n)) + Math.Abs(x.Length / 2 * x.LengthAxis.Dot(n));
            if (Math.Abs(d.Dot(n)) > Half(a) + Half(b) - 1e-4) return false;
        }
        return true;
    }

    [Fact]
    public void EveryDescribedObjectIsVisibleAndEveryInstanceIsDescribed()
    {
        foreach (var s in SceneFixtures.MediumSet)
        {
            var min = SceneFixtures.Medium.Options.MinVisiblePixels;
            var counts = s.Instances.GroupBy(v => v).ToDictionary(g => g.Key, g => g.Count());
            foreach (var o in s.Description.Objects)
                Assert.True(counts.GetValueOrDefault((ushort)o.Instance) >= min, $"{s.Description.Id} {o.Caption}: {counts.GetValueOrDefault((ushort)o.Instance)} pixels");
            Assert.All(counts.Keys.Where(k => k != 0), k => Assert.Contains(s.Description.Objects, o => o.Instance == k));
            Assert.InRange(s.Description.Objects.Count, 3, 12);
            Assert.All(s.Description.Objects, o => Assert.True(o.Size[0] >= o.Size[1]));
        }
    }

    [Fact]
    public void CameraPoseIsInTheCanonicalFrame()
    {
        foreach (var s in SceneFixtures.MediumSet)
        {
            var pose = s.Description.Camera.WorldFromCameraTransform;
            Assert.Equal(0, pose.Translation.X); Assert.Equal(0, pose.Translation.Y);
            Assert.InRange(pose.Translation.Z, 0.8, 1.8);
            var forward = pose.Column(2);
            Assert.True(forward.X > 0 && Math.Abs(forward.Y) < 1e-12, "x is the horizontal projection of the optical axis");
            var r = pose.Rotation; // orthonormal, right-handed
            var det = r[0] * (r[4] * r[8] - r[5] * r[7]) - r[1] * (r[3] * r[8] - r[5] * r[6]) + r[2] * (r[3] * r[7] - r[4] * r[6]);
            Assert.InRange(det, 1 - 1e-12, 1 + 1e-12);
            // Image left (camera −x) is world +y.
            Assert.True(pose.Column(0).Y < 0);
        }
    }
}
