#!/usr/bin/env bash
# Set-up, then every test: unit tests (debug), then a release-mode stage that
# drives the `anneal` command end to end on real Fashion-MNIST data.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

venv="${ANNEAL_VENV:-$HOME/.cache/anneal/venv}"
if [[ -x "$venv/bin/python" ]]; then export ANNEAL_PYTHON="$venv/bin/python"; fi

swift build --build-tests
swift test --skip-build --parallel

bash scripts/cli-tests.sh .build/release/anneal

# Every parser under libFuzzer + AddressSanitizer, 30 seconds each (docs/reliability.md).
FUZZ_SEED=1 bash scripts/fuzz.sh 30
echo "all tests passed"
