using System.Diagnostics;
using SpatialVlm.Core;

namespace SpatialVlm.Rewards.Tests;

/// <summary>Video input through the system's ffmpeg (Debian package ffmpeg; .ci/run installs it).</summary>
public sealed class VideoFramesTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("reward-video-").FullName;
    public void Dispose() { try { Directory.Delete(dir, recursive: true); } catch (IOException) { } }

    private static readonly VideoDecodeOptions System = new(null, Environment.GetEnvironmentVariable("PATH"));

    /// <summary>An mp4 of 12 frames in which the red square approaches the blue one, encoded by ffmpeg itself.</summary>
    private string ApproachVideo()
    {
        var frames = Directory.CreateDirectory(Path.Combine(dir, "rendered")).FullName;
        for (int i = 0; i < 12; i++) TestFrames.WriteSquares(Path.Combine(frames, $"{i:D4}.png"), 320, 80, 10 + 12 * i, 240);
        var video = Path.Combine(dir, "approach.mp4");
        var ffmpeg = Path.Combine(VideoFrames.FindFfmpeg(System) ?? throw new InvalidOperationException(VideoFrames.MissingFfmpeg), "ffmpeg");
        using var process = Process.Start(new ProcessStartInfo(ffmpeg,
            ["-y", "-loglevel", "error", "-framerate", "6", "-i", Path.Combine(frames, "%04d.png"), "-c:v", "mpeg4", "-q:v", "2", "-pix_fmt", "yuv420p", video])
            { RedirectStandardError = true })!;
        var err = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, err);
        return video;
    }

    [Fact]
    public async Task AVideoIsDecodedAndAnnotated()
    {
        var video = ApproachVideo();
        var sequence = VideoFrames.Decode(video, Path.Combine(dir, "out", "video-frames"), System, CancellationToken.None);
        Assert.Equal(FrameSourceKind.Video, sequence.Kind);
        Assert.Equal(12, sequence.Frames.Count);
        Assert.All(sequence.Frames, f => Assert.Equal((320, 80), (f.Width, f.Height)));
        var run = await new RewardRunner(new PixelModel(), "pixels", new RewardOptions { A = "the red square", B = "the blue square" })
            .RunAsync(sequence, null, CancellationToken.None);
        Assert.Equal(12, run.Answered);
        Assert.Equal("video", run.SourceKind);
        Assert.Equal(2.3, run.Frames[0].Distance!.Value, 1);
        for (int i = 1; i < 12; i++) Assert.True(run.Frames[i].SmoothedReward >= run.Frames[i - 1].SmoothedReward - 1e-9, $"frame {i}");
        Assert.Equal(1, run.Frames[^1].Progress);
    }

    [Fact]
    public void AVideoThatWillNotDecodeIsAOneLineError()
    {
        var bad = Path.Combine(dir, "broken.mp4");
        File.WriteAllBytes(bad, [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 37 % 251))]);
        var e = Assert.Throws<SpatialVlmException>(() => VideoFrames.Decode(bad, Path.Combine(dir, "out"), System, CancellationToken.None));
        Assert.Contains("ffmpeg could not decode it", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void WithoutFfmpegTheErrorNamesTheDebianPackage()
    {
        var video = Path.Combine(dir, "any.mp4");
        File.WriteAllBytes(video, [0, 0, 0, 0]);
        var empty = Directory.CreateDirectory(Path.Combine(dir, "no-ffmpeg-here")).FullName;
        var e = Assert.Throws<SpatialVlmException>(() => VideoFrames.Decode(video, Path.Combine(dir, "out"), new VideoDecodeOptions(null, empty), CancellationToken.None));
        Assert.Contains("package ffmpeg", e.Message);
        Assert.Contains("apt-get install -y ffmpeg", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
