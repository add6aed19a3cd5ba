namespace SpatialVlm.Perception.Photo;

/// <summary>Intersection over union of two masks given as sorted pixel-index arrays (a linear merge; no image-sized buffer).</summary>
public static class MaskOverlap
{
    public static double Iou(ReadOnlySpan<int> sortedA, ReadOnlySpan<int> sortedB)
    {
        if (sortedA.Length == 0 || sortedB.Length == 0) return 0;
        if (sortedA[^1] < sortedB[0] || sortedB[^1] < sortedA[0]) return 0;
        int i = 0, j = 0, inter = 0;
        while (i < sortedA.Length && j < sortedB.Length)
        {
            int a = sortedA[i], b = sortedB[j];
            if (a == b) { inter++; i++; j++; }
            else if (a < b) i++;
            else j++;
        }
        return (double)inter / (sortedA.Length + sortedB.Length - inter);
    }
}
