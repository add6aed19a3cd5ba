namespace SpatialVlm.Contracts.Answering;

/// <summary>
/// How the camera of a frame sequence moves. <see cref="Fixed"/>: one camera pose for every frame (an overhead or
/// third-person robot camera), so a model that reconstructs 3D estimates one canonical frame for the whole sequence;
/// <see cref="Moving"/>: the pose changes per frame (a wrist camera), so each image gets its own frame.
/// </summary>
public enum CameraMode { Fixed, Moving }

/// <summary>An answerer bound to one frame sequence, and what it decided about the sequence's frame (for the output).</summary>
/// <param name="Frame">e.g. "one canonical frame estimated on frame 0000 (source known), shared by 20 frames"</param>
public sealed record SequenceAnswerer(ISpatialAnswerer Answerer, string Frame);

/// <summary>
/// A model that reconstructs the images it is asked about (the oracle) and can treat a sequence as one scene seen by
/// one camera: with <see cref="CameraMode.Fixed"/> the canonical frame is estimated once over the sequence, so
/// per-frame plane fits cannot make a curve over the frames jitter. Models that read pixels only need not implement it.
/// </summary>
public interface ISequenceAwareAnswerer : ISpatialAnswerer
{
    /// <param name="imagePaths">every frame of the sequence, in order</param>
    SequenceAnswerer ForSequence(IReadOnlyList<string> imagePaths, CameraMode camera, CancellationToken ct);
}
