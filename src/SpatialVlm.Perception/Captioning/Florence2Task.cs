using SpatialVlm.Core;

namespace SpatialVlm.Perception.Captioning;

/// <summary>The Florence-2 tasks that propose regions with captions.</summary>
public enum Florence2Task
{
    /// <summary>`&lt;OD&gt;`: category names ("car", "door handle").</summary>
    ObjectDetection,
    /// <summary>`&lt;DENSE_REGION_CAPTION&gt;`: short descriptions ("black car"), as FlexCap's region captions in the paper.</summary>
    DenseRegionCaption,
}

public static class Florence2Tasks
{
    /// <summary>The sentence the processor substitutes for the task token; it is what the encoder reads.</summary>
    public static string Prompt(this Florence2Task task) => task switch
    {
        Florence2Task.ObjectDetection => "Locate the objects with category name in the image.",
        Florence2Task.DenseRegionCaption => "Locate the objects in the image, with their descriptions.",
        _ => throw new SpatialVlmException($"unknown Florence-2 task {task}"),
    };

    /// <summary>The task token, as the model card names it.</summary>
    public static string Token(this Florence2Task task) => task switch
    {
        Florence2Task.ObjectDetection => "<OD>",
        Florence2Task.DenseRegionCaption => "<DENSE_REGION_CAPTION>",
        _ => throw new SpatialVlmException($"unknown Florence-2 task {task}"),
    };

    /// <summary>"od" / "&lt;OD&gt;" or "dense" / "&lt;DENSE_REGION_CAPTION&gt;" (case-insensitive).</summary>
    public static Florence2Task Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "od" or "<od>" => Florence2Task.ObjectDetection,
        "dense" or "dense-region-caption" or "<dense_region_caption>" => Florence2Task.DenseRegionCaption,
        _ => throw new SpatialVlmException($"unknown Florence-2 task '{name}'; use od or dense"),
    };
}
