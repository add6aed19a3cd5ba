using SpatialVlm.Core;
using SpatialVlm.Perception.Batching;
using SpatialVlm.Perception.Depth;

namespace SpatialVlm.Perception.Tests;

/// <summary>A per-image failure inside a batch reaches the caller as itself, so per-image failure handling can match it.</summary>
public sealed class PerImageParallelTests
{
    [Fact]
    public void AnImagesOwnExceptionIsRethrownUnwrapped()
    {
        var e = Assert.Throws<SpatialVlmException>(() => PerImageParallel.For(4, i => { if (i == 2) throw new SpatialVlmException("image 2 is bad"); }));
        Assert.Equal("image 2 is bad", e.Message);
    }

    [Fact]
    public void EveryImageRunsWhenNoneFails()
    {
        var done = new int[50];
        PerImageParallel.For(done.Length, i => done[i] = i + 1);
        Assert.Equal(Enumerable.Range(1, 50), done);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(180.0)]
    [InlineData(double.NaN)]
    public void ADepthEstimatorRefusesAFieldOfViewOutsideZeroTo180(double fov)
    {
        // Checked before the model file is opened: a bad option is reported as itself.
        var e = Assert.Throws<SpatialVlmException>(() =>
            new MetricDepthEstimator("/nonexistent/model.onnx", DepthExport.Metric3D, new MetricDepthOptions { DefaultHorizontalFovDegrees = fov }));
        Assert.Contains("field of view", e.Message);
    }
}
