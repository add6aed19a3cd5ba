namespace SpatialVlm.Perception.Photo;

/// <summary>
/// Which captions name the same kind of thing: captions are linked when the cosine similarity of their (unit-length)
/// text embeddings reaches the threshold, and groups are the connected components of those links (union-find), so
/// "cup" ~ "mug" ~ "coffee mug" form one group even if "cup" and "coffee mug" fall just under the threshold.
/// </summary>
public static class CaptionGroups
{
    /// <summary>Group index per item (0-based, numbered in order of first appearance), from each item's caption.</summary>
    public static int[] Assign(IReadOnlyList<string> captions, ITextEmbedder embedder, double threshold)
    {
        var distinct = captions.Distinct(StringComparer.Ordinal).ToList();
        var embeds = distinct.Count == 0 ? [] : embedder.Embed(distinct);
        if (embeds.Length != distinct.Count)
            throw new Core.SpatialVlmException($"text embedder returned {embeds.Length} embeddings for {distinct.Count} captions");
        var parent = Enumerable.Range(0, distinct.Count).ToArray();
        int Find(int x) { while (parent[x] != x) x = parent[x] = parent[parent[x]]; return x; }
        for (int a = 0; a < distinct.Count; a++)
            for (int b = a + 1; b < distinct.Count; b++)
                if (System.Numerics.Tensors.TensorPrimitives.Dot<float>(embeds[a], embeds[b]) >= threshold)
                    parent[Find(b)] = Find(a);
        var index = distinct.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        var number = new Dictionary<int, int>();
        return captions.Select(c =>
        {
            var root = Find(index[c]);
            if (!number.TryGetValue(root, out var n)) number[root] = n = number.Count;
            return n;
        }).ToArray();
    }
}
