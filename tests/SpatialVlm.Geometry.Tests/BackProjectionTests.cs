using CsCheck;
using SpatialVlm.Core;
using SpatialVlm.Geometry;

namespace SpatialVlm.Geometry.Tests;

public class BackProjectionTests
{
    private static readonly CameraIntrinsics K = new(8, 6, 10, 12, 3.5, 2.5);

    [Fact]
    public void LiftsValidPixelsWithTheirIndices()
    {
        var m = new float[48];
        for (int i = 0; i < m.Length; i++) m[i] = 1 + i * 0.15f;
        m[0] = 0; m[5] = float.NaN; m[7] = -1; m[47] = 10.5f; // invalid, invalid, invalid, beyond 10 m
        var cloud = BackProjection.FromDepth(new DepthMap(8, 6, m), K);
        Assert.Equal(44, cloud.Count);
        Assert.Same(K, cloud.SourceCamera);
        for (int j = 0; j < cloud.Count; j++)
        {
            int p = cloud.PixelIndex![j], u = p % 8, v = p / 8;
            Assert.Equal(m[p], cloud.Z[j]);
            Assert.Equal((u - 3.5) * m[p] / 10, cloud.X[j], 5);
            Assert.Equal((v - 2.5) * m[p] / 12, cloud.Y[j], 5);
        }
        Assert.DoesNotContain(0, cloud.PixelIndex!.Take(cloud.Count));
        Assert.DoesNotContain(47, cloud.PixelIndex!.Take(cloud.Count));
    }

    [Fact]
    public void LiftsOnlyTheGivenPixels()
    {
        var m = Enumerable.Repeat(2f, 48).ToArray();
        m[9] = 0;
        var cloud = BackProjection.FromDepth(new DepthMap(8, 6, m), K, [10, 9, 3]);
        Assert.Equal([10, 3], cloud.PixelIndex!.Take(cloud.Count));
        Assert.Throws<ArgumentOutOfRangeException>(() => BackProjection.FromDepth(new DepthMap(8, 6, m), K, [48]));
    }

    [Fact]
    public void RejectsMismatchedIntrinsics() =>
        Assert.Throws<SpatialVlmException>(() => BackProjection.FromDepth(new DepthMap(4, 4, new float[16]), K));

    [Fact]
    public void ProjectionInvertsBackProjection() =>
        Gen.Float[0.1f, 9.9f].Array[48].Sample(depths =>
        {
            var cloud = BackProjection.FromDepth(new DepthMap(8, 6, depths), K);
            var uv = BackProjection.ToPixels(cloud, K);
            Span<float> u = new float[cloud.Count], v = new float[cloud.Count];
            BackProjection.ToPixels(cloud, K, u, v);
            for (int j = 0; j < cloud.Count; j++)
            {
                int p = cloud.PixelIndex![j];
                if (Math.Abs(uv[j].U - p % 8) > 1e-4 || Math.Abs(uv[j].V - p / 8) > 1e-4) return false;
                if (Math.Abs(u[j] - p % 8) > 1e-3 || Math.Abs(v[j] - p / 8) > 1e-3) return false;
            }
            return cloud.Count == 48;
        }, iter: 100);
}
