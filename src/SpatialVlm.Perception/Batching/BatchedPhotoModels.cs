using SpatialVlm.Core;
using SpatialVlm.Perception.Clip;
using SpatialVlm.Perception.Depth;
using SpatialVlm.Perception.Photo;

namespace SpatialVlm.Perception.Batching;

/// <summary>Metric depth whose single-image calls from concurrent workers are merged into batched inference.</summary>
public sealed class BatchedDepthEstimator(MetricDepthEstimator estimator, RequestBatcherOptions? options = null) : IDepthEstimator
{
    private readonly RequestBatcher<DepthRequest, DepthEstimate> batcher = new(estimator.Estimate, options);

    public string Name => estimator.Name;
    public long Batches => batcher.Batches;
    public DepthEstimate Estimate(RgbImage image, CameraIntrinsics? intrinsics = null) => batcher.Run(new DepthRequest(image, intrinsics));
}

/// <summary>The CLIP scene filter with concurrent workers' images embedded in one batch.</summary>
public sealed class BatchedSceneFilter(ClipSceneFilter filter, RequestBatcherOptions? options = null) : ISceneFilter
{
    private readonly RequestBatcher<RgbImage, SceneFilterDecision> batcher = new(filter.Decide, options);

    public string Name => filter.Name;
    public long Batches => batcher.Batches;
    public SceneFilterDecision Decide(RgbImage image) => batcher.Run(image);
}
