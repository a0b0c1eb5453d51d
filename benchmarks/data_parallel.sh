#!/usr/bin/env bash
# Data-parallel scaling on this machine: training images/s of resnet20 (or MODEL) for
# 1 process × 1 thread, 1 process × 2 threads and 2 ranks × 1 thread (batch 128 per
# rank), and PyTorch's DDP (gloo) with 2 processes × 1 thread when TORCH_VENV (default
# ~/.cache/anneal/torch-venv) has torch, each measured ROUNDS times in turn; prints every
# JSON line, then the medians and the ratios the data-parallel issue asks for. Run on a
# quiet machine.
#
#   benchmarks/data_parallel.sh [ROUNDS] [MODEL]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-3}"
model="${2:-resnet20}"
anneal=.build/release/anneal
torch_python="${TORCH_VENV:-$HOME/.cache/anneal/torch-venv}/bin/python"
"$torch_python" -c 'import torch' 2> /dev/null || torch_python=""
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
for _ in $(seq "$rounds"); do
    "$anneal" bench train --model "$model" --threads 1 --steps 20 | tee -a "$log"
    "$anneal" bench train --model "$model" --threads 2 --steps 20 | tee -a "$log"
    "$anneal" bench train --model "$model" --ranks 2 --threads 1 --steps 20 | tee -a "$log"
    if [[ -n "$torch_python" ]]; then
        (cd benchmarks && "$torch_python" pytorch_ddp.py --model "$model" --ranks 2 --threads 1 --steps 20) | tee -a "$log"
    fi
done
python3 - "$log" << 'PYTHON'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
def median(ranks, threads, key="train_images_per_s", framework="anneal"):
    values = [r[key] for r in rows if r["framework"] == framework and r["ranks"] == ranks and r["threads"] == threads]
    return statistics.median(values) if values else None
one, two, dp, torch_dp = median(1, 1), median(1, 2), median(2, 1), median(2, 1, framework="pytorch-ddp")
summary = {"model": rows[0]["model"], "one_process_one_thread": one, "one_process_two_threads": two, "two_ranks_one_thread": dp,
           "ratio_to_two_threads": round(dp / two, 3), "ratio_to_one_thread": round(dp / one, 3),
           "allreduce_percent": median(2, 1, "allreduce_percent")}
if torch_dp:
    summary.update({"pytorch_ddp_two_ranks_one_thread": torch_dp, "ratio_to_pytorch_ddp": round(dp / torch_dp, 3)})
print(json.dumps(summary))
PYTHON
