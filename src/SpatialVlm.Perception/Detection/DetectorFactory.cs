using SpatialVlm.Core;
using SpatialVlm.Perception.Models;
using SpatialVlm.Perception.Onnx;
using SpatialVlm.Perception.Photo;

namespace SpatialVlm.Perception.Detectors;

/// <summary>Opens any registered detector by catalog name, dispatching on its export.</summary>
public static class DetectorFactory
{
    /// <summary>Exports with a detector backend.</summary>
    public static IReadOnlyList<string> Exports { get; } = [.. OwlExport.All.Select(e => e.Name), "grounding-dino"];

    /// <summary>
    /// The detector for a registered model; a missing download is a one-line error naming `models pull`. Null options
    /// give the backend's defaults; shared <see cref="DetectorOptions"/> given for Grounding DINO are used as they are
    /// (thresholds included) with the default text threshold. A session given replaces the options' session
    /// (with the backend's default thresholds when no options are given).
    /// </summary>
    public static IObjectDetector Open(ModelStore store, string name, DetectorOptions? options = null, OnnxSessionOptions? session = null)
    {
        var entry = store.Find(name);
        if (entry.Role != ModelRole.Detector) throw new SpatialVlmException($"model '{name}' is a {entry.Role} model, not a detector");
        return entry.Export switch
        {
            "grounding-dino" => GroundingDinoDetector.Open(store, name, WithSession(options switch
            {
                null => session is null ? null : new GroundingDinoOptions(),
                GroundingDinoOptions g => g,
                _ => new GroundingDinoOptions(options),
            }, session)),
            var e when OwlExport.All.Any(o => o.Name == e) => OwlDetector.Open(store, name, WithSession(options ?? (session is null ? null : new DetectorOptions()), session)),
            _ => throw new SpatialVlmException($"model '{name}' ({entry.Export}) has no detector backend; supported: {string.Join(", ", Exports)}"),
        };
    }

    private static T? WithSession<T>(T? options, OnnxSessionOptions? session) where T : DetectorOptions =>
        options is null || session is null ? options : (T)(options with { Session = session });
}
