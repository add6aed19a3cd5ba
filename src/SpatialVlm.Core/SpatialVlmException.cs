namespace SpatialVlm.Core;

/// <summary>A user-facing failure: its message is the one-line reason the CLI prints.</summary>
public class SpatialVlmException(string message, Exception? inner = null) : Exception(message, inner);
