#!/usr/bin/env bash
# Reward annotation of procedural pick-and-place sequences with the oracle (docs/experiments.md, "Dense reward").
# Usage: scripts/reward-sequences.sh OUT [COUNT] [SEED]   (after dotnet build -c Release)
# Renders COUNT robot scenes with 20-frame sequences, annotates each (gripper → the picked object) into OUT/rewards/<scene>/
# and prints, per sequence and over the first 20 with a curve, the Spearman correlation of the oracle's per-frame distance
# with the exact one (approach and descend frames, and the whole sequence) and the wrong-way steps of the smoothed reward.
set -euo pipefail
out=${1:?usage: $0 OUT [COUNT] [SEED]}; count=${2:-34}; seed=${3:-9100}
S=$(cd "$(dirname "$0")/.." && pwd)/src/SpatialVlm.Cli/bin/Release/net10.0/linux-x64/spatialvlm
"$S" scenes --robot --count "$count" --seed "$seed" --size 320x240 --frames 20 --out "$out/scenes" >/dev/null
for d in "$out"/scenes/scene-*/; do
  seq=$d/frames/sequence.json
  [ -f "$seq" ] || continue
  target=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['target']['caption'])" "$seq")
  id=$(basename "$d")
  "$S" reward --model oracle --frames "$d" --a gripper --b "$target" --out "$out/rewards/$id" >/dev/null 2>"$out/$id.err" || echo "$id: $(cat "$out/$id.err")"
done
python3 - "$out" <<'PY'
import json, glob, os, statistics, sys
out = sys.argv[1]
def ranks(v):
    o = sorted(range(len(v)), key=lambda i: v[i]); r = [0] * len(v); i = 0
    while i < len(o):
        j = i
        while j + 1 < len(o) and v[o[j + 1]] == v[o[i]]: j += 1
        for k in range(i, j + 1): r[o[k]] = (i + j) / 2
        i = j + 1
    return r
def spearman(a, b):
    ra, rb = ranks(a), ranks(b); ma, mb = sum(ra) / len(ra), sum(rb) / len(rb)
    num = sum((x - ma) * (y - mb) for x, y in zip(ra, rb))
    return num / (sum((x - ma) ** 2 for x in ra) * sum((y - mb) ** 2 for y in rb)) ** 0.5
sign = lambda x: (x > 0) - (x < 0)
rows, unseen = [], []
for run_dir in sorted(glob.glob(f'{out}/rewards/scene-*')):
    sid = os.path.basename(run_dir)
    r = json.load(open(f'{run_dir}/rewards.json')); q = json.load(open(f'{out}/scenes/{sid}/frames/sequence.json'))
    t, frames = q['gripper_object_distance'], r['frames']
    approach = [i for i, p in enumerate(q['phase']) if p in ('approach', 'descend')]
    answered = [i for i in approach if frames[i]['distance'] is not None]
    if len(answered) < 3: unseen.append(sid); continue
    whole = [i for i in range(len(t)) if frames[i]['distance'] is not None]
    checked = wrong = 0
    for k in range(1, len(t)):
        d = sign(t[k] - t[k - 1])
        if d == 0 or not all(1 <= j < len(t) and sign(t[j] - t[j - 1]) == d for j in range(k - 2, k + 3)): continue
        a, b = frames[k - 1]['smoothed_reward'], frames[k]['smoothed_reward']
        if a is None or b is None: continue
        checked += 1; wrong += (d < 0 and b < a - 1e-9) or (d > 0 and b > a + 1e-9)
    rows.append((sid, spearman([t[i] for i in answered], [frames[i]['distance'] for i in answered]),
                 spearman([t[i] for i in whole], [frames[i]['distance'] for i in whole]), r['answered'], len(t), checked, wrong))
rows = rows[:20]
for sid, rho, rho_all, answered, n, checked, wrong in rows:
    print(f'{sid}: approach ρ {rho:.3f}, whole sequence ρ {rho_all:.3f}, {answered}/{n} frames answered, {wrong}/{checked} wrong-way steps')
rh = sorted(x[1] for x in rows); rw = sorted(x[2] for x in rows)
print(f'{len(rows)} sequences (target never reconstructed: {", ".join(unseen) or "none"})')
print(f'approach Spearman min {rh[0]:.3f} median {statistics.median(rh):.3f}, {sum(v >= 0.95 for v in rh)}/{len(rh)} >= 0.95; '
      f'whole sequence min {rw[0]:.3f} median {statistics.median(rw):.3f}; '
      f'wrong-way steps {sum(x[6] for x in rows)}/{sum(x[5] for x in rows)}; gaps {sum(x[4] - x[3] for x in rows)}/{sum(x[4] for x in rows)} frames')
PY
