using System.Diagnostics;
using LLama;
using LLama.Exceptions;
using LLama.Native;
using SpatialVlm.Core;
using SpatialVlm.Imaging;

namespace SpatialVlm.Evaluation.Gguf;

/// <summary>
/// The <c>gguf:MODEL.gguf+MMPROJ.gguf</c> model SPEC: a local llama.cpp vision-language model (a language model and
/// its multimodal projector) through LLamaSharp's mtmd API. The model is loaded once and answers one question at a
/// time (one KV cache, cleared between questions): the image is decoded here, spliced into the prompt at the media
/// marker, encoded by the projector, and the answer generated greedily, so a rerun gives the same answers.
/// </summary>
public sealed class GgufVlmAnswerer : ISpatialAnswerer, IDisposable
{
    private readonly GgufTextModel text;
    private readonly MtmdWeights projector;
    private readonly GgufVlmOptions options;
    private readonly string marker;
    // The model's chat template when llama.cpp can apply it; null means LLaVA's format (auto) or an error (template).
    private readonly Func<string?, string, string>? applyTemplate;
    private readonly SemaphoreSlim oneAtATime = new(1, 1);

    private GgufVlmAnswerer(GgufTextModel text, MtmdWeights projector, string marker, Func<string?, string, string>? applyTemplate, GgufVlmOptions options)
    {
        this.text = text;
        this.projector = projector;
        this.marker = marker;
        this.applyTemplate = applyTemplate;
        this.options = options;
    }

    public static GgufVlmAnswerer Load(ModelSpec spec, GgufVlmOptions options) =>
        spec.Scheme == "gguf" && spec.GgufModel != null && spec.GgufProjector != null
            ? Load(spec.GgufModel, spec.GgufProjector, options)
            : throw new SpatialVlmException($"model '{spec.Text}': not a gguf:MODEL.gguf+MMPROJ.gguf spec");

    /// <summary>Checks both files (GGUF magic) before llama.cpp sees either, then loads the model and its projector.</summary>
    public static GgufVlmAnswerer Load(string modelPath, string projectorPath, GgufVlmOptions options)
    {
        GgufPrompt.Build(options.PromptFormat, "", "check", null, (_, u) => u); // an unknown format fails before loading
        GgufFileCheck.Require(modelPath, "model");
        GgufFileCheck.Require(projectorPath, "projector");
        var text = GgufTextModel.Load(modelPath, options);
        try
        {
            Func<string?, string, string>? applyTemplate = text.CanApplyChatTemplate() ? text.ApplyChatTemplate : null;
            GgufPrompt.Build(options.PromptFormat, "", "check", null, applyTemplate); // template without a usable one fails here, once
            var mtmdParams = MtmdContextParams.Default();
            mtmdParams.UseGpu = false;
            mtmdParams.NThreads = options.Threads;
            mtmdParams.PrintTimings = false;
            mtmdParams.Warmup = false;
            LlamaRuntime.ClearNativeLog();
            MtmdWeights projector;
            try
            {
                projector = MtmdWeights.LoadFromFile(Path.GetFullPath(projectorPath), text.Weights, mtmdParams);
            }
            catch (Exception e) when (e is RuntimeError or InvalidOperationException or ArgumentException or IOException)
            {
                throw new SpatialVlmException($"gguf projector {projectorPath}: llama.cpp could not load it as a multimodal projector for {Path.GetFileName(modelPath)} ({GgufTextModel.NativeReason(e)})", e);
            }
            if (!projector.SupportsVision)
            {
                projector.Dispose();
                throw new SpatialVlmException($"gguf projector {projectorPath}: it has no vision encoder (audio only?)");
            }
            var marker = mtmdParams.MediaMarker is { Length: > 0 } m ? m : NativeApi.MtmdDefaultMarker() ?? "<__media__>";
            return new GgufVlmAnswerer(text, projector, marker, applyTemplate, options);
        }
        catch
        {
            text.Dispose();
            throw;
        }
    }

    /// <summary>The marker in the prompt text where mtmd puts the image tokens.</summary>
    public string MediaMarker => marker;

    /// <summary>Whether prompts use the model's chat template (else LLaVA's USER:/ASSISTANT: format).</summary>
    public bool UsesChatTemplate => options.PromptFormat != GgufPrompt.Llava && applyTemplate != null;

    /// <summary>
    /// The prompt for a question: the model's chat template, or LLaVA's format when the model has none llama.cpp can
    /// apply (auto), with the image marker and the question.
    /// </summary>
    public string Prompt(string question) => GgufPrompt.Build(options.PromptFormat, marker, question, options.SystemPrompt, applyTemplate);

    public async Task<SpatialAnswer> AnswerAsync(AnswerRequest request, CancellationToken ct)
    {
        if (request.Samples != 1) throw new AnswerFailedException("gguf models answer greedily here: one sample per question", 1);
        // Earlier turns are given as text before the question (the image stays on this one turn).
        var question = string.Concat(request.History.Select(t => $"Q: {t.Question}\nA: {t.Answer}\n")) + request.Question;
        await oneAtATime.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            // Generation is CPU-bound native work: keep it off the caller's thread.
            return SpatialAnswer.Single(await Task.Run(() => Answer(question, request.ImagePath, ct).Text, ct).ConfigureAwait(false));
        }
        finally
        {
            oneAtATime.Release();
        }
    }

    /// <summary>One answer with its statistics. Not thread-safe; <see cref="AnswerAsync"/> serializes calls.</summary>
    public Generation Answer(string question, string imagePath, CancellationToken ct = default)
    {
        var watch = Stopwatch.StartNew();
        var image = ColorImageFile.DecodeFile(imagePath);
        var prompt = Prompt(question);
        text.Reset();
        using var embed = SafeMtmdEmbed.FromRgbBytes((uint)image.Width, (uint)image.Height, image.Pixels)
                          ?? throw new AnswerFailedException($"gguf: mtmd could not take the {image.Width}x{image.Height} image {imagePath}", 1);
        var status = projector.Tokenize(prompt, addSpecial: true, parseSpecial: true, [embed], out var chunks);
        if (status != 0 || chunks == null)
            throw new AnswerFailedException($"gguf: mtmd could not tokenize the prompt with the image (code {status}{(status == 1 ? ": image marker count does not match" : status == 2 ? ": image preprocessing failed" : "")})", 1);
        using (chunks)
        {
            var positions = chunks.CountPositions();
            if (positions >= text.Context.ContextSize)
                throw new AnswerFailedException($"gguf: the image and question take {positions} positions, the context holds {text.Context.ContextSize} (raise --context-size)", 1);
            int nPast = 0;
            LlamaRuntime.ClearNativeLog();
            var result = projector.EvaluateChunks(chunks, text.Context.NativeHandle, ref nPast, seqId: 0, nBatch: (int)text.Context.BatchSize, logitsLast: true);
            if (result != 0)
                throw new AnswerFailedException($"gguf: evaluating the image and prompt failed (code {result}: {LlamaRuntime.LastNativeError() ?? "no reason logged"})", 1);
            var imageTokens = chunks.Enumerate().Where(c => c.Type == SafeMtmdInputChunk.SafeMtmdInputChunkType.Image).Sum(c => (long)c.NTokens);
            var generation = text.GenerateFrom(nPast, (int)chunks.CountTokens(), watch.Elapsed, null, ct);
            return generation with { Stats = generation.Stats with { ImageTokens = (int)imageTokens } };
        }
    }

    public void Dispose()
    {
        projector.Dispose();
        text.Dispose();
        oneAtATime.Dispose();
    }
}
