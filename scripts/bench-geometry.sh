#!/usr/bin/env bash
# Runs `spatialvlm bench geometry` and its Open3D peer (scripts/bench_open3d_geometry.py, Debian's python3-open3d)
# on the same RGB-D frame, one after the other, and prints both JSON objects and the speed ratio (Open3D / ours).
# Usage: scripts/bench-geometry.sh [--color C --depth D --depth-scale S --intrinsics fx,fy,cx,cy] [--runs R]
# Defaults: ../shared/data/rgbd frame 00000, scale 1000, PrimeSense intrinsics, 5 runs.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
data="$root/../shared/data/rgbd"
color="$data/color/00000.jpg"; depth="$data/depth/00000.png"; scale=1000; intrinsics=525,525,319.5,239.5; runs=5
while [ $# -gt 0 ]; do
  case "$1" in
    --color) color="$2"; shift 2 ;;
    --depth) depth="$2"; shift 2 ;;
    --depth-scale) scale="$2"; shift 2 ;;
    --intrinsics) intrinsics="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    *) echo "error: unknown argument $1" >&2; exit 2 ;;
  esac
done
dotnet build "$root/src/SpatialVlm.Cli" -c Release -nologo -v q >/dev/null
exe="$root/src/SpatialVlm.Cli/bin/Release/net10.0/linux-x64/spatialvlm"
args=(--color "$color" --depth "$depth" --depth-scale "$scale" --intrinsics "$intrinsics" --runs "$runs")
ours="$("$exe" bench geometry "${args[@]}")"
peer="$(/usr/bin/python3 "$root/scripts/bench_open3d_geometry.py" "${args[@]}")"
echo "ours:   $ours"
echo "open3d: $peer"
/usr/bin/python3 - "$ours" "$peer" <<'PY'
import json, math, sys
ours, peer = json.loads(sys.argv[1]), json.loads(sys.argv[2])
ratio = {k: round(peer[k] / ours[k], 2) for k in ours if k.endswith("_ms") and ours[k] > 0}
n1, n2 = ours["plane"][:3], peer["plane"][:3]
angle = math.degrees(math.acos(min(1.0, abs(sum(a * b for a, b in zip(n1, n2))))))
agree = {
    "points_equal": ours["points"] == peer["points"],
    "after_outlier_rel": round(ours["after_outlier"] / peer["after_outlier"] - 1, 4),
    "after_voxel_rel": round(ours["after_voxel"] / peer["after_voxel"] - 1, 4),
    "clusters_diff": ours["clusters"] - peer["clusters"],
    "plane_angle_deg": round(angle, 2),
}
print("ratio (open3d / ours): " + json.dumps(ratio))
print("agreement: " + json.dumps(agree))
PY
