using SpatialVlm.Core;
using SpatialVlm.Questions;

namespace SpatialVlm.Contracts.Dataset;

/// <summary>
/// One image of a dataset (a line of dataset.jsonl, INTERFACES.md): what the engine measured and asked. Every reader
/// (card, LLaVA and Parquet writers, benchmark builder, trainer, viewer) reads this type; only
/// <see cref="DatasetRecordJson"/> touches JSON keys.
/// </summary>
/// <param name="Image">The image file, relative to the dataset folder (e.g. images/scene-000001.png).</param>
/// <param name="SkippedQuestions">Questions not asked, counted by reason.</param>
/// <param name="Perception">What perception decided (filter, depth model, detections and why each was kept or dropped), for photos.</param>
public sealed record DatasetRecord(
    string Id,
    string Image,
    int Width,
    int Height,
    RecordFrame Frame,
    IReadOnlyList<RecordObject> Objects,
    IReadOnlyList<QaItem> Qa,
    IReadOnlyList<RecordSkip> Skipped,
    IReadOnlyDictionary<string, int> SkippedQuestions,
    PerceptionNotes? Perception = null)
{
    public bool Canonicalized => Frame.Canonicalized;

    public RecordObject? Object(int id) => Objects.FirstOrDefault(o => o.Id == id);
}

/// <summary>The frame the questions were asked in and how it was found (known gravity, support mask, RANSAC, or the camera fallback).</summary>
public sealed record RecordFrame(bool Canonicalized, string Source, string? Failure, double? GravityDisagreementDegrees, RigidTransform WorldFromCamera);

/// <summary>
/// One measured object: its caption and the name the questions use (null when it got none, e.g. an ambiguous caption),
/// its upright box in the question frame, its mask, and how certain the engine was of it.
/// </summary>
/// <param name="Points">Points lifted from its mask.</param>
/// <param name="SizeKnown">false when the box is only a lower bound (cut off, largely hidden): no size questions.</param>
/// <param name="MarginScale">≥ 1: how much every margin involving it was widened.</param>
/// <param name="HiddenOutline">Share of its outline next to nearer surfaces or the image edge.</param>
/// <param name="Mask">Its pixels (COCO RLE over the image).</param>
/// <param name="PointsFile">Its denoised points in the question frame (PLY, relative to the dataset folder), when written.</param>
public sealed record RecordObject(
    int Id,
    string Caption,
    string Category,
    string? Name,
    UprightBox Box,
    int Points,
    bool SizeKnown,
    double MarginScale,
    double HiddenOutline,
    bool Truncated,
    bool ShallowFootprint,
    RleMask? Mask,
    string? PointsFile = null);

/// <summary>Something left out of an image (scope object or image) and why.</summary>
public sealed record RecordSkip(string Scope, string Id, string Reason);
