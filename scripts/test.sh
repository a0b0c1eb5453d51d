#!/usr/bin/env bash
# Set-up, then every test: unit tests (debug), then a release-mode stage that
# drives the `anneal` command end to end on real Fashion-MNIST data.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Test-only: headless Chromium opens the HTML report (the browser test is skipped without it).
if ! command -v chromium > /dev/null && [[ $(id -u) -eq 0 ]]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y chromium > /dev/null || echo "test: could not install chromium; the browser test will be skipped" >&2
fi

venv="${ANNEAL_VENV:-$HOME/.cache/anneal/venv}"
if [[ -x "$venv/bin/python" ]]; then export ANNEAL_PYTHON="$venv/bin/python"; fi

swift build --build-tests
swift test --skip-build --parallel

bash scripts/cli-tests.sh .build/release/anneal

# The library is the product: no MPI in `import Anneal`, Example (a) writes what `anneal train` writes.
for example in train-preset custom-model evaluate-ensemble; do swift build -c release --product $example; done
bash scripts/check-library.sh .build/release

# The documentation: every snippet of the articles builds and runs; DocC for every module with
# zero warnings and every public symbol summarized; headless Chromium renders the site.
bash scripts/snippets.sh .build/release
bash scripts/docs.sh --check

# Every parser under libFuzzer + AddressSanitizer, 30 seconds each (docs/reliability.md).
FUZZ_SEED=1 bash scripts/fuzz.sh 30
echo "all tests passed"
