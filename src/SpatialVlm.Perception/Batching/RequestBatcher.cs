using SpatialVlm.Core;

namespace SpatialVlm.Perception.Batching;

/// <summary>Options of <see cref="RequestBatcher{TIn,TOut}"/>.</summary>
public sealed record RequestBatcherOptions
{
    /// <summary>Requests run together at most (default 4).</summary>
    public int MaxBatch { get; init; } = 4;
    /// <summary>How long the first request of a batch waits for others before running alone (default 20 ms).</summary>
    public TimeSpan MaxWait { get; init; } = TimeSpan.FromMilliseconds(20);

    public RequestBatcherOptions Validated() =>
        MaxBatch < 1 ? throw new SpatialVlmException($"batch size must be at least 1, got {MaxBatch}")
        : MaxWait < TimeSpan.Zero ? throw new SpatialVlmException($"batch wait must not be negative, got {MaxWait}")
        : this;
}

/// <summary>
/// Gathers single requests from many worker threads into batched model calls: a batch runs when it is full or when
/// its first request has waited <see cref="RequestBatcherOptions.MaxWait"/>. The data engine processes one image per
/// worker, so without this every model call would see a batch of one. If a batched call fails, its requests are
/// rerun one by one, so an error is charged to the image that caused it and not to its batch mates.
/// </summary>
public sealed class RequestBatcher<TIn, TOut>
{
    private sealed class Pending(TIn input)
    {
        public TIn Input { get; } = input;
        public bool Claimed;
        public TOut? Result;
        public Exception? Error;
        public readonly ManualResetEventSlim Done = new();
    }

    private readonly Func<IReadOnlyList<TIn>, IReadOnlyList<TOut>> runBatch;
    private readonly RequestBatcherOptions options;
    private readonly object gate = new();
    private List<Pending> open = [];
    private long batches;

    public RequestBatcher(Func<IReadOnlyList<TIn>, IReadOnlyList<TOut>> runBatch, RequestBatcherOptions? options = null)
    {
        this.runBatch = runBatch;
        this.options = (options ?? new RequestBatcherOptions()).Validated();
    }

    /// <summary>Batched model calls made so far.</summary>
    public long Batches => Interlocked.Read(ref batches);

    /// <summary>Runs one request, possibly together with other threads' requests; blocks until its result is ready.</summary>
    public TOut Run(TIn input)
    {
        var mine = new Pending(input);
        List<Pending>? toRun = null;
        lock (gate)
        {
            open.Add(mine);
            if (open.Count >= options.MaxBatch) toRun = Claim();
            else
            {
                var deadline = DateTime.UtcNow + options.MaxWait;
                while (!mine.Claimed)
                {
                    var left = deadline - DateTime.UtcNow;
                    if (left <= TimeSpan.Zero) { toRun = Claim(); break; }
                    Monitor.Wait(gate, left);
                }
            }
        }
        if (toRun != null) Execute(toRun);
        mine.Done.Wait();
        mine.Done.Dispose();
        if (mine.Error != null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(mine.Error);
        return mine.Result!;
    }

    /// <summary>Takes every open request as one batch (called under the lock) and wakes the waiters it took.</summary>
    private List<Pending> Claim()
    {
        var batch = open;
        open = [];
        foreach (var p in batch) p.Claimed = true;
        Monitor.PulseAll(gate);
        return batch;
    }

    private void Execute(List<Pending> batch)
    {
        Interlocked.Increment(ref batches);
        try
        {
            var results = runBatch(batch.Select(p => p.Input).ToArray());
            if (results.Count != batch.Count)
                throw new InvalidOperationException($"a batch of {batch.Count} requests returned {results.Count} results");
            for (int i = 0; i < batch.Count; i++) batch[i].Result = results[i];
        }
        catch (Exception) when (batch.Count > 1)
        {
            foreach (var p in batch) RunAlone(p);
        }
        catch (Exception e)
        {
            batch[0].Error = e;
        }
        foreach (var p in batch) p.Done.Set();
    }

    private void RunAlone(Pending p)
    {
        Interlocked.Increment(ref batches);
        try { p.Result = runBatch([p.Input])[0]; }
        catch (Exception e) { p.Error = e; }
    }
}
