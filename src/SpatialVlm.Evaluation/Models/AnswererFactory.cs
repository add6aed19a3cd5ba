using SpatialVlm.Core;

namespace SpatialVlm.Evaluation;

/// <summary>
/// Builds an answerer for a model SPEC. <c>openai</c> is built in; other schemes (oracle, checkpoint, gguf) are
/// registered by whoever can provide them, and an unregistered scheme is a one-line "not available" error.
/// </summary>
public sealed class AnswererFactory
{
    private readonly Dictionary<string, Func<ModelSpec, ISpatialAnswerer>> builders = new(StringComparer.Ordinal);

    public AnswererFactory(OpenAiChatOptions? openAi = null)
    {
        var options = openAi ?? new OpenAiChatOptions();
        Register("openai", spec => new OpenAiChatAnswerer(spec.BaseUrl!, spec.Model!, options));
    }

    /// <summary>Adds or replaces the builder for a scheme (<c>oracle</c>, <c>checkpoint</c>, <c>gguf</c>, <c>openai</c>).</summary>
    public AnswererFactory Register(string scheme, Func<ModelSpec, ISpatialAnswerer> build)
    {
        builders[scheme] = build;
        return this;
    }

    public bool IsAvailable(string scheme) => builders.ContainsKey(scheme);

    public ISpatialAnswerer Create(ModelSpec spec) =>
        builders.TryGetValue(spec.Scheme, out var build) ? build(spec)
            : throw new SpatialVlmException($"model '{spec.Text}': '{spec.Scheme}' models are not available in this build");
}
