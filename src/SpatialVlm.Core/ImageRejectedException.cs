namespace SpatialVlm.Core;

/// <summary>
/// An image perception looked at and turned down (scene filter, no usable objects). It carries the decoded image and
/// the perception notes gathered so far, so a run can still draw what was seen and why it was rejected.
/// </summary>
public sealed class ImageRejectedException(string message, RgbImage image, PerceptionNotes? perception) : SpatialVlmException(message)
{
    public RgbImage Image { get; } = image;
    public PerceptionNotes? Perception { get; } = perception;
}
