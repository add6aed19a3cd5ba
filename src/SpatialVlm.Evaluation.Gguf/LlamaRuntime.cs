using LLama.Native;

namespace SpatialVlm.Evaluation.Gguf;

/// <summary>
/// Loads llama.cpp's native libraries once and keeps the last lines it logged, so a failed load or a refused file
/// becomes one line with llama.cpp's own reason. llama.cpp's logger and library handle are process-wide, hence the
/// one static instance here (it mirrors native global state; it holds no configuration).
/// </summary>
public static class LlamaRuntime
{
    private static readonly NativeLogTail Tail = new(capacity: 12);
    private static readonly Lazy<string?> LoadFailure = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Throws <see cref="ModelUnavailableException"/> with one line when the native libraries cannot be loaded here.</summary>
    public static void EnsureLoaded()
    {
        if (LoadFailure.Value is { } reason) throw new ModelUnavailableException(reason);
    }

    /// <summary>The last error-level line llama.cpp logged (or the last line of any level when none), for error messages.</summary>
    public static string? LastNativeError() => Tail.LastError();

    /// <summary>Forgets the logged lines, so the next error message names only what followed.</summary>
    public static void ClearNativeLog() => Tail.Clear();

    private static string? Load()
    {
        try
        {
            // The callback must be set before the first native call; it stays for the whole process.
            NativeLibraryConfig.All.WithLogCallback(Tail.Add);
            NativeApi.llama_empty_call();
            return null;
        }
        catch (Exception e)
        {
            var inner = e;
            while (inner is TypeInitializationException { InnerException: { } i }) inner = i;
            return $"llama.cpp native library (LLamaSharp.Backend.Cpu) failed to load on this machine: {inner.GetType().Name}: {inner.Message.Split('\n')[0]}";
        }
    }

    /// <summary>A bounded, thread-safe tail of llama.cpp's log lines (continuations joined to their line).</summary>
    private sealed class NativeLogTail(int capacity)
    {
        private readonly Lock gate = new();
        private readonly LinkedList<(LLamaLogLevel Level, string Text)> lines = new();

        public void Add(LLamaLogLevel level, string message)
        {
            lock (gate)
            {
                if (level == LLamaLogLevel.Continue && lines.Last is { } last)
                    last.Value = (last.Value.Level, last.Value.Text + message);
                else
                    lines.AddLast((level, message));
                while (lines.Count > capacity) lines.RemoveFirst();
            }
        }

        public void Clear()
        {
            lock (gate) lines.Clear();
        }

        public string? LastError()
        {
            lock (gate)
            {
                var pick = lines.LastOrDefault(l => l.Level == LLamaLogLevel.Error && l.Text.Trim().Length > 0);
                if (pick.Text == null) pick = lines.LastOrDefault(l => l.Text.Trim().Length > 0);
                return pick.Text is { } text ? string.Join(' ', text.Split('\n', StringSplitOptions.RemoveEmptyEntries)).Trim() : null;
            }
        }
    }
}
