using SpatialVlm.Core;

namespace SpatialVlm.Model;

/// <summary>A model, checkpoint or configuration failure whose message is the one-line reason the CLI prints.</summary>
public class ModelException(string message, Exception? inner = null) : SpatialVlmException(message, inner);

/// <summary>A checkpoint that cannot be used: truncated, corrupt, or made for another configuration.</summary>
public sealed class CheckpointException(string message, Exception? inner = null) : ModelException(message, inner);
