#!/usr/bin/env bash
# Writes the compatibility fixtures under Tests/Fixtures/<name>/ with the `anneal`
# given: a tiny run's run.json, its mid-run checkpoints (killed at its first
# evaluation, after the checkpoint of step 6), the same run uninterrupted
# (metrics.csv, model.safetensors), and a weights file of every preset. Run once
# per format version, with the commit that writes that version; the tests load
# and resume them with today's code.
#   bash scripts/make-fixtures.sh .build/release/anneal v1
set -euo pipefail
anneal="${1:-.build/release/anneal}"
out="Tests/Fixtures/${2:?name of the fixture set, e.g. v1}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tiny=(--model mlp --hidden 32 --dropconnect 0.3 --ema 0.999 --train-subset 1024 --epochs 2
      --checkpoint-every 3 --threads 1 --seed 3 --no-progress --no-tensorboard)
mkdir -p "$out/weights"
"$anneal" train "${tiny[@]}" --out "$work/whole" > /dev/null
ANNEAL_KILL_AT=evaluation:1 "$anneal" train "${tiny[@]}" --out "$work/killed" > /dev/null 2>&1 && { echo "the run was not killed" >&2; exit 1; } || true
cp "$work/killed/run.json" "$work/killed/checkpoint.safetensors" "$work/killed/checkpoint.previous.safetensors" "$out/"
cp "$work/whole/metrics.csv" "$out/uninterrupted-metrics.csv"
cp "$work/whole/model.safetensors" "$out/uninterrupted.safetensors"
declare -A presets=(
    [mlp]="--model mlp --hidden 32,16"
    [cnn]="--model cnn"
    [resnet20]="--model resnet20"
    [resnet32]="--model resnet32"
    [resnet56]="--model resnet56"
    [fast]="--model fast --widths 8,8,16,16"
)
for name in "${!presets[@]}"; do
    # shellcheck disable=SC2086
    "$anneal" train ${presets[$name]} --epochs 1 --train-subset 256 --threads 1 --no-progress --no-tensorboard \
        --out "$work/$name" > /dev/null
    cp "$work/$name/model.safetensors" "$out/weights/$name.safetensors"
done
git rev-parse HEAD > "$out/COMMIT"
ls -la "$out" "$out/weights"
