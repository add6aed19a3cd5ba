using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SpatialVlm.Core;
using SpatialVlm.Synthesis.Sources;

namespace SpatialVlm.Synthesis.Sharding;

/// <summary>Splits inputs into shards (<see cref="ShardPlan"/>) and computes what each shard's input checksum is.</summary>
public static class ShardPlanner
{
    /// <summary>Seeds S … S+N−1 in shards of <paramref name="shardSize"/> scenes, in seed order.</summary>
    public static IReadOnlyList<ShardSpec> Procedural(int scenes, long firstSeed, int shardSize)
    {
        Positive(scenes, "--scenes");
        Positive(shardSize, "--shard-size");
        var shards = new List<ShardSpec>();
        for (int start = 0, i = 0; start < scenes; start += shardSize, i++)
        {
            var input = new ShardInput { Kind = ShardInputKind.Procedural, FirstSeed = firstSeed + start, Count = Math.Min(shardSize, scenes - start) };
            shards.Add(new ShardSpec { Name = ShardNames.Of(i), Input = input, InputChecksum = InputChecksum(input), Items = input.Count!.Value });
        }
        return shards;
    }

    /// <summary>
    /// Shards over input folders or files, in the order given: a folder of scene folders or of image files is cut into
    /// slices of <paramref name="shardSize"/> items (in ordinal order); every WebDataset .tar and Parquet file is a shard of its own.
    /// </summary>
    /// <param name="countItems">how many photos a .tar or .parquet file holds (for progress)</param>
    public static IReadOnlyList<ShardSpec> FromInputs(IReadOnlyList<string> sources, int shardSize, Func<ShardInputKind, string, string, int> countItems)
    {
        Positive(shardSize, "--shard-size");
        if (sources.Count == 0) throw new SpatialVlmException("--input: give at least one folder or file");
        var inputs = new List<ShardInput>();
        foreach (var source in sources)
        {
            var full = Path.GetFullPath(source);
            if (File.Exists(full))
            {
                inputs.Add(Container(Path.GetDirectoryName(full)!, full) ?? throw new SpatialVlmException($"{source}: not a .tar or .parquet file, nor a folder"));
                continue;
            }
            if (!Directory.Exists(full)) throw new SpatialVlmException($"{source}: no such folder or file");
            if (SceneFolderSource.Matches(full))
            {
                if (File.Exists(Path.Combine(full, "scene.json"))) throw new SpatialVlmException($"{source}: one scene folder; give the folder that holds the scene folders");
                inputs.AddRange(Slices(full, SceneFolderSource.FolderNames(full), shardSize, ShardInputKind.SceneFolders));
                continue;
            }
            if (RgbdFolderSource.Matches(full)) throw new SpatialVlmException($"{source}: RGB-D folders are not sharded yet; run `synth --input` on it");
            var files = Directory.EnumerateFiles(full, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.Hidden })
                .Order(StringComparer.Ordinal).ToList();
            var images = files.Where(f => PhotoExtensions.IsImage(Path.GetExtension(f))).Select(f => Relative(full, f)).ToList();
            inputs.AddRange(Slices(full, images, shardSize, ShardInputKind.ImageFiles));
            inputs.AddRange(files.Select(f => Container(full, f)).OfType<ShardInput>());
            if (images.Count == 0 && !files.Any(f => Container(full, f) is not null))
                throw new SpatialVlmException($"{source}: no scene folders (scene.json), images, .tar shards or .parquet files found");
        }
        return inputs.Select((input, i) => new ShardSpec
        {
            Name = ShardNames.Of(i), Input = input, InputChecksum = InputChecksum(input),
            Items = input.Kind is ShardInputKind.Tar or ShardInputKind.Parquet ? countItems(input.Kind, input.Root!, input.Files![0]) : input.Files!.Count,
        }).ToList();
    }

    /// <summary>
    /// SHA-256 of what the shard reads: for procedural shards the seed range; otherwise every file's relative path and
    /// SHA-256 (a scene folder's files recursively), in order. Equal checksums mean equal input bytes.
    /// </summary>
    public static string InputChecksum(ShardInput input)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{input.Kind}\n");
        if (input.Kind == ShardInputKind.Procedural) text.Append(CultureInfo.InvariantCulture, $"{input.FirstSeed}\n{input.Count}\n");
        else
            foreach (var rel in input.Files!)
            {
                var path = Path.Combine(input.Root!, rel);
                var files = input.Kind == ShardInputKind.SceneFolders && Directory.Exists(path)
                    ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList()
                    : [path];
                foreach (var f in files) text.Append(Relative(input.Root!, f)).Append('\t').Append(FileChecksum(f)).Append('\n');
            }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>SHA-256 (hex) of a file's bytes, or "missing" when it is gone.</summary>
    public static string FileChecksum(string path)
    {
        if (!File.Exists(path)) return "missing";
        using var s = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(s));
    }

    /// <summary>The source a shard's input opens as; photos go through <paramref name="perception"/>, opened only when needed.</summary>
    public static IObservationSource Open(ShardInput input, ShardSettings settings, Func<IPhotoPerception> perception)
    {
        switch (input.Kind)
        {
            case ShardInputKind.Procedural:
                return new ProceduralSource(settings.Scenes(), input.FirstSeed!.Value, input.Count!.Value);
            case ShardInputKind.SceneFolders:
                return new SceneFolderSource(input.Root!, input.Files!);
        }
        var root = input.Root!;
        IEnumerable<PhotoEntry> entries = input.Kind switch
        {
            ShardInputKind.ImageFiles => ImageFolderPhotos.Entries(root, input.Files!.Select(f => Path.Combine(root, f))),
            ShardInputKind.Tar => TarShardPhotos.Entries(root, Path.Combine(root, input.Files![0])),
            _ => ParquetPhotos.Entries(root, Path.Combine(root, input.Files![0]), null),
        };
        var list = entries.ToList();
        return new PhotoSource(list, perception(), $"{list.Count} photos: {input.Describe()}");
    }

    private static IEnumerable<ShardInput> Slices(string root, IReadOnlyList<string> names, int shardSize, ShardInputKind kind)
    {
        for (int start = 0; start < names.Count; start += shardSize)
            yield return new ShardInput { Kind = kind, Root = root, Files = names.Skip(start).Take(shardSize).ToList() };
    }

    private static ShardInput? Container(string root, string file) => Path.GetExtension(file).ToLowerInvariant() switch
    {
        ".tar" => new ShardInput { Kind = ShardInputKind.Tar, Root = root, Files = [Relative(root, file)] },
        ".parquet" => new ShardInput { Kind = ShardInputKind.Parquet, Root = root, Files = [Relative(root, file)] },
        _ => null,
    };

    private static string Relative(string root, string path) => Path.GetRelativePath(root, path).Replace('\\', '/');

    private static void Positive(int value, string flag)
    {
        if (value <= 0) throw new SpatialVlmException($"{flag} must be positive, got {value}");
    }
}
