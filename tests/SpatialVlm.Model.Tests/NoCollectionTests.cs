namespace SpatialVlm.Model.Tests;

/// <summary>
/// The guard around TorchSharp's optimizer step: TorchSharp frees a Scalar in its finalizer and AdamW passes temporaries
/// to native calls, so a collection triggered by allocation mid-step crashed long runs at random ("Unknown scalar type").
/// Inside the guard, allocation triggers no collection; outside it, the same allocation does.
/// </summary>
public sealed class NoCollectionTests
{
    private static object? sink;

    private static int CollectionsWhileAllocating(long bytes)
    {
        var before = GC.CollectionCount(0);
        for (long allocated = 0; allocated < bytes; allocated += 1024) sink = new byte[1000];
        return GC.CollectionCount(0) - before;
    }

    [Fact]
    public void Allocation_inside_the_guard_triggers_no_collection_and_outside_it_does()
    {
        const long plenty = 1L << 30;
        Assert.True(CollectionsWhileAllocating(plenty) > 0, "the control: a gigabyte of garbage should collect at least once");
        int inside;
        using (new NoCollection()) inside = CollectionsWhileAllocating(NoCollection.Budget / 2);
        Assert.Equal(0, inside);
        // The region has ended: allocation collects again.
        Assert.True(CollectionsWhileAllocating(plenty) > 0);
    }
}
