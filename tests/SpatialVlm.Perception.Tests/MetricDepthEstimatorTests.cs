using SpatialVlm.Core;
using SpatialVlm.Perception.Depth;
using SpatialVlm.Perception.Models;
using static SpatialVlm.Perception.Tests.TestImages;

namespace SpatialVlm.Perception.Tests;

public sealed class MetricDepthEstimatorTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), $"svlm-depth-{Guid.NewGuid():N}");

    public void Dispose() { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }

    /// <summary>Metric3D signature: pixel_values [B,3,H,W] -> predicted_depth [B,H,W] = 0.01 · mean over channels (+ normals).</summary>
    private string Metric3dModel() => new TinyOnnx()
        .Input("pixel_values", TinyOnnx.Float, "batch", 3, "height", "width")
        .Output("predicted_depth", TinyOnnx.Float, "batch", "height", "width")
        .Output("predicted_normal", TinyOnnx.Float, "batch", 3, "height", "width")
        .FloatConstant("k", [], 0.01f)
        .Node("ReduceMean", ["pixel_values"], ["m"], TinyOnnx.Ints("axes", 1), TinyOnnx.Int("keepdims", 0))
        .Node("Mul", ["m", "k"], ["predicted_depth"])
        .Node("Identity", ["pixel_values"], ["predicted_normal"])
        .Save(Path.Combine(dir, "metric3d.onnx"));

    /// <summary>Depth Anything V2 signature: image [B,3,H,W] -> depth [B,H,W] = scale · mean over channels + offset.</summary>
    private string DepthAnythingModel(float scale = 1f, float offset = 2f) => new TinyOnnx()
        .Input("image", TinyOnnx.Float, "batch", 3, "height", "width")
        .Output("depth", TinyOnnx.Float, "batch", "height", "width")
        .FloatConstant("s", [], scale)
        .FloatConstant("o", [], offset)
        .Node("ReduceMean", ["image"], ["m"], TinyOnnx.Ints("axes", 1), TinyOnnx.Int("keepdims", 0))
        .Node("Mul", ["m", "s"], ["ms"])
        .Node("Add", ["ms", "o"], ["depth"])
        .Save(Path.Combine(dir, $"da-{scale}-{offset}.onnx"));

    /// <summary>DepthPro signature: predicted_depth = mean over channels + 3; focallength_px = 100 · mean of everything + 700.</summary>
    private string DepthProModel() => new TinyOnnx()
        .Input("pixel_values", TinyOnnx.Float, "batch", 3, 1536, 1536)
        .Output("predicted_depth", TinyOnnx.Float, "batch", 1536, 1536)
        .Output("focallength_px", TinyOnnx.Float, "batch")
        .FloatConstant("three", [], 3f)
        .FloatConstant("hundred", [], 100f)
        .FloatConstant("f0", [], 700f)
        .Node("ReduceMean", ["pixel_values"], ["m"], TinyOnnx.Ints("axes", 1), TinyOnnx.Int("keepdims", 0))
        .Node("Add", ["m", "three"], ["predicted_depth"])
        .Node("ReduceMean", ["pixel_values"], ["all"], TinyOnnx.Ints("axes", 1, 2, 3), TinyOnnx.Int("keepdims", 0))
        .Node("Mul", ["all", "hundred"], ["fs"])
        .Node("Add", ["fs", "f0"], ["focallength_px"])
        .Save(Path.Combine(dir, "depthpro.onnx"));

    [Fact]
    public void DepthProTakesTheFocalFromTheModelAndRescalesToAGivenOne()
    {
        using var est = new MetricDepthEstimator(DepthProModel(), DepthExport.DepthPro);
        // (128/255 − 0.5)/0.5 = 1/255 in every channel: depth 3 + 1/255 m; focal 700 + 100/255 px at 1536 wide -> × 64/1536.
        double v = 1 / 255.0, depth = 3 + v, focal = (700 + 100 * v) * 64 / 1536;
        var results = est.Estimate([
            new DepthRequest(Solid(64, 48, 128, 128, 128)),
            new DepthRequest(Solid(64, 48, 128, 128, 128), new CameraIntrinsics(64, 48, 40, 40, 32, 24)),
        ]);
        Assert.Equal(FocalSource.Model, results[0].Focal);
        Assert.Equal(focal, results[0].Intrinsics.Fx, 3);
        Assert.Equal(focal, results[0].Intrinsics.Fy, 3);
        Assert.All(results[0].Depth.Meters, d => Assert.Equal(depth, d, 4));
        Assert.Equal(FocalSource.Given, results[1].Focal);
        Assert.All(results[1].Depth.Meters, d => Assert.Equal(depth * 40 / focal, d, 4));
    }

    [Fact]
    public void Metric3dRescalesCanonicalFocalToTheGivenFocal()
    {
        using var est = new MetricDepthEstimator(Metric3dModel(), DepthExport.Metric3D);
        var k = new CameraIntrinsics(64, 48, 50, 50, 31.5, 23.5);
        var e = est.Estimate(Solid(64, 48, 90, 150, 210), k);
        // 48x64 -> network 392x518 (s = 518/64; 48·s = 388.5 -> 27.75·14 -> 392). Raw input mean 150 -> 1.5.
        // f_in = (50·518/64 + 50·392/48) / 2 = 406.5104; meters = 1.5 · f_in / 1000.
        const double expected = 1.5 * ((50.0 * 518 / 64 + 50.0 * 392 / 48) / 2) / 1000;
        Assert.Equal((64, 48), (e.Depth.Width, e.Depth.Height));
        Assert.All(e.Depth.Meters, d => Assert.Equal(expected, d, 4));
        Assert.Same(k, e.Intrinsics);
        Assert.Equal(FocalSource.Given, e.Focal);
    }

    [Fact]
    public void Metric3dWithoutIntrinsicsUsesTheFieldOfViewDefault()
    {
        using var est = new MetricDepthEstimator(Metric3dModel(), DepthExport.Metric3D, new MetricDepthOptions { DefaultHorizontalFovDegrees = 90 });
        var e = est.Estimate(Solid(64, 48, 100, 100, 100));
        // 90° horizontal: fx = 32 / tan 45° = 32. f_in = (32·518/64 + 32·392/48) / 2 = 260.1667; meters = 1.0 · f_in / 1000.
        Assert.Equal(32, e.Intrinsics.Fx, 9);
        Assert.Equal(FocalSource.FieldOfViewDefault, e.Focal);
        Assert.All(e.Depth.Meters, d => Assert.Equal((259.0 + 261.3333333) / 2 / 1000, d, 4));
    }

    [Fact]
    public void BatchesMixedSizesWithoutMixingImagesUp()
    {
        using var est = new MetricDepthEstimator(Metric3dModel(), DepthExport.Metric3D, new MetricDepthOptions { MaxBatch = 2 });
        var k64 = new CameraIntrinsics(64, 48, 1000 * 64 / 518.0, 1000 * 48 / 392.0, 32, 24); // f_in = 1000 exactly: meters = raw
        var k40 = new CameraIntrinsics(40, 30, 1000 * 40 / 518.0, 1000 * 30 / 392.0, 20, 15); // 30x40 -> 392x518, same group as 48x64
        var reqs = new[]
        {
            new DepthRequest(Solid(64, 48, 30, 30, 30), k64),
            new DepthRequest(Solid(20, 20, 60, 60, 60), new CameraIntrinsics(20, 20, 1000 * 20 / 518.0, 1000 * 20 / 518.0, 10, 10)),
            new DepthRequest(Solid(64, 48, 90, 90, 90), k64),
            new DepthRequest(Solid(40, 30, 120, 120, 120), k40),
            new DepthRequest(Solid(64, 48, 150, 150, 150), k64),
        };
        var results = est.Estimate(reqs);
        var expected = new[] { 0.3f, 0.6f, 0.9f, 1.2f, 1.5f };
        for (int i = 0; i < reqs.Length; i++)
        {
            Assert.Equal((reqs[i].Image.Width, reqs[i].Image.Height), (results[i].Depth.Width, results[i].Depth.Height));
            Assert.All(results[i].Depth.Meters, d => Assert.Equal(expected[i], d, 4));
        }
    }

    [Fact]
    public void DepthAnythingNormalisesWithImageNetStatisticsAndKeepsMeters()
    {
        using var est = new MetricDepthEstimator(DepthAnythingModel(), DepthExport.DepthAnythingV2Metric);
        var e = est.Estimate(Solid(50, 30, 128, 64, 200));
        double vr = (128 / 255.0 - 0.485) / 0.229, vg = (64 / 255.0 - 0.456) / 0.224, vb = (200 / 255.0 - 0.406) / 0.225;
        Assert.Equal((50, 30), (e.Depth.Width, e.Depth.Height));
        Assert.All(e.Depth.Meters, d => Assert.Equal((vr + vg + vb) / 3 + 2, d, 4));
        Assert.Equal(FocalSource.FieldOfViewDefault, e.Focal);
        Assert.Equal(60, e.Intrinsics.HorizontalFovDegrees, 6);
    }

    [Fact]
    public void DepthAnythingResizesBackBilinearly()
    {
        // Left half black, right half white, squashed to 518² and back: depth rises monotonically along each row.
        var img = Solid(40, 10, 0, 0, 0);
        for (int y = 0; y < 10; y++) for (int x = 20; x < 40; x++) { int p = 3 * (y * 40 + x); img.Pixels[p] = img.Pixels[p + 1] = img.Pixels[p + 2] = 255; }
        using var est = new MetricDepthEstimator(DepthAnythingModel(), DepthExport.DepthAnythingV2Metric);
        var d = est.Estimate(img).Depth;
        double black = (-0.485 / 0.229 - 0.456 / 0.224 - 0.406 / 0.225) / 3 + 2;
        double white = ((1 - 0.485) / 0.229 + (1 - 0.456) / 0.224 + (1 - 0.406) / 0.225) / 3 + 2;
        for (int y = 0; y < 10; y++)
        {
            Assert.Equal(black, d[0, y], 3);
            Assert.Equal(white, d[39, y], 3);
            for (int x = 1; x < 40; x++) Assert.True(d[x, y] >= d[x - 1, y] - 1e-3, $"not monotone at {x},{y}");
        }
    }

    [Fact]
    public void AllZeroOutputIsRejectedWithOneLine()
    {
        using var est = new MetricDepthEstimator(DepthAnythingModel(scale: 0f, offset: 0f), DepthExport.DepthAnythingV2Metric);
        var e = Assert.Throws<SpatialVlmException>(() => est.Estimate(Solid(20, 20, 10, 20, 30)));
        Assert.Contains("all-zero depth map", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void IntrinsicsOfAnotherSizeAreRejected()
    {
        using var est = new MetricDepthEstimator(Metric3dModel(), DepthExport.Metric3D);
        var e = Assert.Throws<SpatialVlmException>(() => est.Estimate(Solid(20, 20, 1, 2, 3), new CameraIntrinsics(640, 480, 500, 500, 320, 240)));
        Assert.Equal("intrinsics are for 640x480 but the image is 20x20", e.Message);
    }

    [Fact]
    public void WrongExportIsRejectedAtLoadNamingTheMissingInput()
    {
        var e = Assert.Throws<SpatialVlmException>(() => new MetricDepthEstimator(Metric3dModel(), DepthExport.DepthAnythingV2Metric));
        Assert.Contains("no input 'image'", e.Message);
        Assert.Contains("pixel_values", e.Message);
    }

    [Fact]
    public void OneSessionServesManyThreads()
    {
        using var shared = new MetricDepthEstimator(DepthAnythingModel(scale: 1f, offset: 5f), DepthExport.DepthAnythingV2Metric);
        var values = new double[16];
        Parallel.For(0, 16, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
            values[i] = shared.Estimate(Solid(16, 16, (byte)(i * 15), (byte)(i * 15), (byte)(i * 15))).Depth[3, 3]);
        for (int i = 0; i < 16; i++)
        {
            double v = i * 15 / 255.0;
            Assert.Equal(((v - 0.485) / 0.229 + (v - 0.456) / 0.224 + (v - 0.406) / 0.225) / 3 + 5, values[i], 4);
        }
    }

    [Fact]
    public void OpenFromStoreDispatchesOnTheRegisteredExport()
    {
        var entry = new ModelEntry("m3d", ModelRole.Depth, "metric3d", ModelHost.HuggingFace, "org/m3d", "main", [new ModelFile("onnx/model.onnx")], "BSD-2-Clause");
        var store = new ModelStore(Path.Combine(dir, "home"), [entry]);
        var path = store.FilePath(entry, entry.Files[0]);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Copy(Metric3dModel(), path);
        using var est = MetricDepthEstimator.Open(store, "m3d");
        Assert.Same(DepthExport.Metric3D, est.Export);
        var wrongRole = new ModelStore(store.Home, [entry with { Name = "t", Role = ModelRole.ClipText }]);
        Directory.CreateDirectory(Path.GetDirectoryName(wrongRole.FilePath(wrongRole.Entries[0], entry.Files[0]))!);
        File.Copy(path, wrongRole.FilePath(wrongRole.Entries[0], entry.Files[0]));
        Assert.Equal("model 't' is a ClipText model, not Depth", Assert.Throws<SpatialVlmException>(() => MetricDepthEstimator.Open(wrongRole, "t")).Message);
    }

    [Fact]
    public void OpenFromStoreNamesThePullCommandWhenMissing()
    {
        var store = new ModelStore(dir, ModelCatalog.Default);
        var e = Assert.Throws<SpatialVlmException>(() => MetricDepthEstimator.Open(store, "metric3d-vit-small"));
        Assert.Contains("run `spatialvlm models pull metric3d-vit-small`", e.Message);
    }
}
