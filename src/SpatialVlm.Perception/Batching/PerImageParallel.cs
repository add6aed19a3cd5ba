using System.Runtime.ExceptionServices;

namespace SpatialVlm.Perception.Batching;

/// <summary>
/// Parallel.For over the images of a batch that rethrows an image's own exception (the first one) instead of an
/// AggregateException: callers (the data engine's per-image failure handling, the CLI's one-line errors) match on
/// the exception's type, and a wrapped one would escape them.
/// </summary>
public static class PerImageParallel
{
    public static void For(int count, Action<int> body)
    {
        try
        {
            Parallel.For(0, count, body);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            ExceptionDispatchInfo.Throw(e.Flatten().InnerExceptions[0]);
        }
    }
}
