namespace SpatialVlm.Perception.Captioning;

/// <summary>
/// The no-repeat-n-gram rule of Hugging Face generation: a token that would complete an n-gram already present in the
/// sequence (decoder start token included) gets logit −∞.
/// </summary>
public static class NoRepeatNgram
{
    public static void Ban(ReadOnlySpan<int> sequence, int n, Span<float> logits)
    {
        if (n <= 0 || sequence.Length + 1 < n) return;
        var prefix = sequence[^(n - 1)..];
        for (int start = 0; start + n <= sequence.Length; start++)
        {
            if (!sequence.Slice(start, n - 1).SequenceEqual(prefix)) continue;
            int banned = sequence[start + n - 1];
            if ((uint)banned < (uint)logits.Length) logits[banned] = float.NegativeInfinity;
        }
    }
}
