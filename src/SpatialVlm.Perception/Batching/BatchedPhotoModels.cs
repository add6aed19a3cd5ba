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

/// <summary>
/// A detector whose single-image calls from concurrent workers are batched. Only calls with the same query list share
/// a batch (the photo chain always sends its one list); a call with other queries runs on its own.
/// </summary>
public sealed class BatchedObjectDetector(IObjectDetector detector, RequestBatcherOptions? options = null) : IObjectDetector
{
    private readonly RequestBatcher<(RgbImage Image, IReadOnlyList<string> Queries), IReadOnlyList<Detection>> batcher =
        new(requests => requests.All(r => ReferenceEquals(r.Queries, requests[0].Queries))
            ? detector.Detect(requests.Select(r => r.Image).ToArray(), requests[0].Queries)
            : requests.Select(r => detector.Detect(r.Image, r.Queries)).ToArray(), options);

    public string Name => detector.Name;
    public long Batches => batcher.Batches;
    public IReadOnlyList<Detection> Detect(RgbImage image, IReadOnlyList<string> queries) => batcher.Run((image, queries));
    public void Dispose() => detector.Dispose();
}
