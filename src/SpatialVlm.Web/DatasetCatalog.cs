using System.Globalization;
using System.Text;
using SpatialVlm.Contracts.Dataset;
using SpatialVlm.Core;
using SpatialVlm.Geometry;
using SpatialVlm.Questions;

namespace SpatialVlm.Web;

/// <summary>
/// A dataset folder as the viewer serves it: one streaming pass at start indexes dataset.jsonl (line offsets) and keeps a
/// small summary per image (id, counts, which question types and skip reasons it has) for the grid and its filters;
/// an image's full record is read from its line on request.
/// </summary>
public sealed class DatasetCatalog
{
    private sealed record RecordSummary(string Id, string Image, bool ImageMissing, int Objects, int Qa, int Skipped,
        HashSet<string> Types, HashSet<string> Reasons, string? Error);

    private readonly LineIndex index;
    private readonly RecordSummary[] records;
    private readonly FolderPaths paths;

    public DatasetSummary Summary { get; }

    private DatasetCatalog(LineIndex index, RecordSummary[] records, FolderPaths paths, DatasetSummary summary)
    {
        this.index = index;
        this.records = records;
        this.paths = paths;
        Summary = summary;
    }

    public static DatasetCatalog Open(string root)
    {
        var folder = new DatasetFolder(root);
        var paths = new FolderPaths(folder.Root);
        var summaries = new List<RecordSummary>();
        var qaByType = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var objectSkips = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var questionSkips = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int objects = 0, qa = 0, missing = 0, unreadable = 0, pointsFiles = 0;
        var index = LineIndex.Build(folder.RecordsPath, (i, bytes) =>
        {
            DatasetRecord record;
            try
            {
                record = DatasetRecordJson.Deserialize(Encoding.UTF8.GetString(bytes), $"{DatasetFolder.RecordsFile} record {i + 1}");
            }
            catch (SpatialVlmException e)
            {
                unreadable++;
                summaries.Add(new RecordSummary($"record {i + 1}", "", true, 0, 0, 0, [], [], e.Message));
                return;
            }
            var types = new HashSet<string>(StringComparer.Ordinal);
            foreach (var q in record.Qa)
            {
                types.Add(q.Type.Id);
                qaByType[q.Type.Id] = qaByType.GetValueOrDefault(q.Type.Id) + 1;
            }
            var reasons = new HashSet<string>(StringComparer.Ordinal);
            foreach (var s in record.Skipped)
            {
                reasons.Add(s.Reason);
                objectSkips[s.Reason] = objectSkips.GetValueOrDefault(s.Reason) + 1;
            }
            foreach (var (reason, count) in record.SkippedQuestions)
            {
                reasons.Add(reason);
                questionSkips[reason] = questionSkips.GetValueOrDefault(reason) + count;
            }
            var imageMissing = paths.Resolve(record.Image) is not { } image || !File.Exists(image);
            if (imageMissing) missing++;
            pointsFiles += record.Objects.Count(o => o.PointsFile != null);
            objects += record.Objects.Count;
            qa += record.Qa.Count;
            summaries.Add(new RecordSummary(record.Id, record.Image, imageMissing, record.Objects.Count, record.Qa.Count,
                record.Skipped.Count, types, reasons, null));
        });
        var summary = new DatasetSummary(summaries.Count, unreadable, objects, qa, missing, qaByType, objectSkips, questionSkips, pointsFiles);
        return new DatasetCatalog(index, [.. summaries], paths, summary);
    }

    public int Count => records.Length;

    /// <summary>Bytes of dataset.jsonl read to answer requests so far.</summary>
    public long BytesReadForRequests => index.BytesRead;

    /// <summary>Images having a question of <paramref name="type"/> and a skip of <paramref name="reason"/> (null: any), a page of them.</summary>
    public Page<RecordCard> Cards(int offset, int limit, string? type, string? reason)
    {
        var matching = Enumerable.Range(0, records.Length)
            .Where(i => (type == null || records[i].Types.Contains(type)) && (reason == null || records[i].Reasons.Contains(reason)));
        int total = 0;
        var items = new List<RecordCard>();
        foreach (var i in matching)
        {
            if (total >= offset && items.Count < limit)
            {
                var r = records[i];
                items.Add(new RecordCard(i, r.Id, r.Image, r.ImageMissing ? null : FileUrl(r.Image), r.ImageMissing, r.Objects, r.Qa, r.Skipped, r.Error));
            }
            total++;
        }
        return new Page<RecordCard>(total, offset, limit, items);
    }

    /// <summary>One image's record, its questions limited to <paramref name="type"/> when given.</summary>
    public RecordDetail Detail(int i, string? type)
    {
        var record = Read(i);
        var imageMissing = records[i].ImageMissing;
        var overlay = Path.Combine("overlays", record.Id + ".png");
        var objectsById = record.Objects.ToDictionary(o => o.Id);
        var objects = record.Objects.Select(o => new ObjectView(o.Id, o.Caption, o.Category, o.Name,
            [o.Box.Center.X, o.Box.Center.Y, o.Box.Center.Z], [o.Box.Width, o.Box.Length, o.Box.Height], o.Box.Yaw, o.Points, o.SizeKnown,
            o.MarginScale, o.HiddenOutline, o.Truncated, o.ShallowFootprint,
            o.Mask is { } m ? new MaskView(m.Height, m.Width, m.Counts) : null,
            o.PointsFile, o.PointsFile != null && (paths.Resolve(o.PointsFile) is not { } f || !File.Exists(f)))).ToList();
        var qa = record.Qa.Where(q => type == null || q.Type.Id == type).Select(q =>
        {
            var a = objectsById.GetValueOrDefault(q.A);
            var b = q.B == QaItem.NoObject ? null : objectsById.GetValueOrDefault(q.B);
            return new QaView(q.Type.Id, q.Type.Kind.ToString().ToLowerInvariant(), q.A, q.B == QaItem.NoObject ? null : q.B,
                a?.Name ?? a?.Caption, b?.Name ?? b?.Caption, q.Question, q.Answer, ValueText(q.Value), q.Uncertain,
                Math.Max(a?.MarginScale ?? 1, b?.MarginScale ?? 1));
        }).ToList();
        return new RecordDetail(i, record.Id, record.Image, imageMissing ? null : FileUrl(record.Image), imageMissing,
            paths.Resolve(overlay) is { } o && File.Exists(o) ? FileUrl(overlay.Replace('\\', '/')) : null,
            record.Width, record.Height,
            new FrameView(record.Frame.Canonicalized, record.Frame.Source, record.Frame.Failure, record.Frame.WorldFromCamera.ToMatrix4x4()),
            objects, record.Qa.Count, qa, record.Skipped.Select(s => new SkipView(s.Scope, s.Id, s.Reason)).ToList(),
            record.SkippedQuestions, record.Perception is { } notes ? PerceptionNotesJson.ToJson(notes) : null);
    }

    /// <summary>
    /// The denoised points of the image's objects (points/*.ply), at most <paramref name="maxPoints"/> in all: beyond that every
    /// object keeps an even stride of its points, the same share for each.
    /// </summary>
    public PointsView Points(int i, int maxPoints)
    {
        var record = Read(i);
        var problems = new List<string>();
        var clouds = new List<(int Id, PointCloud Cloud)>();
        foreach (var o in record.Objects)
        {
            if (o.PointsFile is null) continue;
            if (paths.Resolve(o.PointsFile) is not { } file) { problems.Add($"object {o.Id}: {o.PointsFile} is outside the folder"); continue; }
            if (!File.Exists(file)) { problems.Add($"object {o.Id}: {o.PointsFile} is missing"); continue; }
            try
            {
                using var stream = File.OpenRead(file);
                clouds.Add((o.Id, PlyWriter.Read(stream)));
            }
            catch (Exception e) when (e is InvalidDataException or IOException or FormatException or EndOfStreamException)
            {
                problems.Add($"object {o.Id}: {o.PointsFile}: {e.Message.Split('\n')[0]}");
            }
        }
        if (clouds.Count == 0 && record.Objects.All(o => o.PointsFile is null))
            problems.Add("no point files in this record (synth --full writes them)");
        long total = clouds.Sum(c => (long)c.Cloud.Count);
        var stride = total > maxPoints ? (int)Math.Ceiling(total / (double)maxPoints) : 1;
        var objects = clouds.Select(c =>
        {
            var kept = (c.Cloud.Count + stride - 1) / stride;
            var xyz = new float[kept * 3];
            for (int k = 0, p = 0; p < c.Cloud.Count; p += stride, k++)
            {
                xyz[3 * k] = c.Cloud.X[p];
                xyz[3 * k + 1] = c.Cloud.Y[p];
                xyz[3 * k + 2] = c.Cloud.Z[p];
            }
            return new ObjectPoints(c.Id, c.Cloud.Count, kept, xyz);
        }).ToList();
        return new PointsView(i, maxPoints, (int)total, objects.Sum(o => o.Kept), stride > 1, objects, problems);
    }

    private DatasetRecord Read(int i)
    {
        if (i < 0 || i >= records.Length) throw new RequestException($"no record {i} (the dataset has {records.Length})", 404);
        if (records[i].Error is { } error) throw new SpatialVlmException(error);
        return DatasetRecordJson.Deserialize(index.Read(i), $"{DatasetFolder.RecordsFile} record {i + 1}");
    }

    private static string FileUrl(string relative) => "/files?root=0&path=" + Uri.EscapeDataString(relative);

    private static string ValueText(object value) => value switch
    {
        bool b => b ? "true" : "false",
        double d => d.ToString("0.####", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}

/// <summary>A request the server cannot answer as asked (bad parameter, no such item): a 4xx with this message.</summary>
public sealed class RequestException(string message, int status = 400) : Exception(message)
{
    public int Status { get; } = status;
}
