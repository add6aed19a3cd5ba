#!/usr/bin/env bash
# Scaling of run-shards with the worker count (issue 16). Model time is simulated: each image first sleeps
# --simulate-model-ms (a stand-in for a GPU model call that holds no core). For 1, 2, 4 and 8 workers the same plan
# runs into a fresh folder; prints one JSON object: throughput, speed-up over one worker, and where each shard's time
# went (process start-up, manifest check, input checksum, synthesis incl. the simulated time, manifest write, rest).
# Usage: scripts/shards-scaling.sh [--simulate-model-ms 200] [--scenes 64] [--shard-size 4] [--size 160x120] [--workers "1 2 4 8"] [--no-build]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
ms=200; scenes=64; shard_size=4; size=160x120; counts="1 2 4 8"
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0; shift ;;
    --simulate-model-ms) ms="$2"; shift 2 ;;
    --scenes) scenes="$2"; shift 2 ;;
    --shard-size) shard_size="$2"; shift 2 ;;
    --size) size="$2"; shift 2 ;;
    --workers) counts="$2"; shift 2 ;;
    *) echo "error: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ "$build" = 0 ] || dotnet build "$root/src/SpatialVlm.Cli" -c Release -nologo -v q >/dev/null
exe="$root/src/SpatialVlm.Cli/bin/Release/net10.0/linux-x64/spatialvlm"
work="$(mktemp -d /tmp/shards-scaling.XXXXXX)"; trap 'rm -rf "$work"' EXIT
reports=()
for n in $counts; do
  "$exe" plan --scenes "$scenes" --seed 1 --shard-size "$shard_size" --size "$size" --out "$work/w$n" >/dev/null
  "$exe" run-shards "$work/w$n/plan.json" --workers "$n" --retries 0 --simulate-model-ms "$ms" --report "$work/w$n.json" >/dev/null
  reports+=("$work/w$n.json")
done
python3 - "$ms" "$scenes" "$shard_size" "$size" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" "${reports[@]}" <<'PY'
import json, sys
ms, scenes, shard_size, size, cores, load = sys.argv[1:7]
runs = [json.load(open(p)) for p in sys.argv[7:]]
base = runs[0]["images_per_second"]
print(json.dumps({
  "simulate_model_ms": int(ms), "scenes": int(scenes), "shard_size": int(shard_size), "size": size, "cores": int(cores), "loadavg_at_end": load,
  "runs": [{
    "workers": r["workers"], "seconds": round(r["seconds"], 1), "images_per_second": round(r["images_per_second"], 2),
    "speedup": round(r["images_per_second"] / base, 2), "speedup_per_worker": round(r["images_per_second"] / base / r["workers"], 2),
    "per_shard_ms": {k: round(v) for k, v in r["per_shard"].items()},
  } for r in runs],
}, indent=1))
PY
