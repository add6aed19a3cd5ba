using CsCheck;
using SpatialVlm.Core;

namespace SpatialVlm.Core.Tests;

public class CoreGeometryTypesTests
{
    private static readonly Gen<double> Coord = Gen.Double[-10, 10];
    private static readonly Gen<Point3> GenPoint = Gen.Select(Coord, Coord, Coord, (x, y, z) => new Point3(x, y, z));

    private static RigidTransform Rotation(double yaw, double pitch, Point3 t)
    {
        var (cy, sy, cp, sp) = (Math.Cos(yaw), Math.Sin(yaw), Math.Cos(pitch), Math.Sin(pitch));
        var rz = new RigidTransform([cy, -sy, 0, sy, cy, 0, 0, 0, 1], Point3.Zero);
        var ry = new RigidTransform([cp, 0, sp, 0, 1, 0, -sp, 0, cp], t);
        return ry.Compose(rz);
    }

    [Fact]
    public void InverseUndoesTransform() =>
        Gen.Select(GenPoint, GenPoint, Gen.Double[-3, 3], Gen.Double[-1.5, 1.5]).Sample((p, t, yaw, pitch) =>
        {
            var tf = Rotation(yaw, pitch, t);
            var back = tf.Inverse().Apply(tf.Apply(p));
            return (back - p).Length < 1e-9;
        });

    [Fact]
    public void ComposeAppliesRightOperandFirst() =>
        Gen.Select(GenPoint, GenPoint, Gen.Double[-3, 3]).Sample((p, t, yaw) =>
        {
            var a = Rotation(yaw, 0.3, t);
            var b = Rotation(-yaw * 0.5, -0.2, t * 0.5);
            return (a.Compose(b).Apply(p) - a.Apply(b.Apply(p))).Length < 1e-9;
        });

    [Fact]
    public void Matrix4x4RoundTrips()
    {
        var tf = Rotation(0.7, -0.4, new Point3(1, 2, 3));
        var back = RigidTransform.FromMatrix4x4(tf.ToMatrix4x4());
        Assert.Equal(tf.Rotation, back.Rotation);
        Assert.Equal(tf.Translation, back.Translation);
    }

    [Fact]
    public void ProjectInvertsBackProject() =>
        Gen.Select(Gen.Double[0, 639], Gen.Double[0, 479], Gen.Double[0.1, 20]).Sample((u, v, z) =>
        {
            var k = new CameraIntrinsics(640, 480, 525, 520, 319.5, 239.5);
            var (pu, pv) = k.Project(k.BackProject(u, v, z));
            return Math.Abs(pu - u) < 1e-9 && Math.Abs(pv - v) < 1e-9;
        });

    [Fact]
    public void FieldOfViewGivesFocalLength()
    {
        var k = CameraIntrinsics.FromHorizontalFov(640, 480, 90);
        Assert.Equal(320, k.Fx, 9);
        Assert.Equal(90, k.HorizontalFovDegrees, 9);
        Assert.Throws<ArgumentException>(() => CameraIntrinsics.FromHorizontalFov(640, 480, 180));
    }

    [Theory]
    [InlineData("525,525,319.5,239.5", true)]
    [InlineData("525,525,319.5", false)]
    [InlineData("a,b,c,d", false)]
    [InlineData("525,-1,319.5,239.5", false)]
    public void IntrinsicsParse(string text, bool ok)
    {
        if (ok) Assert.Equal(525, CameraIntrinsics.Parse(text, 640, 480).Fx);
        else Assert.Throws<FormatException>(() => CameraIntrinsics.Parse(text, 640, 480));
    }

    [Fact]
    public void UprightBoxPutsLongerSideFirst()
    {
        var b = UprightBox.Create(new Point3(0, 0, 0.5), 0.2, 0.8, 1.0, 0.1);
        Assert.Equal(0.8, b.Width);
        Assert.Equal(0.2, b.Length);
        Assert.Equal(0.1 + Math.PI / 2 - Math.PI, b.Yaw, 12);
        Assert.Equal(0, b.Bottom, 12);
        // The width axis still runs along the originally long side (the 0.8 m one at yaw 0.1 + 90°).
        var corner = b.Center + b.WidthAxis * 0.4;
        Assert.Equal(0, b.DistanceOutside(corner), 9);
        Assert.True(b.DistanceOutside(b.Center + b.WidthAxis * 0.5) > 0.09);
    }

    [Fact]
    public void AtomicWriteLeavesNoTemporaryOnFailure()
    {
        var dir = Directory.CreateTempSubdirectory().FullName;
        var path = Path.Combine(dir, "out.bin");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s => { s.WriteByte(1); throw new InvalidOperationException("boom"); }));
        Assert.Empty(Directory.GetFiles(dir));
        AtomicFile.WriteAllText(path, "ok");
        Assert.Equal("ok", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(dir));
    }

    [Fact]
    public void SceneJsonRoundTripsInSnakeCase()
    {
        var s = new SceneDescription
        {
            Id = "scene-000001", Seed = 1,
            Camera = new SceneCamera { Width = 640, Height = 480, Fx = 500, Fy = 500, Cx = 319.5, Cy = 239.5, WorldFromCamera = RigidTransform.Identity.ToMatrix4x4() },
            Objects = [new SceneObject { Id = 1, Instance = 1, Category = "mug", Color = "red", Caption = "red mug", Shape = "cylinder", Center = [2.1, 0.4, 0.05], Size = [0.09, 0.09, 0.1], Yaw = 0.3 }],
        };
        var json = s.ToJson();
        Assert.Contains("\"depth_scale\": 1000", json);
        Assert.Contains("\"world_from_camera\"", json);
        var back = SceneDescription.Parse(json);
        Assert.Equal("red mug", back.Objects[0].Caption);
        Assert.Equal(0.05, back.Objects[0].Box.Bottom + 0.05, 12);
        Assert.Throws<SpatialVlmException>(() => SceneDescription.Parse("{ not json"));
    }
}
