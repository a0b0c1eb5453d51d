#!/usr/bin/env bash
# Time to accuracy: `anneal train --model fast` against the same network and
# recipe in PyTorch (benchmarks/pytorch_time_to_accuracy.py), one after the
# other on this machine, each on 2 threads. The PyTorch run takes its recipe from
# Anneal's resolved run.json, so the two cannot drift apart.
#
#   benchmarks/time_to_accuracy.sh [SEEDS] [EXTRA ANNEAL OPTIONS…]
#   e.g. benchmarks/time_to_accuracy.sh 0,1,2
#
# Prints one JSON line per run ({"framework", "seed", "epochs", "test_accuracy",
# "wall_s"}) and, per seed, the ratio of PyTorch's wall time to Anneal's.
# Needs a release build and the PyTorch venv of benchmarks/run.sh. Run it on a
# quiet machine: nothing else should use the cores.
set -euo pipefail
cd "$(dirname "$0")/.."
seeds="${1:-0}"
shift || true
anneal=.build/release/anneal
torch_python="${TORCH_PYTHON:-$HOME/.cache/anneal/torch-venv/bin/python}"
[ -x "$anneal" ] || swift build -c release >&2
[ -x "$torch_python" ] || { echo "time_to_accuracy.sh: no PyTorch at $torch_python (run benchmarks/run.sh once, or set TORCH_PYTHON)" >&2; exit 1; }
out=$(mktemp -d /tmp/anneal-tta.XXXXXX)
trap 'rm -rf "$out"' EXIT

for seed in ${seeds//,/ }; do
    start=$(date +%s.%N)
    "$anneal" train --model fast --threads 2 --seed "$seed" --no-progress --no-tensorboard --out "$out/anneal-$seed" "$@" > "$out/anneal-$seed.log" 2>&1 \
        || { cat "$out/anneal-$seed.log" >&2; exit 1; }
    end=$(date +%s.%N)
    accuracy=$(sed -n 's/^test accuracy: //p' "$out/anneal-$seed.log")
    anneal_wall=$(python3 -c "print(round($end - $start, 1))")
    epochs=$(python3 -c "import json; print(json.load(open('$out/anneal-$seed/run.json'))['epochs'])")
    echo "{\"framework\":\"anneal\",\"seed\":$seed,\"epochs\":$epochs,\"test_accuracy\":$accuracy,\"wall_s\":$anneal_wall}"

    # The PyTorch twin, with the recipe Anneal resolved.
    args=$(python3 - "$out/anneal-$seed/run.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
o, s, d, r, m = c["optimizer"], c["schedule"], c["data"], c["regularization"], c["model"]
def need(ok, what):
    if not ok:
        sys.exit(f"time_to_accuracy.sh: the PyTorch twin does not implement {what}")
need(o["name"] == "sgd" and s["name"] == "cosine" and s.get("minLearningRate", 0) == 0, "this optimizer or schedule")
need(d.get("normalize") == "global" and d.get("whiten", "none") == "none", "this preprocessing")
need("ema" not in c["control"] and "swaStartEpoch" not in c["control"], "weight averaging")
crop, erase = 0, 0
for token in d.get("augment", "").split(","):
    if token == "flip": continue
    if token.startswith("erase:") and token[6:].replace(".", "", 1).isdigit():
        erase = float(token[6:]); continue
    need(token.startswith("crop:") and token[5:].isdigit(), f"the augmentation {token!r}")
    crop = int(token[5:])
print(" ".join(map(str, [
    "--widths", ",".join(map(str, m["widths"])), "--epochs", c["epochs"], "--batch-size", d["batchSize"],
    "--lr", o["learningRate"], "--momentum", o["momentum"], "--weight-decay", o["weightDecay"],
    "--label-smoothing", r.get("labelSmoothing", 0), "--warmup-epochs", s.get("warmupEpochs", 0),
    "--warmup-start-factor", s.get("warmupStartFactor", 0.01), "--crop-padding", crop, "--erase", erase, "--seed", c["seed"],
    "--stem-patch", m.get("stemPatch", 1), "--evaluate-every", c["control"]["evaluateEvery"], "--tta", c["control"]["tta"]]
    + (["--nesterov"] if o.get("nesterov") else []) + (["--whitened-stem"] if m.get("whitenedStem") else []) + (["--residual-blocks"] if m.get("residualBlocks") else []))))
EOF
)
    start=$(date +%s.%N)
    # shellcheck disable=SC2086
    "$torch_python" benchmarks/pytorch_time_to_accuracy.py --threads 2 $args > "$out/torch-$seed.log" 2>&1 \
        || { cat "$out/torch-$seed.log" >&2; exit 1; }
    end=$(date +%s.%N)
    torch_accuracy=$(python3 -c "import json; print(json.loads(open('$out/torch-$seed.log').read().splitlines()[-1])['test_accuracy'])")
    torch_wall=$(python3 -c "print(round($end - $start, 1))")
    echo "{\"framework\":\"pytorch\",\"seed\":$seed,\"epochs\":$epochs,\"test_accuracy\":$torch_accuracy,\"wall_s\":$torch_wall}"
    echo "{\"seed\":$seed,\"pytorch_over_anneal_wall\":$(python3 -c "print(round($torch_wall / $anneal_wall, 2))")}"
done
