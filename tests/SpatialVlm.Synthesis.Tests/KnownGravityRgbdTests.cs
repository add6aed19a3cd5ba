using SpatialVlm.Core;
using SpatialVlm.Synthesis.Sources;
using SpatialVlm.Synthesis.Stages;

namespace SpatialVlm.Synthesis.Tests;

/// <summary>
/// intrinsics.json's known pose (SPATIAL.md): "gravity" or "world_from_camera" wins over the estimate, the pipeline still
/// estimates its own and records the disagreement, and malformed values fail with one line.
/// </summary>
public class KnownGravityRgbdTests
{
    private const string K = "\"fx\":525,\"fy\":525,\"cx\":319.5,\"cy\":239.5,\"depth_scale\":1000";

    [Theory]
    [InlineData("\"gravity\":[0,0,2]", "gravity must be a unit vector")]
    [InlineData("\"gravity\":[0,1]", "gravity must be 3 finite numbers")]
    [InlineData("\"gravity\":[0,\"NaN\",1]", "gravity must be 3 finite numbers")]
    [InlineData("\"gravity\":\"down\"", "gravity must be 3 finite numbers")]
    [InlineData("\"world_from_camera\":[[1,0,0,0],[0,1,0,0],[0,0,1,0]]", "4x4")]
    [InlineData("\"world_from_camera\":[[1,0,0,0],[0,1,0,0],[0,0,1,0],[0,0,1,1]]", "last row")]
    [InlineData("\"world_from_camera\":[[2,0,0,0],[0,1,0,0],[0,0,1,0],[0,0,0,1]]", "not a rotation")]
    [InlineData("\"world_from_camera\":[[-1,0,0,0],[0,1,0,0],[0,0,1,0],[0,0,0,1]]", "not a rotation")]
    [InlineData("\"world_from_camera\":[[1,0,0,0],[0,1,0,0],[0,0,1,0],[0,0,0,1]],\"gravity\":[0,1,0]", "disagree")]
    public void MalformedPosesFailWithOneLine(string field, string expected)
    {
        using var folder = new RgbdTestFolder($"{{{K},{field}}}");
        var e = Assert.Throws<SpatialVlmException>(() => new RgbdFolderSource(folder.Root));
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void WorldFromCameraGivesItsGravity()
    {
        // Camera pitched 90° down: camera z (optical) = world −z, camera y (down in the image) = world −x.
        var pose = "[[0,-1,0,0],[-1,0,0,0],[0,0,-1,0.7],[0,0,0,1]]";
        var k = RgbdIntrinsics.Parse(System.Text.Json.JsonDocument.Parse($"{{{K},\"world_from_camera\":{pose}}}").RootElement, "test");
        Assert.NotNull(k.Gravity);
        Assert.True((k.Gravity!.Value - new Point3(0, 0, 1)).Length < 1e-12, $"gravity {k.Gravity}");
    }

    [Fact]
    public void KnownGravityWinsAndTheDisagreementIsRecorded()
    {
        // The estimated up of the shared Redwood frame, turned by 3° about the camera's x axis, given as known gravity.
        using var plain = new RgbdTestFolder().AddShared("00000", "color/00000.jpg", "depth/00000.png");
        plain.WriteAnnotations(("00000.jpg", [("chair", RgbdTestFolder.Box(335, 105, 280, 280))]));
        var source = new RgbdFolderSource(plain.Root);
        var estimated = new SynthesisPipeline(new SynthesisOptions()).Run(source.Load(source.Items.Single()), 1).Frame;
        Assert.True(estimated.Canonicalized, estimated.Failure);
        var up = Up(estimated.WorldFromCamera);
        double a = 3 * Math.PI / 180;
        var turned = new Point3(up.X, up.Y * Math.Cos(a) - up.Z * Math.Sin(a), up.Y * Math.Sin(a) + up.Z * Math.Cos(a));
        var g = -turned;

        using var known = new RgbdTestFolder(FormattableString.Invariant($"{{{K},\"gravity\":[{g.X:R},{g.Y:R},{g.Z:R}]}}"))
            .AddShared("00000", "color/00000.jpg", "depth/00000.png");
        known.WriteAnnotations(("00000.jpg", [("chair", RgbdTestFolder.Box(335, 105, 280, 280))]));
        var src = new RgbdFolderSource(known.Root);
        var obs = src.Load(src.Items.Single());
        Assert.NotNull(obs.KnownWorldFromCamera);
        var frame = new SynthesisPipeline(new SynthesisOptions()).Run(obs, 1).Frame;
        Assert.True(frame.Canonicalized);
        Assert.Equal("known", frame.Source);
        Assert.True((Up(frame.WorldFromCamera) - turned).Length < 1e-9, "the known gravity is the frame's up");
        Assert.NotNull(frame.GravityDisagreementDegrees);
        Assert.InRange(frame.GravityDisagreementDegrees!.Value, 2, 4);
    }

    private static Point3 Up(RigidTransform t) => new(t.Rotation[6], t.Rotation[7], t.Rotation[8]);
}
