using System.Globalization;
using SpatialVlm.Core;
using SpatialVlm.Evaluation;
using SpatialVlm.Questions;

namespace SpatialVlm.Rewards;

/// <summary>What the user said about the camera: decide from the frames (auto), or fixed, or moving.</summary>
public enum CameraChoice { Auto, Fixed, Moving }

/// <summary>Every knob of a reward annotation, passed explicitly.</summary>
public sealed record RewardOptions
{
    /// <summary>The first object's description (e.g. "the gray gripper").</summary>
    public required string A { get; init; }
    /// <summary>The second object's description (e.g. "the red apple").</summary>
    public required string B { get; init; }
    /// <summary>Answers drawn per frame. Default 1.</summary>
    public int Samples { get; init; } = 1;
    public Smoothing Smoothing { get; init; } = Smoothing.Default;
    public CameraChoice Camera { get; init; } = CameraChoice.Auto;
    /// <summary>Frames asked at once. Results do not depend on it. Default 1.</summary>
    public int Workers { get; init; } = 1;
}

/// <summary>
/// Dense reward annotation: for each frame, asks the spatial model the distance between A and B (a typed
/// <see cref="AnswerRequest"/> of type distance, K samples), records the mean and spread, and turns the series into a
/// reward (−distance) and a progress in [0, 1] after smoothing. A frame the model cannot answer (a description matching
/// nothing in it, an answer without a length) is recorded with its reason and leaves a gap; a model that cannot
/// answer at all stops the run.
/// </summary>
public sealed class RewardRunner(ISpatialAnswerer model, string modelName, RewardOptions options)
{
    public const string RewardDefinition = "reward = −distance (meters); smoothed_reward = −smoothed_distance";
    public const string ProgressDefinition = "progress = (max − smoothed_distance) / (max − min) over the sequence's smoothed distances: 0 at the farthest, 1 at the closest (1 everywhere when they are all equal)";

    /// <param name="progress">called as frames finish: (frames done, detail)</param>
    public async Task<RewardRun> RunAsync(FrameSequence sequence, Action<int, string>? progress, CancellationToken ct)
    {
        if (options.Samples < 1) throw new SpatialVlmException("--samples must be at least 1");
        if (options.Workers < 1) throw new SpatialVlmException("--workers must be at least 1");
        if (string.IsNullOrWhiteSpace(options.A) || string.IsNullOrWhiteSpace(options.B)) throw new SpatialVlmException("--a and --b must describe an object each");
        if (sequence.Frames.Count == 0) throw new SpatialVlmException($"{sequence.Source}: no frames");
        var (mode, reason) = DecideCamera(sequence);
        var bound = model is ISequenceAwareAnswerer aware
            ? aware.ForSequence(sequence.Frames.Select(f => f.ImagePath).ToList(), mode, ct)
            : new SequenceAnswerer(model, "the model reads each image on its own (it fits no canonical frame the sequence could share)");
        var a = Phrase(options.A);
        var b = Phrase(options.B);
        var question = $"What is the distance between {a} and {b}?";
        var type = QuestionCatalog.Get("distance");
        var results = new (double? Mean, double? Spread, double[] Samples, string[] Answers, string? Failure)[sequence.Frames.Count];
        int done = 0;
        await Parallel.ForEachAsync(sequence.Frames, new ParallelOptions { MaxDegreeOfParallelism = options.Workers, CancellationToken = ct }, async (frame, token) =>
        {
            var request = new AnswerRequest(frame.ImagePath, question)
            {
                A = new ObjectReference(a), B = new ObjectReference(b), Type = type, Samples = options.Samples,
            };
            results[frame.Index] = await AskAsync(bound.Answerer, request, token).ConfigureAwait(false);
            var n = Interlocked.Increment(ref done);
            progress?.Invoke(n, results[frame.Index].Failure is null ? $"frame {frame.Index}: {results[frame.Index].Mean:0.###} m" : $"frame {frame.Index}: no distance");
        }).ConfigureAwait(false);

        var means = results.Select(r => r.Mean).ToArray();
        var smoothed = options.Smoothing.Apply(means);
        var present = smoothed.Where(v => v is not null).Select(v => v!.Value).ToList();
        if (present.Count == 0)
            throw new SpatialVlmException($"{modelName}: no frame of {sequence.Source} has a distance (frame 0: {results[0].Failure})");
        double max = present.Max(), min = present.Min();
        var frames = sequence.Frames.Select(f =>
        {
            var r = results[f.Index];
            var s = smoothed[f.Index];
            return new RewardFrame(f.Index, ImageName(sequence, f), R(r.Mean), R(r.Spread), r.Samples.Select(v => R(v)!.Value).ToList(), r.Answers, r.Failure,
                R(s), R(-r.Mean), R(-s), s is { } v ? R(max > min ? (max - v) / (max - min) : 1.0) : null);
        }).ToList();
        var failures = frames.Where(f => f.Failure is not null).Select(f => new RewardFailure(f.Index, f.Image, f.Failure!)).ToList();
        return new RewardRun(RewardRun.CurrentSchema, modelName, sequence.Source, sequence.KindName, options.A, options.B, question, options.Samples,
            new RewardCamera(mode == CameraMode.Fixed ? "fixed" : "moving", reason, bound.Frame),
            new RewardSmoothing(options.Smoothing.Name, options.Smoothing.Description), RewardDefinition, ProgressDefinition,
            frames.Count - failures.Count, failures, frames);
    }

    /// <summary>
    /// Fixed unless told otherwise or the frames' scene files give different cameras. Frames of different sizes cannot
    /// come from one fixed camera: a one-line error, unless --camera moving says they do not.
    /// </summary>
    private (CameraMode Mode, string Reason) DecideCamera(FrameSequence sequence)
    {
        var first = sequence.Frames[0];
        switch (options.Camera)
        {
            case CameraChoice.Moving:
                return (CameraMode.Moving, "--camera moving");
            case CameraChoice.Fixed:
                sequence.RequireOneSize();
                return (CameraMode.Fixed, sequence.OneCamera ? "--camera fixed" : "--camera fixed (although the frames' scene files give different camera poses)");
            default:
                sequence.RequireOneSize();
                if (!sequence.OneCamera) return (CameraMode.Moving, "default: the frames' scene files give different camera poses, so each frame gets its own canonical frame");
                var known = sequence.Kind switch
                {
                    FrameSourceKind.SceneSequence => " with the same intrinsics and camera pose (scene files)",
                    FrameSourceKind.Rgbd => " with the RGB-D folder's one intrinsics.json",
                    _ => "",
                };
                return (CameraMode.Fixed, $"default: all {sequence.Frames.Count} frames are {first.Width}x{first.Height}{known}");
        }
    }

    private static async Task<(double? Mean, double? Spread, double[] Samples, string[] Answers, string? Failure)> AskAsync(
        ISpatialAnswerer answerer, AnswerRequest request, CancellationToken ct)
    {
        SpatialAnswer answer;
        try
        {
            answer = await answerer.AnswerAsync(request, ct).ConfigureAwait(false);
        }
        catch (AnswerFailedException e)
        {
            return (null, null, [], [], OneLine(e.Message));
        }
        catch (SpatialVlmException e) when (e is not ModelUnavailableException)
        {
            return (null, null, [], [], OneLine(e.Message));
        }
        var texts = (answer.Samples.Count > 0 ? answer.Samples : [answer.Text]).ToArray();
        var values = texts.Select(LengthParser.ParseMeters).Where(v => v is not null).Select(v => v!.Value).ToArray();
        if (values.Length == 0) return (null, null, [], texts, $"no length in the answer '{Printable.Clip(texts[0], 120)}'");
        var mean = values.Average();
        var spread = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Length);
        return (mean, spread, values, texts, null);
    }

    /// <summary>The description as a question puts it: with an article unless it already has one.</summary>
    private static string Phrase(string text)
    {
        var t = text.Trim();
        return CaptionText.WithoutLeadingArticle(t) == t ? "the " + t : t;
    }

    /// <summary>The frame's image relative to the sequence's folder (a video's decoded frames: the file name).</summary>
    private static string ImageName(FrameSequence sequence, SequenceFrame frame) =>
        sequence.Kind == FrameSourceKind.Video ? Path.GetFileName(frame.ImagePath)
            : Path.GetRelativePath(sequence.Source, frame.ImagePath).Replace('\\', '/');

    private static string OneLine(string message) => Printable.Clip(message.Split('\n')[0].Trim(), 300);

    private static double? R(double? v) => v is { } x ? Math.Round(x, 6) : null;
}
