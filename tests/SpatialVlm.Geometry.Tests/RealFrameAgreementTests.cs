using SpatialVlm.Core;
using SpatialVlm.Geometry;
using SpatialVlm.Imaging;

namespace SpatialVlm.Geometry.Tests;

/// <summary>
/// The bench-geometry operations on shared/data/rgbd frame 00000 against Open3D 0.16.1's figures
/// (shared/data/rgbd/README.md): same valid point count; outlier-removal and voxel counts within 1 %;
/// DBSCAN clusters within ±2 of 12; RANSAC plane normal within 3° of (0.342, 0.009, 0.940).
/// </summary>
public class RealFrameAgreementTests
{
    [Fact]
    public void AgreesWithOpen3D()
    {
        var (raw, w, h) = Png16.ReadFile(Synthetic.SharedData("rgbd", "depth", "00000.png"));
        var meters = raw.Select(v => v / 1000f).ToArray();
        var k = new CameraIntrinsics(w, h, 525, 525, 319.5, 239.5);
        var cloud = BackProjection.FromDepth(new DepthMap(w, h, meters), k, 10f);
        Assert.Equal(267129, cloud.Count);

        var kept = StatisticalOutlierRemoval.Apply(cloud, new StatisticalOutlierOptions(50, 1.2));
        Assert.InRange(kept.Count, 238328 * 0.99, 238328 * 1.01);

        var down = VoxelDownsample.Apply(kept, 0.01f);
        Assert.InRange(down.Count, 51890 * 0.99, 51890 * 1.01);

        var clusters = Dbscan.Cluster(down, new DbscanOptions(0.05, 10));
        Assert.InRange(clusters.ClusterCount, 10, 14);

        var plane = RansacPlane.Fit(down, new RansacPlaneOptions(0.05, 3, 1000, 0));
        var open3d = Plane.FromPointNormal(Point3.Zero, new Point3(0.342, 0.009, 0.940));
        Assert.True(plane.Plane.AngleToDegrees(open3d) < 3, $"plane {plane.Plane} is {plane.Plane.AngleToDegrees(open3d):0.0}° off");
        Assert.Equal(2.089, Math.Abs(plane.Plane.D), 0.05);
    }
}
