using System.Globalization;
using FFMpegCore;
using FFMpegCore.Exceptions;
using SpatialVlm.Core;

namespace SpatialVlm.Rewards;

/// <summary>How a video is decoded to frames.</summary>
/// <param name="FfmpegFolder">the folder holding the ffmpeg binary; null: the first ffmpeg on <paramref name="SearchPath"/></param>
/// <param name="SearchPath">the PATH-style list searched for ffmpeg (the caller passes the environment's PATH)</param>
/// <param name="Fps">frames per second to sample; null: every decoded frame</param>
public sealed record VideoDecodeOptions(string? FfmpegFolder, string? SearchPath, double? Fps = null);

/// <summary>A video decoded to a folder of PNG frames through the system's ffmpeg (FFMpegCore).</summary>
public static class VideoFrames
{
    public const string MissingFfmpeg = "ffmpeg was not found: decoding a video needs Debian's package ffmpeg (apt-get install -y ffmpeg)";

    /// <summary>The ffmpeg binary's folder, or null when there is none.</summary>
    public static string? FindFfmpeg(VideoDecodeOptions options)
    {
        var folders = options.FfmpegFolder is { } f ? [f] : (options.SearchPath ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return folders.FirstOrDefault(d => File.Exists(Path.Combine(d, "ffmpeg")));
    }

    /// <summary>
    /// Decodes <paramref name="video"/> into <paramref name="outDir"/> as 000001.png, 000002.png, … (earlier PNGs there are
    /// removed first) and returns them as an image sequence. A missing ffmpeg, a file ffmpeg cannot decode, or a video
    /// without frames is a one-line error.
    /// </summary>
    public static FrameSequence Decode(string video, string outDir, VideoDecodeOptions options, CancellationToken ct)
    {
        if (!File.Exists(video)) throw new SpatialVlmException($"{video}: no such folder or video file");
        var folder = FindFfmpeg(options) ?? throw new SpatialVlmException(MissingFfmpeg);
        Directory.CreateDirectory(outDir);
        foreach (var old in Directory.GetFiles(outDir, "*.png")) File.Delete(old);
        var ff = new FFOptions { BinaryFolder = folder, TemporaryFilesFolder = outDir, WorkingDirectory = outDir };
        var errors = new List<string>();
        FFMpegResult result;
        try
        {
            result = FFMpegArguments.FromFileInput(Path.GetFullPath(video))
                .OutputToFile(Path.Combine(Path.GetFullPath(outDir), "%06d.png"), true, o =>
                {
                    o.DisableAudio().WithCustomArgument("-fps_mode passthrough");
                    if (options.Fps is { } fps) o.WithCustomArgument(string.Create(CultureInfo.InvariantCulture, $"-vf fps={fps}"));
                })
                .NotifyOnStandardError(line => { lock (errors) errors.Add(line); })
                .ProcessSynchronously(false, ff, ct);
        }
        catch (Exception e) when (e is FFMpegException or System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new SpatialVlmException($"{video}: ffmpeg could not decode it ({FirstLine(e.Message)})", e);
        }
        if (!result.Success)
            throw new SpatialVlmException($"{video}: ffmpeg could not decode it ({Reason(result.StandardError.Count > 0 ? result.StandardError : errors, video)})");
        var frames = FrameSequence.FromFolderOfImages(outDir, FrameSourceKind.Video, Path.GetFullPath(video));
        return frames ?? throw new SpatialVlmException($"{video}: ffmpeg decoded no frames from it");
    }

    /// <summary>ffmpeg's last error line that says what went wrong (it prints its banner and stream list first).</summary>
    private static string Reason(IReadOnlyList<string> stderr, string video)
    {
        var name = Path.GetFileName(video);
        var lines = stderr.Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        var line = lines.LastOrDefault(l => l.Contains(name, StringComparison.Ordinal) && l.Contains(':'))
                   ?? lines.LastOrDefault(l => l.Contains("rror", StringComparison.Ordinal) || l.Contains("nvalid", StringComparison.Ordinal))
                   ?? lines.LastOrDefault() ?? "no message";
        return Printable.Clip(line, 200);
    }

    private static string FirstLine(string text) => Printable.Clip(text.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? "", 200);
}
