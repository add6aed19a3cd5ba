#!/usr/bin/env bash
# Sharded synthesis through the local Slurm (issue 16): a 40-shard procedural plan submitted as an sbatch array with a
# dependent merge job (`spatialvlm slurm --submit`); while it runs, one array task's program (run-shards and its shard
# worker) gets kill -9 (the task requeues itself) and another running task is requeued as a pre-emption would
# (`scontrol requeue`). The merge job's dataset is compared row for row and byte for byte with an uninterrupted local
# run-shards + merge of the same plan. Prints one JSON object.
# Usage: scripts/shards-slurm.sh [--scenes 80] [--shard-size 2] [--size 160x120] [--seed 1] [--array-size 8]
#                                [--max-parallel 2] [--local-workers 2] [--keep DIR]
# Starts the cluster with scripts/slurm-local.sh when it is not running (and stops it again afterwards).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
scenes=80; shard_size=2; size=160x120; seed=1; array_size=8; max_parallel=2; local_workers=2; keep=""
while [ $# -gt 0 ]; do
  case "$1" in
    --scenes) scenes="$2"; shift 2 ;;
    --shard-size) shard_size="$2"; shift 2 ;;
    --size) size="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --array-size) array_size="$2"; shift 2 ;;
    --max-parallel) max_parallel="$2"; shift 2 ;;
    --local-workers) local_workers="$2"; shift 2 ;;
    --keep) keep="$2"; shift 2 ;;
    *) echo "error: unknown argument $1" >&2; exit 2 ;;
  esac
done
dotnet build "$root/src/SpatialVlm.Cli" -c Release -nologo -v q >/dev/null
exe="$root/src/SpatialVlm.Cli/bin/Release/net10.0/linux-x64/spatialvlm"
work="${keep:-$(mktemp -d /tmp/shards-slurm.XXXXXX)}"; mkdir -p "$work"

started_here=0
if ! "$root/scripts/slurm-local.sh" status >/dev/null 2>&1; then
  "$root/scripts/slurm-local.sh" start >"$work/slurm-local.log" 2>&1 || { cat "$work/slurm-local.log" >&2; exit 1; }
  started_here=1
fi
cleanup() {
  [ "$started_here" -eq 0 ] || "$root/scripts/slurm-local.sh" stop >/dev/null 2>&1 || true
  [ -n "$keep" ] || rm -rf "$work"
}
trap cleanup EXIT
eval "$("$root/scripts/slurm-local.sh" env)"
plan_args=(--scenes "$scenes" --seed "$seed" --shard-size "$shard_size" --size "$size")
now() { date +%s.%N; }

# 1. Uninterrupted, on this machine.
"$exe" plan "${plan_args[@]}" --out "$work/local" >/dev/null
start=$(now)
"$exe" run-shards "$work/local/plan.json" --workers "$local_workers" >"$work/local.log"
"$exe" merge "$work/local" >/dev/null
local_s=$(echo "$(now) - $start" | bc)

# 2. Through Slurm, with one task killed and another pre-empted.
plan="$work/slurm/plan.json"
"$exe" plan "${plan_args[@]}" --out "$work/slurm" >/dev/null
slurm_cmd=("$exe" slurm "$plan" --partition debug --array-size "$array_size" --max-parallel "$max_parallel" --submit)
start=$(now)
"${slurm_cmd[@]}" >"$work/submit.log"
array=$(grep -o 'array job [0-9]*' "$work/submit.log" | awk '{print $3}')
merge=$(grep -o 'merge job [0-9]*' "$work/submit.log" | awk '{print $3}')

# A run-shards process of this plan (task index != $1) that has a shard worker under it: prints "task pid".
running_task() {
  local except=$1 pid args task deadline=$((SECONDS + 300))
  while [ $SECONDS -lt $deadline ]; do
    for pid in $(pgrep -f "run-shards $plan" || true); do
      args=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)
      task=$(sed -n 's/.*--task-index \([0-9]*\).*/\1/p' <<<"$args")
      [ -n "$task" ] && [ "$task" != "$except" ] && pgrep -P "$pid" >/dev/null && { echo "$task $pid"; return; }
    done
    sleep 0.2
  done
  echo "error: no array task of $plan ran a shard worker within 300 s" >&2
  echo "none 0"
}
read -r killed_task killed_pid < <(running_task none)
[ "$killed_task" != none ] || exit 1
workers=$(pgrep -P "$killed_pid" | tr '\n' ' ')
kill -9 $workers "$killed_pid"
killed_at=$(echo "$(now) - $start" | bc)
read -r preempted_task _ < <(running_task "$killed_task")
scontrol requeue "${array}_${preempted_task}"
preempted_at=$(echo "$(now) - $start" | bc)

state() { scontrol show job "$1" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2; }
while true; do
  s=$(state "$merge")
  case "$s" in COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|"") break ;; esac
  if scontrol show job "$merge" | grep -q 'Reason=DependencyNeverSatisfied'; then s="DEPENDENCY_NEVER_SATISFIED"; break; fi
  sleep 1
done
slurm_s=$(echo "$(now) - $start" | bc)
tasks_json=$(for ((t = 0; t < array_size; t++)); do
  scontrol show job "${array}_${t}" | awk -v t="$t" '{for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "JobState") st = kv[2]; if (kv[1] == "Restarts") r = kv[2] }} END { printf "{\"task\": %d, \"state\": \"%s\", \"restarts\": %d}\n", t, st, r }'
done | paste -sd, -)
merge_start=$(scontrol show job "$merge" | grep -o 'StartTime=[^ ]*' | cut -d= -f2)
array_end=$(for ((t = 0; t < array_size; t++)); do scontrol show job "${array}_${t}" | grep -o 'EndTime=[^ ]*' | cut -d= -f2; done | sort | tail -n1)

python3 - "$work" "$s" "$local_s" "$slurm_s" "$killed_at" "$preempted_at" "$killed_task" "$preempted_task" "$array" "$merge" "[$tasks_json]" \
  "$merge_start" "$array_end" "$scenes" "$shard_size" "$size" "$array_size" "$max_parallel" "$local_workers" "${slurm_cmd[*]}" <<'PY'
import hashlib, json, os, sys
(work, merge_state, local_s, slurm_s, killed_at, preempted_at, killed_task, preempted_task, array, merge, tasks,
 merge_start, array_end, scenes, shard_size, size, array_size, max_parallel, local_workers, cmd) = sys.argv[1:21]
a, b = os.path.join(work, "local", "merged"), os.path.join(work, "slurm", "merged")
def lines(d):
    p = os.path.join(d, "dataset.jsonl")
    return open(p, "rb").read().split(b"\n")[:-1] if os.path.exists(p) else []
la, lb = lines(a), lines(b)
ids_b = [json.loads(l)["id"] for l in lb]
def files(d): return sorted(os.path.relpath(os.path.join(p, f), d) for p, _, fs in os.walk(d) for f in fs) if os.path.isdir(d) else []
def digest(p): return hashlib.sha256(open(p, "rb").read()).hexdigest()
fa, fb = files(a), files(b)
differing = [f for f in fa if f in fb and digest(os.path.join(a, f)) != digest(os.path.join(b, f))]
log = os.path.join(work, "slurm", "slurm", "logs", f"shards-{array}_{killed_task}.log")
print(json.dumps({
  "command": cmd.replace(work, "WORK"), "scenes": int(scenes), "shard_size": int(shard_size), "shards": int(scenes) // int(shard_size),
  "size": size, "array_size": int(array_size), "max_parallel": int(max_parallel),
  "array_job": array, "merge_job": merge, "merge_state": merge_state, "tasks": json.loads(tasks),
  "killed_task": int(killed_task), "killed_at_s": round(float(killed_at), 1),
  "killed_task_requeued_itself": os.path.exists(log) and "requeueing task" in open(log).read(),
  "preempted_task": int(preempted_task), "preempted_at_s": round(float(preempted_at), 1),
  "merge_started": merge_start, "last_array_task_ended": array_end, "merge_after_array": merge_start >= array_end,
  "slurm_seconds_submit_to_merged": round(float(slurm_s), 1),
  "local_seconds_run_shards_and_merge": round(float(local_s), 1), "local_workers": int(local_workers),
  "rows_local": len(la), "rows_slurm": len(lb), "identical_records": la == lb and len(la) > 0,
  "duplicate_ids": len(ids_b) - len(set(ids_b)),
  "same_file_list": fa == fb, "files_compared": len(fa), "files_differing": differing,
}, indent=2))
PY
