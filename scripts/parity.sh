#!/usr/bin/env bash
# Fingerprints of what trains: for each run of the library issue's parity set
# (2 epochs, 6,000 training images, seed 0, 1 thread), the SHA-256 of metrics.csv
# without its `seconds` column and of every tensor's bytes in model.safetensors.
# Two commits trained the same numbers when their fingerprint files are equal:
#   bash scripts/parity.sh .build/release/anneal /tmp/parity > after.txt
#   diff Tests/Fixtures/parity.txt after.txt
set -euo pipefail
anneal="${1:-.build/release/anneal}"
work="${2:-$(mktemp -d)}"
mkdir -p "$work"
python="${ANNEAL_PYTHON:-${ANNEAL_VENV:-$HOME/.cache/anneal/venv}/bin/python}"
common=(--epochs 2 --train-subset 6000 --seed 0 --threads 1 --no-progress --no-tensorboard)
declare -A runs=(
    [mlp]="--model mlp"
    [cnn]="--model cnn"
    [resnet20]="--model resnet20"
    [fast]="--model fast"
    [mlp-dropconnect]="--model mlp --dropconnect 0.3"
    [cnn-augment-ema]="--model cnn --augment flip,crop:2 --ema 0.999"
    [mlp-2ranks]="--model mlp --ranks 2"
)
for name in mlp cnn resnet20 fast mlp-dropconnect cnn-augment-ema mlp-2ranks; do
    rm -rf "$work/$name"
    # shellcheck disable=SC2086
    "$anneal" train ${runs[$name]} "${common[@]}" --out "$work/$name" > "$work/$name.log" 2>&1 \
        || { echo "parity: $name failed, see $work/$name.log" >&2; exit 1; }
    "$python" - "$name" "$work/$name" <<'PY'
import csv, hashlib, sys
from safetensors.numpy import load_file
name, run = sys.argv[1], sys.argv[2]
with open(f"{run}/metrics.csv", newline="") as f:
    rows = list(csv.reader(f))
keep = [i for i, h in enumerate(rows[0]) if h != "seconds"]
metrics = "\n".join(",".join(r[i] for i in keep) for r in rows)
print(f"{name} metrics.csv {hashlib.sha256(metrics.encode()).hexdigest()}")
for key, value in sorted(load_file(f"{run}/model.safetensors").items()):
    print(f"{name} {key} {value.dtype} {list(value.shape)} {hashlib.sha256(value.tobytes()).hexdigest()}")
PY
done
