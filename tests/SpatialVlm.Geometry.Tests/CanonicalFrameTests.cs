using CsCheck;
using SpatialVlm.Core;
using SpatialVlm.Geometry;

namespace SpatialVlm.Geometry.Tests;

public class CanonicalFrameTests
{
    /// <summary>
    /// The true world-from-camera pose of a camera at the given height above the floor, looking along world +x
    /// pitched down by <paramref name="pitch"/> and rolled about its optical axis by <paramref name="roll"/>.
    /// </summary>
    private static RigidTransform TruePose(double height, double pitch, double roll)
    {
        // Camera axes (right, down, forward) in world coordinates for a level camera looking along +x.
        var right = new Point3(0, -1, 0); var down = new Point3(0, 0, -1); var forward = new Point3(1, 0, 0);
        // Pitch down: rotate forward toward down about the right axis.
        (forward, down) = (forward * Math.Cos(pitch) + down * Math.Sin(pitch), down * Math.Cos(pitch) - forward * Math.Sin(pitch));
        // Roll about the optical axis.
        (right, down) = (right * Math.Cos(roll) + down * Math.Sin(roll), down * Math.Cos(roll) - right * Math.Sin(roll));
        // Columns of world-from-camera rotation are the camera axes in world coordinates.
        double[] r = [right.X, down.X, forward.X, right.Y, down.Y, forward.Y, right.Z, down.Z, forward.Z];
        return new RigidTransform(r, new Point3(0, 0, height));
    }

    private static PointCloud FloorSeenBy(RigidTransform worldFromCamera, Random rng, bool withObject)
    {
        var cameraFromWorld = worldFromCamera.Inverse();
        var pts = new List<Point3>();
        for (int i = 0; i < 8000; i++)
        {
            var w = new Point3(0.5 + rng.NextDouble() * 8, rng.NextDouble() * 8 - 4, Synthetic.Gaussian(rng) * 0.003);
            var c = cameraFromWorld.Apply(w);
            if (c.Z > 0.2 && Math.Abs(c.X / c.Z) < 0.6 && Math.Abs(c.Y / c.Z) < 0.45) pts.Add(c);
        }
        if (withObject)
            for (int i = 0; i < 800; i++)
                pts.Add(cameraFromWorld.Apply(new Point3(2.5 + rng.NextDouble() * 0.3, rng.NextDouble() * 0.3, rng.NextDouble() * 0.5)));
        return Synthetic.Cloud(pts);
    }

    [Fact]
    public void PutsTheFloorAtZeroWithForwardXAndLeftY() =>
        Gen.Select(Gen.Double[0.8, 2.0], Gen.Double[0.1, 0.8], Gen.Double[-0.3, 0.3], Gen.Int[0, 1000]).Sample((height, pitch, roll, seed) =>
        {
            var truth = TruePose(height, pitch, roll);
            var cloud = FloorSeenBy(truth, new Random(seed), withObject: true);
            var result = CanonicalFrame.Estimate(cloud, new CanonicalFrameOptions());
            Assert.True(result.Succeeded, result.FailureReason);
            var t = result.WorldFromCamera;
            var camera = t.Apply(Point3.Zero);
            var optical = t.Rotate(new Point3(0, 0, 1));
            var cameraLeft = t.Rotate(new Point3(-1, 0, 0));
            Assert.True(Math.Abs(camera.X) < 1e-6 && Math.Abs(camera.Y) < 1e-6, $"origin is not below the camera: {camera}");
            Assert.Equal(height, camera.Z, 0.01);
            Assert.True(optical.X > 0 && Math.Abs(optical.Y) < 1e-9 && optical.Z < 0, $"optical axis {optical}");
            Assert.True(cameraLeft.Y > 0.9, $"camera left {cameraLeft}");
            var world = CloudTransform.Apply(cloud, t);
            int onFloor = 0;
            for (int i = 0; i < world.Count; i++) if (Math.Abs(world.Z[i]) < 0.015) onFloor++;
            Assert.True(onFloor >= world.Count - 800, $"{onFloor} of {world.Count - 800} floor points at z = 0");
            // Equal to the true pose (the camera looks along world +x), up to the floor fit's accuracy.
            var probe = new Point3(0.3, -0.2, 2);
            Assert.True((t.Apply(probe) - truth.Apply(probe)).Length < 0.03, $"{t.Apply(probe)} vs {truth.Apply(probe)}");
        }, iter: 20);

    [Fact]
    public void FailsWithReasons()
    {
        var o = new CanonicalFrameOptions();
        var floor = new Plane(0, -1, 0, 1.5); // y = 1.5 below a level camera
        Assert.True(CanonicalFrame.FromSupportPlane(floor, 1000, o).Succeeded);
        Assert.Equal(floor, CanonicalFrame.FromSupportPlane(floor.Flipped(), 1000, o).SupportPlane); // normal turned toward the camera

        var few = CanonicalFrame.FromSupportPlane(floor, 10, o);
        Assert.False(few.Succeeded);
        Assert.Contains("fewer than", few.FailureReason);

        var throughCamera = CanonicalFrame.FromSupportPlane(new Plane(0, -1, 0, 0.001), 1000, o);
        Assert.False(throughCamera.Succeeded);
        Assert.Contains("passes through the camera", throughCamera.FailureReason);

        // A plane facing the camera is a valid support on its own (a robot looking straight down at its table):
        // forward is then the image's up direction (camera −y) projected onto it.
        var straightDown = CanonicalFrame.FromSupportPlane(new Plane(0, 0, -1, 3), 1000, o);
        Assert.True(straightDown.Succeeded, straightDown.FailureReason);
        var x = straightDown.WorldFromCamera.Rotate(new Point3(0, -1, 0));
        Assert.True(x.X > 0.999, $"image up maps to {x}, not forward");
        Assert.Equal(3, straightDown.WorldFromCamera.Apply(Point3.Zero).Z, 9);

        var tilted = CanonicalFrame.FromSupportPlane(new Plane(0, 0, -1, 3), 1000, o with { MaxTiltDegrees = 60 });
        Assert.False(tilted.Succeeded);
        Assert.Contains("more than 60", tilted.FailureReason);

        var tiny = Synthetic.Cloud(Enumerable.Range(0, 50).Select(i => new Point3(i * 0.01, 1, 2)));
        Assert.False(CanonicalFrame.Estimate(tiny, o).Succeeded);
    }

    [Fact]
    public void SkipsAWallToFindTheFloor()
    {
        var truth = TruePose(1.4, 0.25, 0.05);
        var rng = new Random(8);
        var cloud = FloorSeenBy(truth, rng, withObject: false);
        var cameraFromWorld = truth.Inverse();
        // A large wall 3 m ahead, bigger than the visible floor.
        var wall = Enumerable.Range(0, 12000).Select(_ => cameraFromWorld.Apply(new Point3(3, rng.NextDouble() * 4 - 2, rng.NextDouble() * 2.5)));
        var both = Synthetic.Cloud(Enumerable.Range(0, cloud.Count).Select(i => cloud[i]).Concat(wall));
        var result = CanonicalFrame.Estimate(both, new CanonicalFrameOptions());
        Assert.True(result.Succeeded, result.FailureReason);
        Assert.Equal(1.4, result.WorldFromCamera.Apply(Point3.Zero).Z, 0.02);
    }
}
