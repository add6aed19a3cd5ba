#!/usr/bin/env bash
# Times nano training steps in TorchSharp (`spatialvlm bench train`) and the same architecture in PyTorch on this machine,
# in one run, and prints JSON with both steps/s and the ratio.
# Usage: scripts/bench-train.sh [preset=nano] [batch=32] [text-tokens=64] [steps=10] [threads=1]
# Needs Debian's python3-torch (apt-get install -y python3-torch), used through /usr/bin/python3.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
preset="${1:-nano}" batch="${2:-32}" tokens="${3:-64}" steps="${4:-10}" threads="${5:-1}"
python=/usr/bin/python3
if ! "$python" -c "import torch" 2>/dev/null; then
  echo "Debian's python3-torch is missing: apt-get install -y python3-torch" >&2
  exit 1
fi
sharp_json="$(mktemp)"
trap 'rm -f "$sharp_json"' EXIT
cli="$here/../src/SpatialVlm.Cli/bin/Release/net10.0/linux-x64/spatialvlm"
[ -x "$cli" ] || dotnet build "$here/../src/SpatialVlm.Cli" -c Release >/dev/null
"$cli" bench train --config "$preset" --batch-size "$batch" --text-tokens "$tokens" --steps "$steps" --threads "$threads" | tail -n 1 > "$sharp_json"
torch_json="$("$python" "$here/bench-train/bench_train_torch.py" "$sharp_json")"
"$python" - "$sharp_json" "$torch_json" <<'PY'
import json, sys
sharp = json.load(open(sys.argv[1]))
torch = json.loads(sys.argv[2])
print(json.dumps({
    "preset": sharp["config"]["name"],
    "parameters": {"torchsharp": sharp["parameters"], "pytorch": torch["parameters"]},
    "batchSize": sharp["batchSize"], "sequenceLength": sharp["sequenceLength"], "threads": sharp["threads"], "steps": sharp["steps"],
    "torchsharp": {"implementation": sharp["implementation"], "stepsPerSecond": sharp["stepsPerSecond"], "tokensPerSecond": sharp["tokensPerSecond"]},
    "pytorch": {"implementation": torch["implementation"], "stepsPerSecond": torch["stepsPerSecond"], "tokensPerSecond": torch["tokensPerSecond"]},
    "torchsharpOverPytorch": sharp["stepsPerSecond"] / torch["stepsPerSecond"],
}, indent=2))
PY
