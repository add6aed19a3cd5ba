using SpatialVlm.Core;
using SpatialVlm.Synthesis.Sources;

namespace SpatialVlm.Synthesis.Sharding;

/// <summary>
/// A source whose every load first waits a stated time, standing in for a perception model call on a GPU (the
/// scaling experiment's `--simulate-model-ms`). The wait is a sleep, not work: it holds no core, as a process
/// waiting on its GPU would not. Records are unchanged.
/// </summary>
public class SimulatedModelSource : IObservationSource, IFingerprinted
{
    private readonly IObservationSource inner;
    private readonly TimeSpan delay;

    private SimulatedModelSource(IObservationSource inner, TimeSpan delay) => (this.inner, this.delay) = (inner, delay);

    /// <summary>Wraps <paramref name="inner"/>, keeping it a streamed source when it is one (so item order is unchanged).</summary>
    public static IObservationSource Wrap(IObservationSource inner, TimeSpan delay) =>
        inner is IStreamedSource ? new Streamed(inner, delay) : new SimulatedModelSource(inner, delay);

    public string Description => $"{inner.Description} (+{delay.TotalMilliseconds:0} ms simulated model time per image)";
    public IReadOnlyList<SourceItem> Items => inner.Items;
    public string Fingerprint => inner is IFingerprinted f ? f.Fingerprint : ConfigFields.Hash(new Dictionary<string, string> { ["source"] = inner.Description });

    public Observation Load(SourceItem item)
    {
        Thread.Sleep(delay);
        return inner.Load(item);
    }

    public (byte[] Bytes, string Extension) ImageFile(SourceItem item, Observation loaded) => inner.ImageFile(item, loaded);

    private sealed class Streamed(IObservationSource inner, TimeSpan delay) : SimulatedModelSource(inner, delay), IStreamedSource;
}
