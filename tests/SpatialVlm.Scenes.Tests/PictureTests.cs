using SpatialVlm.Core;
using SpatialVlm.Imaging;
using SpatialVlm.Scenes;

namespace SpatialVlm.Scenes.Tests;

public class PictureTests
{
    [Fact]
    public void OverlayAndContactSheetAreImagesOfTheRightSize()
    {
        using var dir = SceneFixtures.NewTempDir();
        new SceneBatch(SceneFixtures.Small, dir, overlays: true).Run(60, 5);
        var overlay = ColorImageCodec.DecodeFile(Path.Combine(dir, "scene-000060", SceneOverlay.FileName));
        var image = ColorImageCodec.DecodeFile(Path.Combine(dir, "scene-000060", "image.png"));
        Assert.Equal((160, 120), (overlay.Width, overlay.Height));
        Assert.False(overlay.Pixels.AsSpan().SequenceEqual(image.Pixels), "the overlay draws something");
        var sheet = Path.Combine(dir, "sheet.png");
        SceneContactSheet.Write(sheet, Directory.GetDirectories(dir).Order(StringComparer.Ordinal).ToList(), columns: 2, thumbWidth: 160);
        var s = ColorImageCodec.DecodeFile(sheet);
        Assert.Equal(2 * 160, s.Width);
        Assert.True(s.Height >= 3 * 120);
    }

    [Fact]
    public void BatchSkipsCompleteFoldersAndRedoesBrokenOnes()
    {
        using var dir = SceneFixtures.NewTempDir();
        var batch = new SceneBatch(SceneFixtures.Small, dir);
        batch.Run(70, 2);
        var kept = Path.Combine(dir, "scene-000070", "image.png");
        var stamp = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(kept, stamp);
        File.Delete(Path.Combine(dir, "scene-000071", "depth.png"));
        var again = batch.Run(70, 2);
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(kept));
        Assert.True(SceneFolder.IsComplete(Path.Combine(dir, "scene-000071")));
        Assert.Equal(["scene-000070", "scene-000071"], again.Select(d => d.Id));
        var e = Assert.Throws<SpatialVlmException>(() => new SceneBatch(SceneFixtures.Medium, dir).Run(70, 1));
        Assert.Contains("160x120", e.Message);
    }
}
