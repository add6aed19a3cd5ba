using SpatialVlm.Core;

namespace SpatialVlm.Synthesis.Sources;

/// <summary>One unit of input: an id that names the output record, and the seed its randomness derives from.</summary>
public sealed record SourceItem(string Id, long Seed);

/// <summary>
/// A source whose items are unique and whose order is already the output order, listed lazily: a run streams them
/// without collecting, checking or sorting every id first (a billion procedural scenes cost no memory up front).
/// </summary>
public interface IStreamedSource : IObservationSource;

/// <summary>Items i = 0 … count−1 made on demand from their index: a list that holds nothing.</summary>
public sealed class GeneratedItems(int count, Func<int, SourceItem> item) : IReadOnlyList<SourceItem>
{
    public int Count => count;

    public SourceItem this[int index] => (uint)index < (uint)count ? item(index) : throw new ArgumentOutOfRangeException(nameof(index));

    public IEnumerator<SourceItem> GetEnumerator()
    {
        for (int i = 0; i < count; i++) yield return item(i);
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Where observations come from: procedural scenes, scene folders, RGB-D folders, photos.</summary>
public interface IObservationSource
{
    string Description { get; }
    IReadOnlyList<SourceItem> Items { get; }
    /// <summary>Loads one observation. Throws SpatialVlmException with a one-line reason for bad input.</summary>
    Observation Load(SourceItem item);
    /// <summary>The encoded image to store under images/ (PNG or the original file's bytes) and its extension.</summary>
    (byte[] Bytes, string Extension) ImageFile(SourceItem item, Observation loaded);
}
