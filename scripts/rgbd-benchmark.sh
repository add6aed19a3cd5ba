#!/usr/bin/env bash
# Builds the real RGB-D benchmark of docs/experiments.md (the domain-gap experiment): the five Redwood frames of
# ../shared/data/rgbd with hand-drawn COCO boxes (chair, curtain, the cabinet cut off at the right edge; boxes measured
# on frames 0 and 4, linearly interpolated between), then `benchmark build --from` over it (answers measured from
# the sensor depth). Usage: scripts/rgbd-benchmark.sh OUT   (writes OUT/frames/ and OUT/bench.jsonl)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:?usage: scripts/rgbd-benchmark.sh OUT}"
shared="$here/../../shared/data/rgbd"
[ -d "$shared/color" ] || { echo "the shared RGB-D frames are missing: expected $shared" >&2; exit 1; }
cli="$here/../src/SpatialVlm.Cli/bin/Release/net10.0/linux-x64/spatialvlm"
[ -x "$cli" ] || dotnet build "$here/../src/SpatialVlm.Cli" -c Release >/dev/null
frames="$out/frames"
rm -rf "$frames"
mkdir -p "$frames/color" "$frames/depth"
for i in 0 1 2 3 4; do
  cp "$shared/color/0000$i.jpg" "$frames/color/"
  cp "$shared/depth/0000$i.png" "$frames/depth/"
done
echo '{"fx":525,"fy":525,"cx":319.5,"cy":239.5,"depth_format":"png16","depth_scale":1000}' > "$frames/intrinsics.json"
python3 - "$frames/annotations.json" <<'PY'
import json, sys
# [x, y, w, h] on frame 0 and frame 4; frames 1-3 between them.
first = {"chair": [335, 105, 280, 280], "curtain": [172, 0, 100, 362], "cabinet": [600, 205, 40, 170]}
last = {"chair": [325, 108, 275, 280], "curtain": [160, 0, 105, 365], "cabinet": [585, 210, 55, 180]}
cats = list(first)
images, annotations = [], []
for i in range(5):
    t = i / 4
    images.append({"id": i + 1, "file_name": f"0000{i}.jpg", "width": 640, "height": 480})
    for c, name in enumerate(cats):
        box = [round(a + (b - a) * t, 1) for a, b in zip(first[name], last[name])]
        annotations.append({"id": len(annotations) + 1, "image_id": i + 1, "category_id": c + 1, "bbox": box})
json.dump({"images": images, "annotations": annotations,
           "categories": [{"id": c + 1, "name": n} for c, n in enumerate(cats)]}, open(sys.argv[1], "w"))
PY
"$cli" benchmark build --from "$frames" --out "$out/bench.jsonl" --per-scene 40
