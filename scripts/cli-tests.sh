#!/usr/bin/env bash
# End-to-end checks of the `anneal` command on real Fashion-MNIST (release build):
# a short training run, evaluate and predict on its weights, and the error paths
# (one clear line, non-zero exit, nothing half-written).
set -euo pipefail
anneal="${1:-.build/release/anneal}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "cli-tests: FAIL: $*" >&2; exit 1; }

echo "cli-tests: short training run"
"$anneal" train --model mlp --epochs 2 --train-subset 10000 --hidden 256 --out "$work/run" --no-progress | tee "$work/train.log"
grep -Eq '^test accuracy: 0\.(8[0-9]|9[0-9])' "$work/train.log" || fail "train did not reach 80% test accuracy"
[[ $(head -1 "$work/run/metrics.csv") == "epoch,train_loss,train_acc,test_loss,test_acc,lr,seconds" ]] || fail "metrics.csv header"
[[ $(wc -l < "$work/run/metrics.csv") -eq 3 ]] || fail "metrics.csv rows"

echo "cli-tests: evaluate reproduces the final test accuracy"
trained=$(grep '^test accuracy' "$work/train.log")
"$anneal" evaluate --model mlp --weights "$work/run/model.safetensors" | tee "$work/eval.log"
grep -qx "$trained" "$work/eval.log" || fail "evaluate gave a different accuracy than training"

echo "cli-tests: predict writes N×10 logits"
"$anneal" predict --model mlp --weights "$work/run/model.safetensors" \
    --input /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz --out "$work/logits.npy"
# .npy header: shape (10000, 10), little-endian float32.
head -c 128 "$work/logits.npy" | grep -aq "'shape': (10000, 10)" || fail "predict output shape"
[[ $(stat -c %s "$work/logits.npy") -eq $((128 + 10000 * 10 * 4)) ]] || fail "predict output size"

echo "cli-tests: a preset's recipe fills in what the command line leaves unset"
"$anneal" train --model resnet20 --epochs 1 --train-subset 256 --out "$work/resnet" --no-progress > "$work/resnet.log"
head -1 "$work/resnet.log"
grep -q "(zero-init residual, stochastic depth 0.1); optimizer sgd lr 0.1 (cosine, warmup 0.0333333 epochs), weight decay 0.001; label smoothing 0.1; 1 epochs of 256 training images, batch 64," \
    "$work/resnet.log" || fail "resnet20 recipe defaults"
"$anneal" train --model resnet20 --epochs 1 --train-subset 256 --batch-size 32 --lr 0.05 --warmup 0 --label-smoothing 0 \
    --weight-decay 0 --stochastic-depth 0 --no-zero-init-residual --out "$work/resnet" --no-progress > "$work/resnet.log"
head -1 "$work/resnet.log" | grep -q "parameters; optimizer sgd lr 0.05 (cosine); 1 epochs of 256 training images, batch 32," \
    || fail "explicit options override the recipe"

echo "cli-tests: weight averaging and test-time flips: evaluate reproduces what train reports"
"$anneal" train --model resnet20 --epochs 1 --train-subset 512 --batch-size 64 --augment flip --ema 0.99 --tta flip \
    --out "$work/ema" --no-progress > "$work/ema.log"
grep -q "^weight averaging: exponential moving average, decay 0.99" "$work/ema.log" || fail "no weight-averaging line"
"$anneal" evaluate --model resnet20 --weights "$work/ema/model.safetensors" --tta flip > "$work/ema-eval.log"
grep -qx "$(grep '^test accuracy' "$work/ema.log")" "$work/ema-eval.log" || fail "evaluate --tta flip differs from train --ema --tta flip"

echo "cli-tests: early stopping on the test set is flagged"
"$anneal" train --model mlp --epochs 1 --train-subset 1000 --hidden 32 --early-stop 3 --out "$work/es" --no-progress 2> "$work/es.err" > /dev/null
grep -q "^warning: --early-stop watches the test set's loss" "$work/es.err" || fail "no warning for early stopping on the test set"
"$anneal" train --model mlp --epochs 1 --train-subset 1000 --hidden 32 --early-stop 3 --val-split 0.1 --out "$work/es" --no-progress 2> "$work/es.err" > /dev/null
[[ ! -s "$work/es.err" ]] || fail "warning despite a validation split"

expect_error() {   # expect_error PATTERN COMMAND…: non-zero exit and one line matching PATTERN
    local pattern="$1"; shift
    if "$@" > "$work/out.log" 2>&1; then fail "expected failure: $*"; fi
    grep -q -- "$pattern" "$work/out.log" || { cat "$work/out.log"; fail "message for: $*"; }
}
echo "cli-tests: error paths"
expect_error "unknown optimizer 'lion'" "$anneal" train --optimizer lion --out "$work/bad"
expect_error "unknown model 'vit'" "$anneal" train --model vit --out "$work/bad"
expect_error "unknown activation" "$anneal" train --activation swish --out "$work/bad"
expect_error "ema must be a decay in (0, 1)" "$anneal" train --ema 1.5 --out "$work/bad"
expect_error "tta" "$anneal" evaluate --weights "$work/run/model.safetensors" --tta mirror
expect_error "Fashion-MNIST not found" "$anneal" train --data-dir "$work" --out "$work/bad"
expect_error "file not found" "$anneal" evaluate --weights "$work/missing.safetensors"
head -c 100 "$work/run/model.safetensors" > "$work/truncated.safetensors"
expect_error "truncated.safetensors" "$anneal" evaluate --weights "$work/truncated.safetensors"
printf 'garbage' > "$work/bad.idx"
expect_error "bad.idx" "$anneal" predict --weights "$work/run/model.safetensors" --input "$work/bad.idx" --out "$work/never.npy"
[[ ! -e "$work/never.npy" ]] || fail "predict left output behind after an error"
[[ ! -e "$work/bad/model.safetensors" ]] || fail "a failed train wrote weights"
echo "cli-tests: all passed"
