using SpatialVlm.Core;

namespace SpatialVlm.Perception.Detectors;

/// <summary>Validation of a detector's text queries.</summary>
internal static class TextQueries
{
    /// <summary>At least one query, none blank; otherwise a one-line error.</summary>
    public static void Check(IReadOnlyList<string> queries)
    {
        if (queries.Count == 0) throw new SpatialVlmException("no text queries: give at least one phrase to detect");
        for (int q = 0; q < queries.Count; q++)
            if (string.IsNullOrWhiteSpace(queries[q])) throw new SpatialVlmException($"query {q} is blank");
    }
}
