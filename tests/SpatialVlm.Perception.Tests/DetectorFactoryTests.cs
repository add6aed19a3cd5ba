using SpatialVlm.Core;
using SpatialVlm.Perception.Detectors;
using SpatialVlm.Perception.Models;
using static SpatialVlm.Perception.Tests.DetectionTestModels;
using static SpatialVlm.Perception.Tests.TestImages;

namespace SpatialVlm.Perception.Tests;

public sealed class DetectorFactoryTests : IDisposable
{
    private readonly string home = Path.Combine(Path.GetTempPath(), $"svlm-detstore-{Guid.NewGuid():N}");

    public void Dispose() { if (Directory.Exists(home)) Directory.Delete(home, recursive: true); }

    private ModelStore Store => new(home, ModelCatalog.Default);

    [Fact]
    public void MissingModelNamesThePullCommand()
    {
        foreach (var name in new[] { "owlv2-base-patch16-ensemble", "owlvit-base-patch32", "grounding-dino-tiny" })
        {
            var e = Assert.Throws<SpatialVlmException>(() => DetectorFactory.Open(Store, name));
            Assert.Contains($"spatialvlm models pull {name}", e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
        Assert.Contains("not a detector", Assert.Throws<SpatialVlmException>(() => DetectorFactory.Open(Store, "metric3d-vit-small")).Message);
    }

    [Fact]
    public void CatalogDetectorsHaveBackendsAndTheirTokenizerFiles()
    {
        var detectors = ModelCatalog.Default.Where(e => e.Role == ModelRole.Detector).ToArray();
        Assert.Contains(detectors, e => e.Name == "owlvit-base-patch32" && e.Export == "owlvit");
        foreach (var e in detectors)
        {
            Assert.Contains(e.Export, DetectorFactory.Exports);
            Assert.Contains(e.Files, f => f.Path.StartsWith("onnx/", StringComparison.Ordinal) && f.Path.EndsWith(".onnx", StringComparison.Ordinal));
            string[] tokenizerFiles = e.Export == "grounding-dino" ? ["vocab.txt"] : ["vocab.json", "merges.txt"];
            foreach (var t in tokenizerFiles) Assert.Contains(e.Files, f => f.Path == t);
        }
    }

    [Fact]
    public void OpensEachBackendFromTheStore()
    {
        var store = Store;
        void Place(string name, Action<string> write)
        {
            var entry = store.Find(name);
            var folder = store.ModelFolder(entry);
            Directory.CreateDirectory(Path.Combine(folder, "onnx"));
            write(folder);
        }
        Place("owlv2-base-patch16-ensemble", f => { ClipTestModels.WriteTokenizer(f); Owl(Path.Combine(f, "onnx", "model.onnx"), 960, 3600, 7, []); });
        Place("owlvit-base-patch32", f => { ClipTestModels.WriteTokenizer(f); Owl(Path.Combine(f, "onnx", "model.onnx"), 768, 576, 7, []); });
        Place("grounding-dino-tiny", f =>
        {
            var vocab = WriteWordPieceVocab(Path.Combine(f, "vocab.txt"));
            GroundingDino(Path.Combine(f, "onnx", "model.onnx"), vocab.Length, [new(0, Array.IndexOf(vocab, "mug"), 3f, 0.5f, 0.5f, 0.5f, 0.5f)]);
        });
        using (var v2 = DetectorFactory.Open(store, "owlv2-base-patch16-ensemble")) Assert.Equal("owlv2", v2.Name);
        using (var vit = DetectorFactory.Open(store, "owlvit-base-patch32", new DetectorOptions { MaxBatch = 3 }))
            Assert.Equal((OwlExport.OwlVit, 3), (((OwlDetector)vit).Export, ((OwlDetector)vit).Options.MaxBatch));
        // Shared options given for Grounding DINO keep their values; the text threshold takes its default.
        using var dino = (GroundingDinoDetector)DetectorFactory.Open(store, "grounding-dino-tiny", new DetectorOptions { ScoreThreshold = 0.5f });
        Assert.Equal((0.5f, 0.25f), (dino.Options.ScoreThreshold, dino.Options.TextThreshold));
        var d = Assert.Single(dino.Detect(Solid(20, 10, 0, 0, 0), ["red mug"]));
        Assert.Equal(("red mug", new Photo.PixelBox(5, 2.5f, 15, 7.5f)), (d.Label, d.Box));
    }
}
