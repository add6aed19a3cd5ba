using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SpatialVlm.Cli.Tests;

/// <summary>
/// Hostile input, class by class (issue 12), driven by tables. Each case checks the exit code, that stderr is one
/// printable line without .NET type or exception names, that nothing is written outside --out, and that nothing
/// half-written is left.
/// </summary>
public sealed partial class HostileInputTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("hostile-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }

    private static (int Exit, string Out, string Err) Run(params string[] args) => CliHarness.Run(args);

    [GeneratedRegex(@"System\.|Exception|`1|\bat [A-Z]\w+\.")]
    private static partial Regex DotNetNames();

    private static void AssertOneCleanLine(int exit, string err, string because)
    {
        Assert.True(exit != 0, $"{because}: exit 0");
        var lines = err.TrimEnd('\n').Split('\n');
        Assert.True(lines.Length == 1, $"{because}: {lines.Length} lines on stderr: {err}");
        Assert.StartsWith("error: ", err);
        Assert.DoesNotMatch(DotNetNames(), err);
        Assert.False(err.TrimEnd('\n').Any(char.IsControl), $"{because}: control characters on stderr");
    }

    /// <summary>Files under <paramref name="root"/>, relative, so a run can be checked to have written nowhere else.</summary>
    private static HashSet<string> Snapshot(string root) =>
        Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(root, p)).ToHashSet();

    private static void AssertNoTemporaryFiles(string root) =>
        Assert.Empty(Directory.EnumerateFiles(root, "*.tmp", SearchOption.AllDirectories));

    // ---- Class: messages a user cannot act on, and empty or odd output paths ----

    public static TheoryData<string, string[], string> FlagCases() => new()
    {
        { "non-numeric seed", ["synth", "--scenes", "2", "--seed", "abc", "--out", "OUT"], "--seed: 'abc' is not a whole number" },
        { "overflowing count", ["synth", "--scenes", "99999999999", "--out", "OUT"], "--scenes: '99999999999' is not a whole number" },
        { "fractional limit", ["eval", "--benchmark", "b.jsonl", "--model", "oracle", "--out", "OUT", "--limit", "2.5"], "--limit: '2.5' is not a whole number" },
        { "unknown command", ["frobnicate"], "'frobnicate' is not a command; the commands are: scenes, synth" },
        { "unknown subcommand", ["bench", "warp"], "'warp' is not a command of bench" },
        { "no command", [], "spatialvlm needs a command" },
        { "control bytes in an argument", ["synth", "--scenes", "x\u001b[31m", "--out", "OUT"], "is not a whole number" },
        { "empty synth output", ["synth", "--scenes", "1", "--out", ""], "--out is empty" },
        { "empty scenes output", ["scenes", "--count", "1", "--out", ""], "--out is empty" },
        { "empty eval output", ["eval", "--benchmark", "b.jsonl", "--model", "oracle", "--out", ""], "--out is empty" },
        { "empty benchmark output", ["benchmark", "build", "--from", "IN", "--out", ""], "--out is empty" },
        { "synth output is a file", ["synth", "--scenes", "1", "--out", "FILE"], "is an existing file, not a folder" },
        { "synth output under a file", ["synth", "--scenes", "1", "--out", "FILE/sub"], "is a file, so nothing can be written under it" },
        { "eval output under a file", ["eval", "--benchmark", "b.jsonl", "--model", "oracle", "--out", "FILE/x"], "is a file, so nothing can be written under it" },
        { "benchmark output is a folder", ["benchmark", "build", "--from", "IN", "--out", "IN"], "is an existing folder; give a file name" },
    };

    [Theory]
    [MemberData(nameof(FlagCases))]
    public void FlagsAndOutputPathsFailInOneLineBeforeAnyWork(string name, string[] args, string expected)
    {
        var file = Path.Combine(dir, "FILE");
        File.WriteAllText(file, "keep me");
        Directory.CreateDirectory(Path.Combine(dir, "IN"));
        var resolved = args.Select(a => a is "OUT" or "FILE" or "IN" or "FILE/sub" or "FILE/x" ? Path.Combine(dir, a) : a).ToArray();
        var before = Snapshot(dir);
        var cwdBefore = Snapshot(Environment.CurrentDirectory);
        var (exit, _, err) = Run(resolved);
        AssertOneCleanLine(exit, err, name);
        Assert.Contains(expected, err);
        Assert.Equal(before, Snapshot(dir));
        Assert.Equal(cwdBefore, Snapshot(Environment.CurrentDirectory));
        Assert.Equal("keep me", File.ReadAllText(file));
    }

    // ---- Class: paths from data files escape their root ----

    private string Scenes(int count)
    {
        var scenes = Path.Combine(dir, "scenes");
        var r = Run("scenes", "--count", count.ToString(), "--seed", "5", "--size", "160x120", "--out", scenes);
        Assert.True(r.Exit == 0, r.Err);
        return scenes;
    }

    public static TheoryData<string, string> EscapingImages() => new()
    {
        { "parent traversal", "../../../../../../../../etc/hostname" },
        { "absolute path", "/etc/hostname" },
        { "sibling folder", "../other/image.png" },
    };

    [Theory]
    [MemberData(nameof(EscapingImages))]
    public void ASceneJsonImageOutsideItsFolderFailsThatSceneAndIsNeverCopied(string name, string image)
    {
        var scenes = Scenes(2);
        var victim = Directory.GetDirectories(scenes).Order(StringComparer.Ordinal).First();
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(victim, "scene.json")))!.AsObject();
        json["image"] = image;
        File.WriteAllText(Path.Combine(victim, "scene.json"), json.ToJsonString());
        var outDir = Path.Combine(dir, "out");
        var (exit, stdout, err) = Run("synth", "--input", scenes, "--out", outDir);
        Assert.True(exit == 0, $"{name}: {err}");
        Assert.Contains("1 failed", stdout);
        var failed = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "manifest.json")))!["failed"]!.AsArray();
        var reason = failed.Single()!["reason"]!.GetValue<string>();
        Assert.True(reason.Contains("leaves its folder") || reason.Contains("is an absolute path"), reason);
        Assert.Single(Directory.GetFiles(Path.Combine(outDir, "images")));
        AssertNoTemporaryFiles(outDir);
    }

    [Theory]
    [MemberData(nameof(EscapingImages))]
    public void ABenchmarkImageOutsideItsFolderFailsThatQuestionAndTheRunGoesOn(string name, string image)
    {
        var scenes = Scenes(2);
        var bench = Path.Combine(dir, "bench.jsonl");
        Assert.Equal(0, Run("benchmark", "build", "--from", scenes, "--out", bench, "--per-scene", "4").Exit);
        var lines = File.ReadAllLines(bench);
        var hostile = JsonNode.Parse(lines[0])!.AsObject();
        hostile["image"] = image;
        lines[0] = hostile.ToJsonString();
        File.WriteAllLines(bench, lines);
        var outDir = Path.Combine(dir, "eval");
        var (exit, stdout, err) = Run("eval", "--benchmark", bench, "--model", "oracle", "--out", outDir);
        Assert.True(exit == 0, $"{name}: {err}");
        Assert.Contains("leaves its folder", err + File.ReadAllText(Path.Combine(outDir, "report.md")));
        var predicted = File.ReadAllLines(Path.Combine(outDir, "predictions.jsonl"));
        Assert.Equal(lines.Length - 1, predicted.Length);
        Assert.DoesNotContain(predicted, p => p.Contains("hostname", StringComparison.Ordinal));
    }

    // ---- Class: unbounded reads ----

    [Fact]
    public async Task AFifoAmongTheColourFramesFailsThatFrameInsteadOfHanging()
    {
        using var folder = new Synthesis.Tests.RgbdTestFolder().AddShared("00000", "color/00000.jpg", "depth/00000.png");
        var rgbd = folder.Root;
        File.Copy(Path.Combine(rgbd, "depth", "00000.png"), Path.Combine(rgbd, "depth", "00001.png"));
        using (var mkfifo = Process.Start("mkfifo", Path.Combine(rgbd, "color", "00001.jpg"))) mkfifo.WaitForExit();
        var chair = new[] { ("chair", Synthesis.Tests.RgbdTestFolder.Box(335, 105, 280, 280)) };
        folder.WriteAnnotations(("00000.jpg", chair), ("00001.jpg", chair));
        var outDir = Path.Combine(dir, "out");
        var task = Task.Run(() => Run("synth", "--input", rgbd, "--out", outDir));
        Assert.True(await Task.WhenAny(task, Task.Delay(TimeSpan.FromMinutes(3))) == task, "synth hung on a FIFO");
        var failed = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "manifest.json")))!["failed"]!.AsArray();
        Assert.Contains("FIFO", failed.Single()!["reason"]!.GetValue<string>());
    }

    [Fact]
    public void ABoxWhollyOutsideTheImageIsNamedAsSuch()
    {
        using var folder = new Synthesis.Tests.RgbdTestFolder().AddShared("00000", "color/00000.jpg", "depth/00000.png");
        folder.WriteAnnotations(("00000.jpg", [("chair", Synthesis.Tests.RgbdTestFolder.Box(335, 105, 280, 280)), ("ghost", Synthesis.Tests.RgbdTestFolder.Box(2000, 2000, 10, 10))]));
        var outDir = Path.Combine(dir, "out");
        var (exit, _, err) = Run("synth", "--input", folder.Root, "--out", outDir);
        AssertOneCleanLine(exit, err, "the only frame failed");
        var reason = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "manifest.json")))!["failed"]!.AsArray().Single()!["reason"]!.GetValue<string>();
        Assert.Contains("wholly outside the 640x480 image", reason);
        Assert.DoesNotContain("too few points", reason);
    }

    [Fact]
    public void ABillionSceneRunStreamsItsItemsInBoundedMemory()
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "spatialvlm.dll");
        var outDir = Path.Combine(dir, "billion");
        var start = new ProcessStartInfo("dotnet", [cli, "synth", "--scenes", "1000000000", "--size", "160x120", "--out", outDir, "--workers", "1"])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(start)!;
        long peakKb = 0;
        int records = 0;
        var watch = Stopwatch.StartNew();
        try
        {
            // Sample the process's resident memory until it has written a few records (or a generous time has passed).
            while (watch.Elapsed < TimeSpan.FromSeconds(90) && !p.HasExited)
            {
                Thread.Sleep(250);
                var status = File.ReadAllLines($"/proc/{p.Id}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
                if (status is not null) peakKb = Math.Max(peakKb, long.Parse(Regex.Match(status, @"\d+").Value));
                records = Directory.Exists(Path.Combine(outDir, "records")) ? Directory.GetFiles(Path.Combine(outDir, "records"), "*.json").Length : 0;
                if (records >= 5) break;
            }
        }
        finally
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
            p.WaitForExit();
        }
        Assert.True(records >= 5, $"no output after {watch.Elapsed.TotalSeconds:0} s: {p.StandardError.ReadToEnd()}");
        Assert.True(peakKb < 500 * 1024, $"resident memory reached {peakKb / 1024} MB");
    }

    // ---- Class: whole runs aborted by one item; the oracle answering free-form questions ----

    [Fact]
    public void OneQuestionWhoseImageIsOutsideAnySceneFailsAloneAndTheOracleAnswersTheRest()
    {
        var scenes = Scenes(2);
        var bench = Path.Combine(dir, "bench.jsonl");
        Assert.Equal(0, Run("benchmark", "build", "--from", scenes, "--out", bench, "--per-scene", "4").Exit);
        var stray = Path.Combine(dir, "stray.png");
        File.Copy(Path.Combine(Directory.GetDirectories(scenes)[0], "image.png"), stray);
        var lines = File.ReadAllLines(bench);
        var line = JsonNode.Parse(lines[0])!.AsObject();
        line["image"] = "stray.png";
        lines[0] = line.ToJsonString();
        File.WriteAllLines(bench, lines);
        var outDir = Path.Combine(dir, "eval");
        var (exit, _, err) = Run("eval", "--benchmark", bench, "--model", "oracle", "--out", outDir);
        Assert.True(exit == 0, err);
        var predictions = File.ReadAllLines(Path.Combine(outDir, "predictions.jsonl")).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(lines.Length, predictions.Count);
        Assert.Contains("neither a scene.json", predictions[0]["error"]!.GetValue<string>());
        Assert.All(predictions.Skip(1), p => Assert.Null(p["error"]));
    }

    [Fact]
    public void AskWithTheOracleAnswersABenchmarksOwnQuestions()
    {
        var scenes = Scenes(3);
        var bench = Path.Combine(dir, "bench.jsonl");
        Assert.Equal(0, Run("benchmark", "build", "--from", scenes, "--out", bench, "--per-scene", "6").Exit);
        int asked = 0, agreed = 0, refused = 0;
        foreach (var line in File.ReadAllLines(bench))
        {
            using var doc = JsonDocument.Parse(line);
            var o = doc.RootElement;
            if (o.GetProperty("kind").GetString() is not ("predicate" or "quantitative")) continue;
            var image = Path.Combine(dir, o.GetProperty("image").GetString()!);
            var (exit, stdout, err) = Run("ask", "--model", "oracle", "--image", image, o.GetProperty("question").GetString()!);
            asked++;
            if (exit != 0)
            {
                // An object the reconstruction misses (too few points) is refused in one line saying what the oracle sees.
                AssertOneCleanLine(exit, err, o.GetProperty("question").GetString()!);
                Assert.Contains("the oracle", err);
                refused++;
                continue;
            }
            var answer = o.GetProperty("answer");
            if (answer.ValueKind is JsonValueKind.True or JsonValueKind.False)
                agreed += stdout.Trim() == (answer.GetBoolean() ? "Yes." : "No.") ? 1 : 0;
            else
            {
                var meters = double.Parse(stdout.Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
                agreed += meters / answer.GetDouble() is > 0.5 and < 2 ? 1 : 0;
            }
        }
        Assert.True(asked >= 6, $"only {asked} questions asked");
        // The oracle reconstructs objects from depth: small or hidden ones can be missing, and then their questions are refused.
        Assert.True(refused <= 0.4 * asked, $"the oracle refused {refused} of {asked}");
        Assert.True(agreed >= 0.8 * (asked - refused), $"the oracle agreed with the benchmark on {agreed} of {asked - refused} answered");
        var unknown = Run("ask", "--model", "oracle", "--image", Path.Combine(Directory.GetDirectories(scenes)[0], "image.png"), "What colour is the sky?");
        AssertOneCleanLine(unknown.Exit, unknown.Err, "free text the oracle cannot read");
        Assert.Contains("the oracle answers the engine's question forms", unknown.Err);
    }

    // ---- Class: malformed data files ----

    public static TheoryData<string, string, string> SceneJsonCases() => new()
    {
        { "objects null", "objects", "objects is missing or null" },
        { "camera null", "camera", "camera is missing or null" },
        { "id null", "id", "id is missing or empty" },
    };

    [Theory]
    [MemberData(nameof(SceneJsonCases))]
    public void ANullInASceneJsonIsNamedNotANullReference(string name, string key, string reason)
    {
        var scenes = Scenes(1);
        var scene = Directory.GetDirectories(scenes).Single();
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(scene, "scene.json")))!.AsObject();
        json[key] = null;
        File.WriteAllText(Path.Combine(scene, "scene.json"), json.ToJsonString());
        var outDir = Path.Combine(dir, "out");
        var (exit, _, err) = Run("synth", "--input", scenes, "--out", outDir);
        Assert.NotEqual(0, exit); // the only scene failed
        Assert.DoesNotMatch(DotNetNames(), err);
        var failed = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "manifest.json")))!["failed"]!.AsArray();
        Assert.Contains(reason, failed.Single()!["reason"]!.GetValue<string>());
        Assert.DoesNotContain("unexpected", failed.Single()!["reason"]!.GetValue<string>());
        _ = name;
    }
}
