using System.Runtime;

namespace SpatialVlm.Model;

/// <summary>
/// A stretch of code during which the garbage collector does not run (GC.TryStartNoGCRegion), so no finalizer can free a
/// native object that code still uses. TorchSharp's Scalar frees its native value in a finalizer, and its optimizers and
/// clipping pass Scalars as temporaries to native calls; this closes that window. If the budget is exceeded the runtime
/// ends the region itself and Dispose leaves it alone.
/// </summary>
internal sealed class NoCollection : IDisposable
{
    /// <summary>Managed bytes the stretch may allocate (wrappers and Scalars of one optimizer step need far less).</summary>
    public const long Budget = 32L << 20;

    private readonly bool started;

    public NoCollection() => started = GCSettings.LatencyMode != GCLatencyMode.NoGCRegion && GC.TryStartNoGCRegion(Budget);

    public void Dispose()
    {
        if (started && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) GC.EndNoGCRegion();
    }
}
