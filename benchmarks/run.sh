#!/usr/bin/env bash
# Anneal against PyTorch on this machine, in one run: each framework trains the
# same four models in turn (alternating, ROUNDS times each), then a table of
# medians with ratios, achieved GFLOPS and the fraction of the GEMM peak
# measured in the same run. Usage: benchmarks/run.sh [ROUNDS] (default 3).
# PyTorch goes into a virtual environment outside the repo (reused; set
# TORCH_VENV to pick one).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-3}"
venv="${TORCH_VENV:-$HOME/.cache/anneal/torch-venv}"
if ! "$venv/bin/python" -c 'import torch, numpy' 2>/dev/null; then
    echo "installing PyTorch and NumPy into $venv (large download, once)" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q torch numpy
fi
swift build -c release --product anneal >&2
anneal=.build/release/anneal
out="$(mktemp -d)/results.jsonl"
models=(mlp-s mlp-l cnn resnet20)
steps() { case "$1" in mlp-s) echo 200 ;; mlp-l) echo 30 ;; cnn) echo 10 ;; resnet20) echo 4 ;; esac; }
for round in $(seq "$rounds"); do
    echo "round $round/$rounds" >&2
    "$anneal" bench gemm --size 1024 --threads 1,2 >> "$out"
    for model in "${models[@]}"; do
        for threads in 1 2; do
            # Each configuration in its own process, so oneDNN builds its kernels for that thread count.
            "$anneal" bench train --model "$model" --threads "$threads" --steps "$(steps "$model")" >> "$out"
            "$venv/bin/python" benchmarks/pytorch_reference.py --model "$model" --threads "$threads" --steps "$(steps "$model")" >> "$out"
        done
    done
done
"$venv/bin/python" - "$out" <<'PY'
import json, statistics, sys, platform, subprocess
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
gemm = {}
for r in rows:
    if r.get("bench") == "gemm":
        gemm.setdefault(r["threads"], []).append(r["gflops"])
peak = {t: statistics.median(v) for t, v in gemm.items()}
def med(fw, model, threads, key):
    v = [r[key] for r in rows if r.get("framework") == fw and r["model"] == model and r["threads"] == threads]
    return statistics.median(v) if v else float("nan")
print(f"GEMM peak (anneal bench gemm, 1024^3): " + ", ".join(f"{t} thread(s) {p:.0f} GFLOPS" for t, p in sorted(peak.items())))
print()
print("| model | threads | anneal train img/s | pytorch train img/s | train ratio | anneal eval img/s | pytorch eval img/s | eval ratio | anneal GFLOPS (% of GEMM peak) | anneal RSS MB | pytorch RSS MB |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for model in ["mlp-s", "mlp-l", "cnn", "resnet20"]:
    for t in [1, 2]:
        at, pt = med("anneal", model, t, "train_images_per_s"), med("pytorch", model, t, "train_images_per_s")
        ae, pe = med("anneal", model, t, "eval_images_per_s"), med("pytorch", model, t, "eval_images_per_s")
        g = med("anneal", model, t, "gflops")
        print(f"| {model} | {t} | {at:.0f} | {pt:.0f} | {at/pt:.2f} | {ae:.0f} | {pe:.0f} | {ae/pe:.2f} | {g:.0f} ({100*g/peak.get(t, float('nan')):.0f} %) "
              f"| {med('anneal', model, t, 'peak_rss_mb'):.0f} | {med('pytorch', model, t, 'peak_rss_mb'):.0f} |")
PY
echo "raw results: $out" >&2
