#!/usr/bin/env bash
# ONNX export, checked on the whole Fashion-MNIST test set (issue 33's acceptance):
# for each model below, a short training run, `anneal export`, `anneal predict` on
# the 10,000 test images, then Tests/python/onnx_check.py (onnx.checker full check;
# ONNX Runtime on every image and onnx.reference on 32 against predict's scores).
# Prints one JSON line per model and exits non-zero if any differs by more than
# 1e-4 of the largest score or changes a top-1 class outside near-ties.
#   bash scripts/export-check.sh [ANNEAL]      (ANNEAL_PYTHON: a Python with onnx, onnxruntime, numpy)
set -euo pipefail
cd "$(dirname "$0")/.."
anneal="${1:-.build/release/anneal}"
python="${ANNEAL_PYTHON:-${ANNEAL_VENV:-$HOME/.cache/anneal/venv}/bin/python}"
images=/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
short=(--epochs 1 --train-subset 2000 --seed 0 --no-progress --no-tensorboard --no-report)
train() { local name=$1; shift; "$anneal" train "$@" "${short[@]}" --out "$work/$name" > "$work/$name.log"; }
failures=0
check() {   # check NAME WEIGHTS [EXPORT/PREDICT OPTIONS…]
    local name=$1 weights=$2; shift 2
    "$anneal" export --weights "$weights" "$@" --out "$work/$name.onnx" > /dev/null
    "$anneal" predict --weights "$weights" "$@" --input "$images" --out "$work/$name.npy" > /dev/null
    local report
    report=$("$python" Tests/python/onnx_check.py "$work/$name.onnx" "$images" "$work/$name.npy")
    echo "{\"model\":\"$name\",${report:1}"
    "$python" -c 'import json, sys; r = json.loads(sys.argv[1]); sys.exit(0 if r["relative_difference"] <= 1e-4 and r["reference_relative_difference"] <= 1e-4 and r["top1_differences_not_near_ties"] == 0 else 1)' "$report" \
        || failures=$((failures + 1))
}

train mlp --model mlp --hidden 256;                       check mlp "$work/mlp/model.safetensors"
train mlp-gelu --model mlp --hidden 256 --activation gelu; check mlp-gelu "$work/mlp-gelu/model.safetensors"
train mlp-selu --model mlp --hidden 256 --activation selu; check mlp-selu "$work/mlp-selu/model.safetensors"
train mlp-zca --model mlp --hidden 256 --whiten zca;       check mlp-zca "$work/mlp-zca/model.safetensors"
train cnn --model cnn;                                     check cnn "$work/cnn/model.safetensors"
train resnet20 --model resnet20;                           check resnet20 "$work/resnet20/model.safetensors"
train fast --model fast;                                   check fast "$work/fast/model.safetensors"
train fast-whitened --model fast --whitened-stem;          check fast-whitened "$work/fast-whitened/model.safetensors"
# Fine-tuning: a source on classes 0-4, a new 5-class head on classes 5-9.
train source --model cnn --classes 0-4
train finetuned --model cnn --classes 5-9 --init-from "$work/source/model.safetensors" --reset-head
check cnn-finetuned "$work/finetuned/model.safetensors"
# A cnn backbone with a linear SVM head fitted by liblinear on its features.
"$anneal" features --weights "$work/cnn/model.safetensors" --per-class 50 --out "$work/f.npy" --labels-out "$work/y.npy" > /dev/null
"$anneal" fit-head --features "$work/f.npy" --labels "$work/y.npy" --head svm --out "$work/svm.safetensors" > /dev/null
check cnn-svm-head "$work/cnn/model.safetensors" --head "$work/svm.safetensors"
check ensemble-3 "$work/mlp/model.safetensors,$work/cnn/model.safetensors,$work/fast/model.safetensors"
((failures == 0)) || { echo "export-check: $failures models disagree with anneal predict" >&2; exit 1; }
echo "export-check: all 11 models agree with anneal predict"
