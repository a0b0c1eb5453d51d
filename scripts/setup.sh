#!/usr/bin/env bash
# One-time set-up on Debian 12 as root: system libraries, the Fashion-MNIST data
# set, an optional Python (safetensors + numpy) for interop tests, and the
# release build of the `anneal` command.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libdnnl-dev liblapack-dev liblinear-dev zlib1g-dev libpng-dev libturbojpeg0-dev libdeflate-dev libopenmpi-dev openmpi-bin dataset-fashion-mnist python3-venv)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y "${missing[@]}"
fi

# Python with safetensors, numpy, scikit-learn, tensorboard, pillow, onnx and onnxruntime,
# outside the repo, for the interop tests (safetensors files, liblinear against
# scikit-learn's copy of it, event files read by TensorBoard's own reader, exported
# models run by ONNX Runtime and checked by onnx).
# Best effort: without network access the interop tests report themselves skipped.
venv="${ANNEAL_VENV:-$HOME/.cache/anneal/venv}"
if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c 'import safetensors, numpy, sklearn, tensorboard, PIL, onnx, onnxruntime' 2>/dev/null; then
    (python3 -m venv "$venv" && "$venv/bin/pip" install -q safetensors numpy scikit-learn tensorboard pillow onnx onnxruntime) \
        || echo "setup: could not install safetensors/numpy/scikit-learn/tensorboard/pillow/onnx/onnxruntime; Python interop tests will be skipped" >&2
fi

swift build -c release --product anneal
