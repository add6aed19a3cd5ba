using TorchSharp;

namespace SpatialVlm.Model.Tests;

public sealed class CheckpointTests : IDisposable
{
    private readonly TempFolders temp = new();

    public void Dispose() => temp.Dispose();

    private string SavedTinyModel()
    {
        using var model = new SpatialVlmModel(TestModels.Tiny, initSeed: 1);
        var dir = Path.Combine(temp.New(), "ckpt");
        Checkpoint.SaveModel(model, dir);
        return dir;
    }

    [Fact]
    public void A_truncated_weights_file_is_a_one_line_checkpoint_error()
    {
        var dir = SavedTinyModel();
        var weights = Path.Combine(dir, Checkpoint.ModelFile);
        var bytes = File.ReadAllBytes(weights);
        File.WriteAllBytes(weights, bytes[..(bytes.Length / 2)]);
        var error = Assert.Throws<CheckpointException>(() => Checkpoint.LoadModel(dir));
        Assert.Contains("truncated", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_corrupted_weights_file_of_the_right_size_is_caught_by_its_hash()
    {
        var dir = SavedTinyModel();
        var weights = Path.Combine(dir, Checkpoint.ModelFile);
        var bytes = File.ReadAllBytes(weights);
        bytes[^10] ^= 0xFF;
        File.WriteAllBytes(weights, bytes);
        var error = Assert.Throws<CheckpointException>(() => Checkpoint.LoadModel(dir));
        Assert.Contains("SHA-256", error.Message);
    }

    [Fact]
    public void A_checkpoint_made_for_another_configuration_is_a_one_line_error()
    {
        var dir = SavedTinyModel();
        var error = Assert.Throws<CheckpointException>(() => Checkpoint.LoadModel(dir, expectedConfig: VlmConfig.Preset("nano")));
        Assert.Contains("'tiny-test'", error.Message);
        Assert.Contains("'nano'", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Weights_that_do_not_fit_the_manifest_configuration_are_a_checkpoint_error()
    {
        var dir = SavedTinyModel();
        using var other = new SpatialVlmModel(VlmConfig.Preset("nano"), initSeed: 1);
        var otherDir = Path.Combine(temp.New(), "other");
        Checkpoint.SaveModel(other, otherDir);
        // Swap in another model's weights and record their size and hash so only the shapes disagree.
        File.Copy(Path.Combine(otherDir, Checkpoint.ModelFile), Path.Combine(dir, Checkpoint.ModelFile), overwrite: true);
        var manifestPath = Path.Combine(dir, Checkpoint.ManifestFile);
        var manifest = System.Text.Json.JsonSerializer.Deserialize<CheckpointManifest>(File.ReadAllText(manifestPath), Checkpoint.Json)!;
        manifest.Files[Checkpoint.ModelFile] = new CheckpointFile(new FileInfo(Path.Combine(dir, Checkpoint.ModelFile)).Length, Checkpoint.Sha256Of(Path.Combine(dir, Checkpoint.ModelFile)));
        File.WriteAllText(manifestPath, System.Text.Json.JsonSerializer.Serialize(manifest, Checkpoint.Json));
        Assert.Throws<CheckpointException>(() => Checkpoint.LoadModel(dir));
    }

    [Fact]
    public void An_unreadable_optimizer_state_is_a_checkpoint_error_on_resume()
    {
        var run = temp.New();
        using (var trainer = Trainer.Create(TestModels.Tiny, new TrainingOptions { OutputDirectory = run, Steps = 1, BatchSize = 2, WarmupSteps = 0 }))
            trainer.Train(TestModels.QaPairs());
        var step = Checkpoint.Resolve(run);
        var optimizerFile = Path.Combine(step, Checkpoint.OptimizerFile);
        File.WriteAllBytes(optimizerFile, [1, 2, 3, 4, 5, 6, 7, 8]);
        // With a matching size and hash recorded, only the loader can notice.
        var manifestPath = Path.Combine(step, Checkpoint.ManifestFile);
        var manifest = System.Text.Json.JsonSerializer.Deserialize<CheckpointManifest>(File.ReadAllText(manifestPath), Checkpoint.Json)!;
        manifest.Files[Checkpoint.OptimizerFile] = new CheckpointFile(8, Checkpoint.Sha256Of(optimizerFile));
        File.WriteAllText(manifestPath, System.Text.Json.JsonSerializer.Serialize(manifest, Checkpoint.Json));
        var error = Assert.Throws<CheckpointException>(() => Trainer.Resume(run));
        Assert.Contains("optimizer", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Missing_and_unreadable_checkpoints_are_checkpoint_errors()
    {
        var empty = temp.New();
        Assert.Contains("no checkpoint", Assert.Throws<CheckpointException>(() => Checkpoint.LoadModel(empty)).Message);
        var dir = SavedTinyModel();
        File.WriteAllText(Path.Combine(dir, Checkpoint.ManifestFile), "{ not json");
        Assert.Throws<CheckpointException>(() => Checkpoint.LoadModel(dir));
        var modelOnly = SavedTinyModel();
        Assert.Contains("model only", Assert.Throws<CheckpointException>(() => Trainer.Resume(modelOnly)).Message);
    }

    [Fact]
    public void A_run_folder_and_its_latest_pointer_resolve_to_the_newest_checkpoint()
    {
        var run = temp.New();
        var step = Path.Combine(run, "checkpoints", "step-4");
        using var model = new SpatialVlmModel(TestModels.Tiny, initSeed: 1);
        Checkpoint.SaveModel(model, step, step: 4);
        File.WriteAllText(Path.Combine(run, "latest"), "checkpoints/step-4\n");
        Assert.Equal(Path.GetFullPath(step), Checkpoint.Resolve(run));
        Assert.Equal(Path.GetFullPath(step), Checkpoint.Resolve(Path.Combine(run, "latest")));
        Assert.Equal(4, Checkpoint.ReadManifest(run).Step);
    }
}
