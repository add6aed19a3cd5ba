using SpatialVlm.Core;

namespace SpatialVlm.Evaluation;

/// <summary>
/// A model SPEC of INTERFACES.md: <c>oracle</c>, <c>checkpoint:PATH</c>, <c>openai:BASE_URL#MODEL</c>,
/// <c>gguf:MODEL.gguf+MMPROJ.gguf</c>. <see cref="Scheme"/> is the part before the colon (or <c>oracle</c>).
/// </summary>
public sealed record ModelSpec(string Scheme, string Text)
{
    /// <summary>checkpoint: the checkpoint path.</summary>
    public string? Path { get; init; }
    /// <summary>openai: the server's base URL, e.g. http://localhost:8000/v1.</summary>
    public Uri? BaseUrl { get; init; }
    /// <summary>openai: the model name sent with each request.</summary>
    public string? Model { get; init; }
    /// <summary>gguf: the language model file.</summary>
    public string? GgufModel { get; init; }
    /// <summary>gguf: the multimodal projector file.</summary>
    public string? GgufProjector { get; init; }

    public override string ToString() => Text;

    public static ModelSpec Parse(string spec)
    {
        var s = spec.Trim();
        if (s == "oracle") return new("oracle", s);
        var colon = s.IndexOf(':');
        var scheme = colon > 0 ? s[..colon] : "";
        var rest = colon > 0 ? s[(colon + 1)..] : "";
        switch (scheme)
        {
            case "checkpoint":
                if (rest.Length == 0) throw Bad(spec, "checkpoint:PATH needs a path");
                return new(scheme, s) { Path = rest };
            case "openai":
                var hash = rest.LastIndexOf('#');
                if (hash <= 0 || hash == rest.Length - 1) throw Bad(spec, "openai:BASE_URL#MODEL needs both a base URL and a model name");
                if (!Uri.TryCreate(rest[..hash], UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
                    throw Bad(spec, $"'{rest[..hash]}' is not an http(s) URL");
                return new(scheme, s) { BaseUrl = url, Model = rest[(hash + 1)..] };
            case "gguf":
                var split = rest.IndexOf(".gguf+", StringComparison.OrdinalIgnoreCase);
                if (split <= 0 || !rest.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase) || split + 6 >= rest.Length)
                    throw Bad(spec, "gguf:MODEL.gguf+MMPROJ.gguf needs a model file and a projector file");
                return new(scheme, s) { GgufModel = rest[..(split + 5)], GgufProjector = rest[(split + 6)..] };
            default:
                throw Bad(spec, "expected oracle, checkpoint:PATH, openai:BASE_URL#MODEL or gguf:MODEL.gguf+MMPROJ.gguf");
        }
    }

    private static SpatialVlmException Bad(string spec, string why) => new($"model '{spec}': {why}");
}
