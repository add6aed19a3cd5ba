using SpatialVlm.Core.Training;

namespace SpatialVlm.Model;

/// <summary>A position in a re-enumerable example stream: completed passes and the index within the current pass.</summary>
public sealed record StreamPosition(long Pass, long Index);

/// <summary>Everything a sampler needs to continue exactly where it stopped.</summary>
public sealed record MixtureSamplerState(
    ulong RandomState,
    StreamPosition Spatial,
    StreamPosition General,
    long SpatialTokens,
    long GeneralTokens,
    long SpatialExamples,
    long GeneralExamples);

/// <summary>
/// Draws from a spatial and a general example stream so that spatial examples make up a target share of TOKENS
/// (the paper trains with 5 %). Each draw picks spatial with probability q = t·Lg / (t·Lg + (1−t)·Ls), where Ls and Lg are
/// the running mean token counts of the two streams, which makes the expected token share t. Seeded; streams restart
/// when exhausted, and must enumerate in the same order every time (a resumed run re-enumerates and skips ahead).
/// </summary>
public sealed class MixtureSampler : IDisposable
{
    private readonly ExampleCursor spatial;
    private readonly ExampleCursor? general;
    private readonly double spatialTokenShare;
    private readonly Func<TrainingExample, int> tokenCount;
    private readonly SeededRandom random;
    private long spatialTokens, generalTokens, spatialExamples, generalExamples;

    public MixtureSampler(IEnumerable<TrainingExample> spatialExamples, IEnumerable<TrainingExample>? generalExamples,
        double spatialTokenShare, ulong seed, Func<TrainingExample, int> tokenCount, MixtureSamplerState? resumeFrom = null)
    {
        if (!(spatialTokenShare is >= 0 and <= 1)) throw new ModelException($"spatial token share must lie in [0, 1], not {spatialTokenShare}");
        // Without a general stream every token is spatial.
        this.spatialTokenShare = generalExamples is null ? 1.0 : spatialTokenShare;
        this.tokenCount = tokenCount;
        spatial = new ExampleCursor(spatialExamples, "spatial", resumeFrom?.Spatial);
        general = generalExamples is null ? null : new ExampleCursor(generalExamples, "general", resumeFrom?.General);
        random = new SeededRandom(resumeFrom?.RandomState ?? seed);
        if (resumeFrom is not null)
        {
            spatialTokens = resumeFrom.SpatialTokens; generalTokens = resumeFrom.GeneralTokens;
            this.spatialExamples = resumeFrom.SpatialExamples; this.generalExamples = resumeFrom.GeneralExamples;
        }
    }

    public MixtureSamplerState State => new(random.State, spatial.Position, general?.Position ?? new StreamPosition(0, 0),
        spatialTokens, generalTokens, spatialExamples, generalExamples);

    /// <summary>Spatial tokens / all tokens drawn so far (NaN before the first draw).</summary>
    public double SpatialTokenShareSoFar => (double)spatialTokens / (spatialTokens + generalTokens);

    public TrainingExample Next()
    {
        var u = random.NextDouble();   // drawn every time so the random sequence does not depend on the share
        bool pickSpatial;
        if (spatialTokenShare >= 1 || general is null) pickSpatial = true;
        else if (spatialTokenShare <= 0) pickSpatial = false;
        else
        {
            // Before a stream has been seen its mean length is unknown: assume the other's (or 1).
            double meanSpatial = spatialExamples > 0 ? (double)spatialTokens / spatialExamples : generalExamples > 0 ? (double)generalTokens / generalExamples : 1;
            double meanGeneral = generalExamples > 0 ? (double)generalTokens / generalExamples : meanSpatial;
            var q = spatialTokenShare * meanGeneral / (spatialTokenShare * meanGeneral + (1 - spatialTokenShare) * meanSpatial);
            pickSpatial = u < q;
        }
        var example = pickSpatial ? spatial.Next() : general!.Next();
        var tokens = tokenCount(example);
        if (pickSpatial) { spatialTokens += tokens; spatialExamples++; }
        else { generalTokens += tokens; generalExamples++; }
        return example;
    }

    public void Dispose()
    {
        spatial.Dispose();
        general?.Dispose();
    }

    /// <summary>Endless enumeration over a re-enumerable stream that knows its position.</summary>
    private sealed class ExampleCursor : IDisposable
    {
        private readonly IEnumerable<TrainingExample> source;
        private readonly string name;
        private IEnumerator<TrainingExample> enumerator;
        private long pass, index;

        public ExampleCursor(IEnumerable<TrainingExample> source, string name, StreamPosition? start)
        {
            this.source = source;
            this.name = name;
            enumerator = source.GetEnumerator();
            pass = start?.Pass ?? 0;
            for (long i = 0; i < (start?.Index ?? 0); i++)
                if (!enumerator.MoveNext()) throw new ModelException($"the {name} example stream has fewer than {start!.Index} examples, so the run cannot resume where it stopped");
            index = start?.Index ?? 0;
        }

        public StreamPosition Position => new(pass, index);

        public TrainingExample Next()
        {
            if (!enumerator.MoveNext())
            {
                if (index == 0) throw new ModelException($"the {name} example stream is empty");
                enumerator.Dispose();
                enumerator = source.GetEnumerator();
                pass++;
                index = 0;
                if (!enumerator.MoveNext()) throw new ModelException($"the {name} example stream is empty on pass {pass + 1}");
            }
            index++;
            return enumerator.Current;
        }

        public void Dispose() => enumerator.Dispose();
    }
}
