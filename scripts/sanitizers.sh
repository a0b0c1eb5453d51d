#!/usr/bin/env bash
# The unit tests under AddressSanitizer (every test) and ThreadSanitizer (the tests
# that run Swift threads: prefetching loader workers, augmentation across loader
# threads, search workers, runs trained side by side). Builds go to .build-asan and
# .build-tsan so the normal build is untouched. Suppressions, with their reasons,
# are in Tests/sanitizers/.
set -euo pipefail
cd "$(dirname "$0")/.."
suppressions="$PWD/Tests/sanitizers"
threaded="DataLoaderTests|DeterminismTests|SearchRunTests|SearchOverConfigsTests|RunResumeTests"

swift build --build-tests --sanitize=address --scratch-path .build-asan
ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS="suppressions=$suppressions/lsan.supp" \
    swift test --skip-build --sanitize=address --scratch-path .build-asan --parallel
echo "sanitizers: every unit test passed under AddressSanitizer (leaks checked)"

swift build --build-tests --sanitize=thread --scratch-path .build-tsan
TSAN_OPTIONS="suppressions=$suppressions/tsan.supp halt_on_error=1" \
    swift test --skip-build --sanitize=thread --scratch-path .build-tsan --filter "$threaded"
echo "sanitizers: the threading tests passed under ThreadSanitizer"
