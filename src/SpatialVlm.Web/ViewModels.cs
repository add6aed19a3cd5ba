namespace SpatialVlm.Web;

// What the JSON API returns: typed views of the files, shaped for the page. Counts are taken from the files as they are.

public sealed record FolderInfo(string Kind, string Root, IReadOnlyList<string> Roots, bool ThreeJsBundled, int MaxPoints);

public sealed record Page<T>(int Total, int Offset, int Limit, IReadOnlyList<T> Items);

public sealed record DatasetSummary(int Images, int UnreadableRecords, int Objects, int Qa, int MissingImages,
    IReadOnlyDictionary<string, int> QaByType, IReadOnlyDictionary<string, int> SkippedObjectsByReason,
    IReadOnlyDictionary<string, int> SkippedQuestionsByReason, int PointsFiles);

/// <summary>One image in the grid; <see cref="Error"/> is set (and the rest empty) when its line could not be read.</summary>
public sealed record RecordCard(int Index, string Id, string Image, string? ImageUrl, bool ImageMissing, int Objects, int Qa, int Skipped, string? Error);

public sealed record MaskView(int Height, int Width, IReadOnlyList<uint> Counts);

public sealed record ObjectView(int Id, string Caption, string Category, string? Name, double[] Center, double[] Size, double Yaw,
    int Points, bool SizeKnown, double MarginScale, double HiddenOutline, bool Truncated, bool ShallowFootprint, MaskView? Mask,
    string? PointsFile, bool PointsFileMissing);

public sealed record QaView(string Type, string Kind, int A, int? B, string? AName, string? BName, string Question, string Answer,
    string Value, bool Uncertain, double MarginScale);

public sealed record SkipView(string Scope, string Id, string Reason);

public sealed record FrameView(bool Canonicalized, string Source, string? Failure, double[][] WorldFromCamera);

public sealed record RecordDetail(int Index, string Id, string Image, string? ImageUrl, bool ImageMissing, string? OverlayUrl, int Width, int Height,
    FrameView Frame, IReadOnlyList<ObjectView> Objects, int QaTotal, IReadOnlyList<QaView> Qa, IReadOnlyList<SkipView> Skipped,
    IReadOnlyDictionary<string, int> SkippedQuestions, string? Perception);

/// <summary>Points of one object, x y z interleaved, in the question frame; <see cref="Kept"/> of <see cref="Total"/> after down-sampling.</summary>
public sealed record ObjectPoints(int Id, int Total, int Kept, float[] Xyz);

public sealed record PointsView(int Index, int MaxPoints, int TotalPoints, int KeptPoints, bool DownSampled,
    IReadOnlyList<ObjectPoints> Objects, IReadOnlyList<string> Problems);

public sealed record BenchmarkFileSummary(string File, int Questions, int Problems, IReadOnlyDictionary<string, int> ByType, IReadOnlyDictionary<string, int> ByKind);

public sealed record BenchmarkItemView(int Index, string Id, string Image, string? ImageUrl, string Type, string Kind, string Question,
    string? A, string? B, string Answer, double? DepthM, string? Error);

public sealed record EvalRunSummary(string Name, string Root, EvalMetricsView Metrics, IReadOnlyList<string> Plots, bool HasReport,
    int Predictions, int Unreadable, IReadOnlyDictionary<string, int> ByType, IReadOnlyList<DepthBinCount> DepthBins, int Right, int Wrong, int NotScored);

public sealed record DepthBinCount(string Label, int Count);

public sealed record EvalMetricsView(int QualitativeN, double QualitativeAccuracy, int QuantitativeN, double OutputNumbers,
    double InRange50To200, double InRange66To150, double InRange75To125, double InRange90To110, double Smape, double MedianAbsRelErr,
    IReadOnlyList<TypeScoreView> ByType);

public sealed record TypeScoreView(string Type, string Kind, int N, double Score);

public sealed record PredictionView(int Index, string Id, string Type, string Kind, string Image, string Question, string Expected,
    double? DepthM, string DepthBin, string? Answer, string Parsed, double? Score, string? Error, double? RelativeError, string Outcome);

public sealed record ComparedPrediction(PredictionView First, PredictionView? Second);

public sealed record ErrorBody(string Error);
