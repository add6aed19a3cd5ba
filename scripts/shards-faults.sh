#!/usr/bin/env bash
# Exactly once under faults (issue 16): a procedural plan run twice, once without faults and once with `kill -9` sent to
# random worker processes while it runs (--retries 0, so the killed shards stay unfinished) followed by a plain rerun.
# Both are merged and compared row for row (ids, bytes per record, images, Parquet files). Prints one JSON object.
# Usage: scripts/shards-faults.sh [--scenes 80] [--shard-size 2] [--workers 4] [--kills 6] [--kill-window 90] [--size 160x120] [--seed 1] [--keep DIR] [--no-build]
# The kills are spread over about --kill-window seconds (random gaps averaging window/kills).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
scenes=80; shard_size=2; workers=4; kills=6; window=90; size=160x120; seed=1; keep=""
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0; shift ;;
    --scenes) scenes="$2"; shift 2 ;;
    --shard-size) shard_size="$2"; shift 2 ;;
    --workers) workers="$2"; shift 2 ;;
    --kills) kills="$2"; shift 2 ;;
    --kill-window) window="$2"; shift 2 ;;
    --size) size="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --keep) keep="$2"; shift 2 ;;
    *) echo "error: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ "$build" = 0 ] || dotnet build "$root/src/SpatialVlm.Cli" -c Release -nologo -v q >/dev/null
exe="$root/src/SpatialVlm.Cli/bin/Release/net10.0/linux-x64/spatialvlm"
work="${keep:-$(mktemp -d /tmp/shards-faults.XXXXXX)}"; mkdir -p "$work"
[ -n "$keep" ] || trap 'rm -rf "$work"' EXIT
plan_args=(--scenes "$scenes" --seed "$seed" --shard-size "$shard_size" --size "$size")

# 1. Uninterrupted.
"$exe" plan "${plan_args[@]}" --out "$work/clean" >/dev/null
start=$(date +%s.%N)
"$exe" run-shards "$work/clean/plan.json" --workers "$workers" >"$work/clean.log"
clean_s=$(echo "$(date +%s.%N) - $start" | bc)
"$exe" merge "$work/clean" >/dev/null

# 2. With kill -9 of random workers, then a rerun.
"$exe" plan "${plan_args[@]}" --out "$work/faulty" >/dev/null
start=$(date +%s.%N)
"$exe" run-shards "$work/faulty/plan.json" --workers "$workers" --retries 0 >"$work/faulty.log" 2>"$work/faulty.err" &
coord=$!
killed=()
for ((k = 0; k < kills; k++)); do
  sleep "$(awk -v r=$RANDOM -v w="$window" -v k="$kills" 'BEGIN { printf "%.2f", 0.5 + 2 * (w / k) * r / 32768 }')"
  mapfile -t pids < <(pgrep -P "$coord" || true)
  [ "${#pids[@]}" -gt 0 ] || break
  pid="${pids[RANDOM % ${#pids[@]}]}"
  shard="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -o 'shard-[0-9]*' || true)"
  if kill -9 "$pid" 2>/dev/null; then killed+=("$shard"); fi
done
set +e; wait "$coord"; faulty_exit=$?; set -e
# Killed shards with a folder but no manifest were killed mid-shard; the others before they wrote anything.
unfinished=$(for d in "$work"/faulty/shards/shard-*; do [ -f "$d/manifest.json" ] || basename "$d"; done | wc -l)
"$exe" run-shards "$work/faulty/plan.json" --workers "$workers" >"$work/rerun.log"
faulty_s=$(echo "$(date +%s.%N) - $start" | bc)
"$exe" merge "$work/faulty" >/dev/null

python3 - "$work" "$faulty_exit" "$unfinished" "$clean_s" "$faulty_s" "$scenes" "$shard_size" "$workers" "$size" "$(tail -n1 "$work/faulty.err")" "$(tail -n1 "$work/rerun.log")" "${killed[@]}" <<'PY'
import hashlib, json, os, sys
work, faulty_exit, unfinished, clean_s, faulty_s, scenes, shard_size, workers, size, err, rerun = sys.argv[1:12]
killed = sys.argv[12:]
a, b = os.path.join(work, "clean", "merged"), os.path.join(work, "faulty", "merged")
la = open(os.path.join(a, "dataset.jsonl"), "rb").read().split(b"\n")[:-1]
lb = open(os.path.join(b, "dataset.jsonl"), "rb").read().split(b"\n")[:-1]
ids_a = [json.loads(l)["id"] for l in la]; ids_b = [json.loads(l)["id"] for l in lb]
def files(d): return sorted(os.path.relpath(os.path.join(p, f), d) for p, _, fs in os.walk(d) for f in fs)
def digest(p): return hashlib.sha256(open(p, "rb").read()).hexdigest()
fa, fb = files(a), files(b)
differing = [f for f in fa if f in fb and digest(os.path.join(a, f)) != digest(os.path.join(b, f))]
manifest = json.load(open(os.path.join(b, "manifest.json")))
names = [s["name"] for s in manifest["shards"]]
print(json.dumps({
  "scenes": int(scenes), "shard_size": int(shard_size), "shards": len(names), "workers": int(workers), "size": size,
  "kills_sent": len(killed), "killed_shards": killed, "faulty_run_exit": int(faulty_exit), "faulty_run_error": err,
  "unfinished_after_faulty_run": int(unfinished), "rerun": rerun,
  "rows_clean": len(la), "rows_after_faults": len(lb), "same_ids_in_order": ids_a == ids_b,
  "identical_records": la == lb, "records_differing": sum(x != y for x, y in zip(la, lb)),
  "duplicate_ids": len(ids_b) - len(set(ids_b)), "duplicate_shards_in_manifest": len(names) - len(set(names)),
  "all_shards_merged": all(s["status"] == "merged" for s in manifest["shards"]),
  "same_file_list": fa == fb, "files_compared": len(fa), "files_differing": differing,
  "parquet_files": [f for f in fa if f.endswith(".parquet")],
  "seconds_uninterrupted": round(float(clean_s), 1), "seconds_faulty_plus_rerun": round(float(faulty_s), 1),
}, indent=1))
PY
