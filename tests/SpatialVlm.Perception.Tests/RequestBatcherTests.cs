using System.Collections.Concurrent;
using SpatialVlm.Core;
using SpatialVlm.Perception.Batching;
using SpatialVlm.Perception.Depth;
using static SpatialVlm.Perception.Tests.TestImages;

namespace SpatialVlm.Perception.Tests;

public sealed class RequestBatcherTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), $"svlm-batch-{Guid.NewGuid():N}");

    public RequestBatcherTests() => Directory.CreateDirectory(dir);
    public void Dispose() { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }

    [Fact]
    public void EveryRequestGetsItsOwnResultAndBatchesStayWithinTheLimit()
    {
        var sizes = new ConcurrentBag<int>();
        var batcher = new RequestBatcher<int, int>(xs => { sizes.Add(xs.Count); return xs.Select(x => x * 3 + 1).ToArray(); },
            new RequestBatcherOptions { MaxBatch = 3, MaxWait = TimeSpan.FromMilliseconds(5) });
        var results = new int[400];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => results[i] = batcher.Run(i));
        for (int i = 0; i < results.Length; i++) Assert.Equal(i * 3 + 1, results[i]);
        Assert.All(sizes, s => Assert.InRange(s, 1, 3));
        Assert.Equal(results.Length, sizes.Sum());
        Assert.Equal(sizes.Count, batcher.Batches);
    }

    [Fact]
    public void ConcurrentRequestsShareOneCall()
    {
        // The first arrival waits up to 10 s; the fourth fills the batch, so all four run in exactly one call.
        var sizes = new ConcurrentBag<int>();
        var batcher = new RequestBatcher<int, int>(xs => { sizes.Add(xs.Count); return xs.ToArray(); },
            new RequestBatcherOptions { MaxBatch = 4, MaxWait = TimeSpan.FromSeconds(10) });
        using var start = new Barrier(4);
        var threads = Enumerable.Range(0, 4).Select(i => new Thread(() => { start.SignalAndWait(); Assert.Equal(i, batcher.Run(i)); })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        Assert.Equal([4], sizes.ToArray());
    }

    [Fact]
    public void ALoneRequestRunsWhenItsWaitIsOver()
    {
        var batcher = new RequestBatcher<int, int>(xs => xs.Select(x => -x).ToArray(), new RequestBatcherOptions { MaxBatch = 8, MaxWait = TimeSpan.FromMilliseconds(30) });
        Assert.Equal(-5, batcher.Run(5));
        Assert.Equal(1, batcher.Batches);
    }

    [Fact]
    public void AFailingRequestDoesNotFailItsBatchMates()
    {
        var batcher = new RequestBatcher<int, int>(xs => xs.Any(x => x < 0) ? throw new SpatialVlmException("negative input") : xs.Select(x => x * 2).ToArray(),
            new RequestBatcherOptions { MaxBatch = 4, MaxWait = TimeSpan.FromSeconds(10) });
        using var start = new Barrier(4);
        var outcomes = new ConcurrentDictionary<int, string>();
        var threads = new[] { 1, -1, 2, 3 }.Select(x => new Thread(() =>
        {
            start.SignalAndWait();
            try { outcomes[x] = batcher.Run(x).ToString(); }
            catch (SpatialVlmException e) { outcomes[x] = e.Message; }
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        Assert.Equal("2", outcomes[1]);
        Assert.Equal("negative input", outcomes[-1]);
        Assert.Equal("4", outcomes[2]);
        Assert.Equal("6", outcomes[3]);
        Assert.Equal(5, batcher.Batches); // the failed batch of four, then each request alone
    }

    [Fact]
    public void BadOptionsAreRefused()
    {
        Assert.Throws<SpatialVlmException>(() => new RequestBatcher<int, int>(xs => xs.ToArray(), new RequestBatcherOptions { MaxBatch = 0 }));
        Assert.Throws<SpatialVlmException>(() => new RequestBatcher<int, int>(xs => xs.ToArray(), new RequestBatcherOptions { MaxWait = TimeSpan.FromSeconds(-1) }));
    }

    [Fact]
    public void BatchedDepthMatchesOneByOneDepthThroughOnnxRuntime()
    {
        // Depth Anything V2 signature: depth = mean over normalised channels + 2, so each image's depth depends on its colour.
        var model = new TinyOnnx()
            .Input("image", TinyOnnx.Float, "batch", 3, "height", "width")
            .Output("depth", TinyOnnx.Float, "batch", "height", "width")
            .FloatConstant("o", [], 2f)
            .Node("ReduceMean", ["image"], ["m"], TinyOnnx.Ints("axes", 1), TinyOnnx.Int("keepdims", 0))
            .Node("Add", ["m", "o"], ["depth"])
            .Save(Path.Combine(dir, "da.onnx"));
        using var estimator = new MetricDepthEstimator(model, DepthExport.DepthAnythingV2Metric);
        var batched = new BatchedDepthEstimator(estimator, new RequestBatcherOptions { MaxBatch = 3, MaxWait = TimeSpan.FromSeconds(10) });
        var images = new[] { (byte)40, (byte)128, (byte)220 }.Select(v => Solid(32, 24, v)).ToArray();
        var expected = images.Select(i => estimator.Estimate(i).Depth.Meters.ToArray()).ToArray();
        var got = new float[3][];
        using var start = new Barrier(3);
        var threads = Enumerable.Range(0, 3).Select(i => new Thread(() => { start.SignalAndWait(); got[i] = batched.Estimate(images[i]).Depth.Meters.ToArray(); })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        Assert.Equal(1, batched.Batches);
        for (int i = 0; i < 3; i++) Assert.Equal(expected[i], got[i]);
        Assert.NotEqual(got[0][0], got[2][0]);
    }

    /// <summary>Records how images reach the backend; each image's detection carries its width so results can be traced.</summary>
    private sealed class RecordingDetector : SpatialVlm.Perception.Photo.IObjectDetector
    {
        public ConcurrentBag<int> BatchSizes { get; } = [];
        public string Name => "recording";
        public IReadOnlyList<SpatialVlm.Perception.Photo.Detection> Detect(RgbImage image, IReadOnlyList<string> queries) => Detect([image], queries)[0];
        public IReadOnlyList<IReadOnlyList<SpatialVlm.Perception.Photo.Detection>> Detect(IReadOnlyList<RgbImage> images, IReadOnlyList<string> queries)
        {
            BatchSizes.Add(images.Count);
            return images.Select(i => (IReadOnlyList<SpatialVlm.Perception.Photo.Detection>)[new(new(0, 0, i.Width, i.Height), 1, 0, queries[0])]).ToArray();
        }
        public void Dispose() { }
    }

    [Fact]
    public void DetectionsOfOneQueryListAreBatchedAndOtherListsRunAlone()
    {
        var inner = new RecordingDetector();
        var detector = new BatchedObjectDetector(inner, new RequestBatcherOptions { MaxBatch = 3, MaxWait = TimeSpan.FromSeconds(10) });
        string[] shared = ["mug"];
        var got = new string[3];
        using var start = new Barrier(3);
        var threads = Enumerable.Range(0, 3).Select(i => new Thread(() =>
        {
            start.SignalAndWait();
            var d = detector.Detect(Solid(10 + i, 8, 0), shared).Single();
            got[i] = $"{d.Label}:{d.Box.X1}";
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        Assert.Equal(["mug:10", "mug:11", "mug:12"], got);
        Assert.Equal([3], inner.BatchSizes.ToArray());

        // Different query lists in one batch are not merged: each image is detected with its own queries.
        var mixed = new RecordingDetector();
        var detector2 = new BatchedObjectDetector(mixed, new RequestBatcherOptions { MaxBatch = 2, MaxWait = TimeSpan.FromSeconds(10) });
        var labels = new string[2];
        using var start2 = new Barrier(2);
        var pair = new[] { "cup", "lamp" }.Select((q, i) => new Thread(() => { start2.SignalAndWait(); labels[i] = detector2.Detect(Solid(5, 5, 0), [q]).Single().Label; })).ToArray();
        foreach (var t in pair) t.Start();
        foreach (var t in pair) t.Join();
        Assert.Equal(["cup", "lamp"], labels);
        Assert.Equal([1, 1], mixed.BatchSizes.ToArray());
    }
}
