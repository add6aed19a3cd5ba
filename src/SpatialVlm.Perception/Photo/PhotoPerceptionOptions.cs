using SpatialVlm.Core;

namespace SpatialVlm.Perception.Photo;

/// <summary>Every knob of <see cref="PhotoPerceptionChain"/>, with documented defaults.</summary>
public sealed record PhotoPerceptionOptions
{
    /// <summary>Text queries for the detector (captions come from them). Default: <see cref="EverydayVocabulary.Objects"/>.</summary>
    public IReadOnlyList<string> Queries { get; init; } = EverydayVocabulary.Objects;
    /// <summary>
    /// Queries added internally to find the support surface: a floor mask (else a table's) becomes the observation's
    /// support pixels, so canonicalization fits the plane to them. Detections of these queries become objects only when
    /// the query is also among <see cref="Queries"/> (a table is both). Default floor, table; empty to let RANSAC search all points.
    /// </summary>
    public IReadOnlyList<string> SupportQueries { get; init; } = ["floor", "table"];
    /// <summary>Captions (or their last word, the head noun) that name background, never objects. Default sky, wall, floor, ceiling, ground, road, grass…</summary>
    public IReadOnlyList<string> BackgroundClasses { get; init; } = EverydayVocabulary.Background;
    /// <summary>Masks with fewer pixels than this are dropped (default 50).</summary>
    public int MinMaskPixels { get; init; } = 50;
    /// <summary>Two masks overlapping by more than this IoU are one physical object found twice; the higher score stays (default 0.7).</summary>
    public double DuplicateMaskIou { get; init; } = 0.7;
    /// <summary>Captions whose CLIP text embeddings have cosine similarity at least this name the same kind of thing (default 0.9).</summary>
    public double SameCaptionCosine { get; init; } = 0.9;
    /// <summary>Groups of objects named alike up to this size share one caption (told apart by position later); larger groups are dropped (default <see cref="AmbiguityLimit.DefaultMaxSharingCaption"/>, two, as the paper).</summary>
    public int MaxSharedCaption { get; init; } = AmbiguityLimit.DefaultMaxSharingCaption;
    /// <summary>A support mask needs at least this share of the image's pixels to be used (default 0.02); else RANSAC searches all points.</summary>
    public double MinSupportShare { get; init; } = 0.02;
}

/// <summary>The default detection vocabulary: everyday indoor and outdoor object nouns, and the background classes.</summary>
public static class EverydayVocabulary
{
    public static IReadOnlyList<string> Objects { get; } =
    [
        // furniture and fittings
        "chair", "stool", "table", "desk", "sofa", "bed", "bench", "shelf", "bookshelf", "cabinet", "drawer", "wardrobe",
        "lamp", "mirror", "picture frame", "clock", "rug", "pillow", "curtain", "door", "window",
        // kitchen and table-top
        "mug", "cup", "glass", "bottle", "bowl", "plate", "vase", "plant pot", "potted plant", "can", "jar", "kettle",
        "teapot", "pan", "knife", "fork", "spoon", "cutting board", "toaster", "microwave", "refrigerator", "sink", "oven",
        // electronics
        "laptop", "monitor", "television", "keyboard", "computer mouse", "phone", "remote control", "speaker", "printer",
        // carried and stored things
        "book", "box", "crate", "basket", "bucket", "backpack", "handbag", "suitcase", "umbrella", "toy", "ball",
        "teddy bear", "trash bin", "towel", "shoe", "hat", "guitar",
        // outdoors
        "car", "bicycle", "motorcycle", "bus", "truck", "traffic cone", "cone", "traffic light", "stop sign", "fire hydrant",
        "tree", "person", "dog", "cat", "bird",
    ];

    public static IReadOnlyList<string> Background { get; } =
        ["sky", "wall", "floor", "ceiling", "ground", "road", "street", "sidewalk", "pavement", "grass", "lawn", "field",
         "water", "sea", "ocean", "sand", "snow", "mountain", "hill", "background", "room", "scene"];
}
