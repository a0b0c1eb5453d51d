#!/usr/bin/env bash
# ONNX Runtime against Anneal on the same exported models, this machine, one run:
# images per second over the 10,000 Fashion-MNIST test images (batches of 1000),
# ONNX Runtime's CPU provider with THREADS intra-op threads against
# `anneal evaluate --threads THREADS` (whose wall time includes reading the test set
# and the weights). Prints JSON lines. Information for docs/export.md, not a bar.
#   bash benchmarks/onnx_throughput.sh [ANNEAL] [THREADS]
set -euo pipefail
cd "$(dirname "$0")/.."
anneal="${1:-.build/release/anneal}"
threads="${2:-2}"
python="${ANNEAL_PYTHON:-${ANNEAL_VENV:-$HOME/.cache/anneal/venv}/bin/python}"
images=/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for model in mlp cnn resnet20 fast; do
    "$anneal" train --model "$model" --epochs 1 --train-subset 1000 --no-progress --no-tensorboard --no-report --out "$work/$model" > /dev/null
    "$anneal" export --weights "$work/$model/model.safetensors" --out "$work/$model.onnx" > /dev/null
    start=$(date +%s.%N)
    "$anneal" evaluate --weights "$work/$model/model.safetensors" --threads "$threads" > /dev/null
    anneal_seconds=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
    "$python" - "$work/$model.onnx" "$images" "$threads" "$model" "$anneal_seconds" <<'PY'
import gzip, json, sys, time
import numpy as np, onnxruntime
path, images_path, threads, model, anneal_seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], float(sys.argv[5])
data = gzip.open(images_path).read()
images = (np.frombuffer(data, np.uint8, offset=16).reshape(-1, 1, 28, 28) / np.float32(255)).astype(np.float32)
options = onnxruntime.SessionOptions()
options.intra_op_num_threads = threads
session = onnxruntime.InferenceSession(path, options, providers=["CPUExecutionProvider"])
session.run(["scores"], {"images": images[:1000]})
times = []
for _ in range(3):
    start = time.perf_counter()
    for i in range(0, len(images), 1000):
        session.run(["scores"], {"images": images[i:i + 1000]})
    times.append(time.perf_counter() - start)
seconds = sorted(times)[1]
print(json.dumps({"model": model, "threads": threads, "onnxruntime_images_per_s": round(len(images) / seconds),
                  "anneal_evaluate_images_per_s_wall": round(len(images) / anneal_seconds)}))
PY
done
