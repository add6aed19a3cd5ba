namespace SpatialVlm.Core.Training;

/// <summary>Whether an example teaches spatial reasoning (the data engine's QA) or general visual QA (the co-training mix).</summary>
public enum ExampleKind { Spatial, General }

/// <summary>One image-question-answer example for training a VLM. Quantities in the answer are plain text ("1.2 meters").</summary>
public sealed record TrainingExample(string Id, RgbImage Image, string Question, string Answer, ExampleKind Kind);
