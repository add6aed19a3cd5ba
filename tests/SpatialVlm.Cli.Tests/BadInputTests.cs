using System.CommandLine;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Parquet.Serialization;
using SpatialVlm.Core;
using SpatialVlm.Imaging;
using SpatialVlm.Perception.Tests;
using SpatialVlm.Scenes;
using SpatialVlm.Synthesis.Tests;

namespace SpatialVlm.Cli.Tests;

/// <summary>
/// Bad input through the command line, as a user meets it: a wrong flag or an unreadable input file is one line on
/// stderr and a non-zero exit; a bad item inside a run is a counted failure whose reason names that item.
/// </summary>
[Collection("model store environment")]
public sealed class BadInputTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("bad-input-").FullName;
    private readonly string? savedHome = Environment.GetEnvironmentVariable("SPATIALVLM_HOME");

    public BadInputTests() => Environment.SetEnvironmentVariable("SPATIALVLM_HOME", Path.Combine(dir, "empty-store"));

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("SPATIALVLM_HOME", savedHome);
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }

    private static (int Exit, string Out, string Err) Run(params string[] args) => Run(CommandTree.Build(), args);

    private static (int Exit, string Out, string Err) Run(RootCommand root, string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = CliRunner.Run(root, args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static void AssertOneLineError(int exit, string err, params string[] words)
    {
        Assert.NotEqual(0, exit);
        Assert.StartsWith("error: ", err);
        Assert.Single(err.TrimEnd().Split('\n'));
        foreach (var w in words) Assert.Contains(w, err);
    }

    private string Photos()
    {
        var photos = Directory.CreateDirectory(Path.Combine(dir, "photos")).FullName;
        File.WriteAllBytes(Path.Combine(photos, "a.png"), ColorImageCodec.EncodePng(new RgbImage(8, 6)));
        return photos;
    }

    private static JsonArray Failures(string outDir) => JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "manifest.json")))!["failed"]!.AsArray();

    private static void Replace(string path, byte[] bytes)
    {
        File.Delete(path); // the shared frames are copied read-only
        File.WriteAllBytes(path, bytes);
    }

    // Flags are checked before any model file is looked for: with an empty store the flag is the error, not a model to pull
    // (and an out-of-range --fov used to fail every photo inside the depth model's batch, crashing the run with a stack trace).
    [Theory]
    [InlineData("--fov", "0")]
    [InlineData("--fov", "500")]
    [InlineData("--fov", "NaN")]
    [InlineData("--filter-threshold", "2")]
    [InlineData("--filter-threshold", "-0.1")]
    public void OutOfRangePhotoFlagsAreOneLineErrorsNamingTheFlag(string flag, string value)
    {
        var (exit, _, err) = Run("synth", "--out", Path.Combine(dir, "out"), "--input", Photos(), flag, value);
        AssertOneLineError(exit, err, $"{flag} {value}");
        Assert.False(Directory.Exists(Path.Combine(dir, "out")));
    }

    [Theory]
    [InlineData("--workers", "0", "--workers must be at least 1, got 0")]
    [InlineData("--workers", "-2", "--workers must be at least 1, got -2")]
    [InlineData("--format", ",", "no output format given")]
    [InlineData("--format", "", "no output format given")]
    public void BadRunFlagsAreOneLineErrorsBeforeAnyOutput(string flag, string value, string message)
    {
        var (exit, _, err) = Run("synth", "--out", Path.Combine(dir, "out"), "--scenes", "2", flag, value);
        AssertOneLineError(exit, err, message);
        Assert.False(Directory.Exists(Path.Combine(dir, "out")));
    }

    [Fact]
    public void AFileGivenAsTheInputFolderIsNamedAsAFile()
    {
        var file = Path.Combine(dir, "photo.png");
        File.WriteAllBytes(file, [1, 2, 3]);
        var (exit, _, err) = Run("synth", "--out", Path.Combine(dir, "out"), "--input", file);
        AssertOneLineError(exit, err, "photo.png: is a file, not a folder");
    }

    [Theory]
    [InlineData("--detector", "nosuch", "unknown model 'nosuch'")]
    [InlineData("--segmenter", "owlv2-base-patch16-ensemble", "is a Detector model, not Segmenter")]
    [InlineData("--detector", "mobilesam", "is a Segmenter model, not Detector")]
    [InlineData("--captioner", "metric3d-vit-small", "is a Depth model, not Captioner")]
    public void AModelNameOfTheWrongRoleIsNamedBeforeMissingModels(string flag, string value, string message)
    {
        var (exit, _, err) = Run("synth", "--out", Path.Combine(dir, "out"), "--input", Photos(), flag, value);
        AssertOneLineError(exit, err, message);
    }

    public sealed class ImageRow
    {
        [JsonPropertyName("image")] public byte[]? Image { get; set; }
        [JsonPropertyName("caption")] public string? Caption { get; set; }
    }

    private string WriteParquet(string folder, List<ImageRow> rows)
    {
        var path = Path.Combine(Directory.CreateDirectory(Path.Combine(dir, folder)).FullName, "train.parquet");
        using var s = File.Create(path);
        ParquetSerializer.SerializeAsync(rows, s).GetAwaiter().GetResult();
        return path;
    }

    [Fact]
    public void AParquetFileWithADamagedFooterIsOneLineNotACrash()
    {
        var png = ColorImageCodec.EncodePng(new RgbImage(8, 6));
        var path = WriteParquet("parquet", [new ImageRow { Image = png, Caption = "a" }]);
        var bytes = File.ReadAllBytes(path);
        // Overwrite the Thrift footer (the 8 bytes before the end are its length and the PAR1 magic): Parquet.Net then
        // throws its own ThriftProtocolException, which used to escape as an unhandled exception (exit 134).
        for (int i = bytes.Length - 60; i < bytes.Length - 8; i++) bytes[i] = 0xAB;
        File.WriteAllBytes(path, bytes);
        var (exit, _, err) = Run("synth", "--out", Path.Combine(dir, "out"), "--input", Path.GetDirectoryName(path)!);
        AssertOneLineError(exit, err, "train.parquet", "cannot read Parquet");
    }

    [Fact]
    public void ParquetRowsWithoutImageBytesFailWithTheirOwnRowNumbers()
    {
        var scene = new SceneGenerator(new SceneOptions()).Generate(2003);
        var home = Path.Combine(dir, "store");
        SynthModelsEndToEndTests.WriteStore(home, scene.Width, scene.Height, SceneDrivenModels.Regions(scene), scene);
        Environment.SetEnvironmentVariable("SPATIALVLM_HOME", home);
        var path = WriteParquet("rows", [
            new ImageRow { Image = ColorImageCodec.EncodePng(scene.Image), Caption = "ok" },
            new ImageRow { Image = null, Caption = "null cell" },
            new ImageRow { Image = [], Caption = "empty cell" },
        ]);
        var outDir = Path.Combine(dir, "out");
        var hfov = scene.ToObservation().Intrinsics.HorizontalFovDegrees.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (exit, stdout, err) = Run("synth", "--out", outDir, "--input", Path.GetDirectoryName(path)!, "--no-filter", "--segmenter", "mobilesam",
            "--fov", hfov, "--workers", "1", "--format", "jsonl");
        Assert.True(exit == 0, err + stdout);
        Assert.Contains("1 images", stdout);
        Assert.Contains("2 failed", stdout);
        // Each reason names its own row (the rows' reads used to share the loop variable and all said "row 3").
        var reasons = Failures(outDir).ToDictionary(f => (string)f!["id"]!, f => (string)f!["reason"]!);
        Assert.Contains("row 1 has no image bytes", reasons["train_row-000001"]);
        Assert.Contains("row 2 has no image bytes", reasons["train_row-000002"]);
    }

    private RgbdTestFolder AnnotatedFrame()
    {
        var folder = new RgbdTestFolder().AddShared("00000", "color/00000.jpg", "depth/00000.png");
        folder.WriteAnnotations(("00000.jpg", [("chair", RgbdTestFolder.Box(335, 105, 280, 280)), ("curtain", RgbdTestFolder.Box(172, 0, 100, 362))]));
        return folder;
    }

    [Fact]
    public void ATruncatedDepthPngIsACountedFailureWithAPrintableReason()
    {
        using var folder = AnnotatedFrame();
        var depth = folder.DepthPath("00000.png");
        Replace(depth, File.ReadAllBytes(depth)[..2000]);
        var outDir = Path.Combine(dir, "out");
        var (exit, stdout, err) = Run("synth", "--out", outDir, "--input", folder.Root, "--format", "jsonl", "--workers", "1");
        // The only frame failed: the run still writes its manifest, then says so in one line and exits non-zero.
        Assert.Contains("1 failed", stdout);
        AssertOneLineError(exit, err, "no image produced a record: 1 failed");
        Assert.Contains("truncated PNG", err);
        var reason = (string)Failures(outDir).Single()!["reason"]!;
        // The reason used to carry StbImageSharp's process-wide failure field: here 25 NUL characters.
        Assert.Contains("truncated PNG (the IDAT chunk runs past the end of the file)", reason);
        Assert.All(reason, c => Assert.InRange(c, ' ', '~'));
    }

    [Fact]
    public void AnUnannotatedRgbdFolderReportsBadIntrinsicsBeforeMissingModels()
    {
        // No annotations.json, so detection models would be needed; the store is empty, but the folder's own error comes first.
        using var folder = new RgbdTestFolder("""{"fx":525,"fy":525,"cx":319.5,"cy":239.5,"depth_format":"weird"}""").AddShared("00000", "color/00000.jpg", "depth/00000.png");
        var (exit, _, err) = Run("synth", "--out", Path.Combine(dir, "out"), "--input", folder.Root, "--format", "jsonl");
        AssertOneLineError(exit, err, "intrinsics.json: depth_format 'weird'");
        Assert.DoesNotContain("models pull", err);
    }

    [Fact]
    public void AnUnknownDepthFormatNamesTheIntrinsicsFile()
    {
        using var folder = new RgbdTestFolder("""{"fx":525,"fy":525,"cx":319.5,"cy":239.5,"depth_format":"weird"}""").AddShared("00000", "color/00000.jpg", "depth/00000.png");
        folder.WriteAnnotations(("00000.jpg", [("chair", RgbdTestFolder.Box(335, 105, 280, 280))]));
        var (exit, _, err) = Run("synth", "--out", Path.Combine(dir, "out"), "--input", folder.Root, "--format", "jsonl");
        AssertOneLineError(exit, err, "intrinsics.json: depth_format 'weird'");
    }

    [Fact]
    public void ABadCocoAnnotationNamesTheAnnotationsFile()
    {
        using var folder = AnnotatedFrame();
        var path = Path.Combine(folder.Root, "annotations.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"category_id\":2", "\"category_id\":7"));
        var (exit, _, err) = Run("benchmark", "build", "--from", folder.Root, "--out", Path.Combine(dir, "b.jsonl"));
        AssertOneLineError(exit, err, "annotations.json: COCO annotation 2 has category_id 7");
        Assert.False(File.Exists(Path.Combine(dir, "b.jsonl")));
    }

    [Fact]
    public void AFrameMissingFromTheAnnotationsIsNamedOnceWithItsFile()
    {
        using var folder = new RgbdTestFolder().AddShared("00000", "color/00000.jpg", "depth/00000.png");
        folder.WriteAnnotations(("other.jpg", [("chair", RgbdTestFolder.Box(335, 105, 280, 280))]));
        var (exit, _, err) = Run("benchmark", "build", "--from", folder.Root, "--out", Path.Combine(dir, "b.jsonl"));
        AssertOneLineError(exit, err, "color/00000.jpg: 00000.jpg is not among annotations.json's images");
        Assert.DoesNotContain("00000: 00000:", err);
    }

    [Fact]
    public void AnExceptionNoLayerExpectedIsStillOneLineWithExitSeventy()
    {
        var root = new RootCommand();
        var boom = new Command("boom");
        boom.SetAction((Func<ParseResult, int>)(_ => throw new InvalidOperationException("the cause\n   at Some.Frame()")));
        root.Subcommands.Add(boom);
        var (exit, _, err) = Run(root, ["boom"]);
        Assert.Equal(70, exit);
        var line = err.TrimEnd();
        Assert.Single(line.Split('\n'));
        Assert.StartsWith("error: unexpected failure (the cause); please report it with ", line);
        // The report beside holds what the line leaves out: the command and the whole exception.
        var report = line["error: unexpected failure (the cause); please report it with ".Length..];
        try
        {
            var text = File.ReadAllText(report);
            Assert.Contains("spatialvlm boom", text);
            Assert.Contains("at Some.Frame()", text);
            Assert.Contains("InvalidOperationException", text);
        }
        finally { File.Delete(report); }
    }
}
