using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using SpatialVlm.Core;
using TorchSharp;

namespace SpatialVlm.Model;

/// <summary>One file of a checkpoint, with what it must hash to (a truncated or altered file is caught before loading).</summary>
public sealed record CheckpointFile(long Bytes, string Sha256);

/// <summary>checkpoint.json: everything needed to rebuild the model, its tokenizer and, for training checkpoints, the run.</summary>
public sealed record CheckpointManifest(
    string Format,
    VlmConfig Config,
    TokenizerDescription Tokenizer,
    int Step,
    TrainingOptions? Training,
    MixtureSamplerState? Sampler,
    ulong? AnswerNoiseRandomState,
    double? LastLoss,
    Dictionary<string, CheckpointFile> Files,
    long? SkippedTooLong = null);

/// <summary>
/// A checkpoint is a folder: checkpoint.json, model.bin (TorchSharp state dict), and for training checkpoints
/// optimizer.bin and torch-rng.bin. A folder is written under a temporary name and renamed into place, so a reader
/// sees all of it or none; OUT/latest (a one-line file naming the newest folder) is replaced atomically after it.
/// </summary>
public static class Checkpoint
{
    public const string FormatName = "spatialvlm-checkpoint-1";
    public const string ManifestFile = "checkpoint.json";
    public const string ModelFile = "model.bin";
    public const string OptimizerFile = "optimizer.bin";
    public const string TorchRandomStateFile = "torch-rng.bin";
    public const string LatestPointerFile = "latest";

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Saves a model alone (config, tokenizer, weights) into a checkpoint folder: enough for inference.</summary>
    public static void SaveModel(SpatialVlmModel model, string directory, int step = 0, VlmTokenizer? tokenizer = null)
    {
        tokenizer ??= ByteTokenizer.Instance;
        tokenizer.RequireFits(model.Config);
        WriteFolder(directory, new Dictionary<string, Action<Stream>> { [ModelFile] = s => model.save(s) },
            files => new CheckpointManifest(FormatName, model.Config, tokenizer.Describe(), step, null, null, null, null, files));
    }

    /// <summary>
    /// The checkpoint folder a path names: a checkpoint folder itself, a run folder (its OUT/latest is followed),
    /// or the latest pointer file.
    /// </summary>
    public static string Resolve(string path)
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(Path.Combine(full, ManifestFile))) return full;
        var pointer = File.Exists(full) ? full : Path.Combine(full, LatestPointerFile);
        if (File.Exists(pointer))
        {
            var target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(pointer)!, File.ReadAllText(pointer).Trim()));
            if (File.Exists(Path.Combine(target, ManifestFile))) return target;
            throw new CheckpointException($"{pointer} names {target}, which holds no {ManifestFile}");
        }
        throw new CheckpointException($"no checkpoint at {path} (expected a folder with {ManifestFile} or a run folder with a '{LatestPointerFile}' file)");
    }

    /// <summary>Reads and checks checkpoint.json and the sizes and hashes of the files it lists.</summary>
    public static CheckpointManifest ReadManifest(string checkpointPath)
    {
        var dir = Resolve(checkpointPath);
        CheckpointManifest? manifest;
        try { manifest = JsonSerializer.Deserialize<CheckpointManifest>(File.ReadAllText(Path.Combine(dir, ManifestFile)), Json); }
        catch (JsonException e) { throw new CheckpointException($"{Path.Combine(dir, ManifestFile)} is not a readable checkpoint manifest: {e.Message.Split('\n')[0]}", e); }
        if (manifest is null || manifest.Format != FormatName || manifest.Config is null || manifest.Files is null)
            throw new CheckpointException($"{Path.Combine(dir, ManifestFile)} is not a {FormatName} manifest");
        foreach (var (name, expected) in manifest.Files)
        {
            var file = Path.Combine(dir, name);
            if (!File.Exists(file)) throw new CheckpointException($"checkpoint {dir} lacks {name}");
            var bytes = new FileInfo(file).Length;
            if (bytes != expected.Bytes) throw new CheckpointException($"checkpoint file {file} has {bytes} bytes, expected {expected.Bytes} (truncated or overwritten)");
            if (Sha256Of(file) != expected.Sha256) throw new CheckpointException($"checkpoint file {file} does not match its recorded SHA-256 (corrupt)");
        }
        return manifest;
    }

    /// <summary>
    /// Loads the model a checkpoint describes. With expectedConfig, a checkpoint made for another configuration is a
    /// one-line CheckpointException instead of a shape error deep in the loader.
    /// </summary>
    public static (SpatialVlmModel Model, VlmTokenizer Tokenizer, CheckpointManifest Manifest) LoadModel(string checkpointPath, string device = "cpu", VlmConfig? expectedConfig = null)
    {
        var manifest = ReadManifest(checkpointPath);
        if (expectedConfig is not null) RequireSameConfig(manifest.Config, expectedConfig, checkpointPath);
        var tokenizer = TokenizerOf(manifest, checkpointPath);
        var model = new SpatialVlmModel(manifest.Config, device);
        LoadWeights(model, Path.Combine(Resolve(checkpointPath), ModelFile));
        return (model, tokenizer, manifest);
    }

    /// <summary>The manifest's tokenizer, checked against its model configuration.</summary>
    internal static VlmTokenizer TokenizerOf(CheckpointManifest manifest, string where)
    {
        var tokenizer = VlmTokenizer.FromDescription(manifest.Tokenizer);
        try
        {
            manifest.Config.Validate();
            tokenizer.RequireFits(manifest.Config);
        }
        catch (ModelException e) when (e is not CheckpointException) { throw new CheckpointException($"checkpoint {where}: {e.Message}", e); }
        return tokenizer;
    }

    internal static void RequireSameConfig(VlmConfig found, VlmConfig expected, string where)
    {
        if (found != expected)
            throw new CheckpointException($"checkpoint {where} was made for model configuration '{found.Name}' ({Describe(found)}), not '{expected.Name}' ({Describe(expected)})");
    }

    internal static string Describe(VlmConfig c) =>
        $"vision {c.Vision.ImageSize}px/{c.Vision.PatchSize} d{c.Vision.HiddenSize}×{c.Vision.Layers}, text d{c.Text.HiddenSize}×{c.Text.Layers}";

    internal static void LoadWeights(SpatialVlmModel model, string file)
    {
        try
        {
            using var stream = File.OpenRead(file);
            model.load(stream, strict: true);
        }
        catch (Exception e) when (e is not SpatialVlmException)
        {
            throw new CheckpointException($"cannot load weights from {file}: {e.Message.Split('\n')[0]}", e);
        }
    }

    /// <summary>Writes files into a temporary sibling folder, then the manifest, then renames the folder into place.</summary>
    internal static void WriteFolder(string directory, IReadOnlyDictionary<string, Action<Stream>> writers, Func<Dictionary<string, CheckpointFile>, CheckpointManifest> manifest)
    {
        var final = Path.GetFullPath(directory);
        var parent = Path.GetDirectoryName(final)!;
        Directory.CreateDirectory(parent);
        var temporary = Path.Combine(parent, $".{Path.GetFileName(final)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(temporary);
        try
        {
            var files = new Dictionary<string, CheckpointFile>();
            foreach (var (name, write) in writers)
            {
                var path = Path.Combine(temporary, name);
                using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16)) write(stream);
                files[name] = new CheckpointFile(new FileInfo(path).Length, Sha256Of(path));
            }
            AtomicFile.WriteAllText(Path.Combine(temporary, ManifestFile), JsonSerializer.Serialize(manifest(files), Json));
            if (Directory.Exists(final))
            {
                // Replacing a folder is two renames; the old one is moved aside first so the name never holds a mix.
                var aside = temporary + ".old";
                Directory.Move(final, aside);
                Directory.Move(temporary, final);
                Directory.Delete(aside, recursive: true);
            }
            else Directory.Move(temporary, final);
        }
        catch
        {
            try { if (Directory.Exists(temporary)) Directory.Delete(temporary, recursive: true); } catch (IOException) { }
            throw;
        }
    }

    internal static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    internal static byte[] TorchRandomState()
    {
        using var state = torch.get_rng_state();
        return state.data<byte>().ToArray();
    }

    internal static void RestoreTorchRandomState(byte[] bytes)
    {
        using var state = torch.tensor(bytes, dtype: torch.ScalarType.Byte);
        torch.set_rng_state(state);
    }
}
