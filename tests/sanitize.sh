#!/usr/bin/env bash
# The kernel-facing tests on instrumented builds of the kernels, on demand (not in CI: see
# docs/testing.md). Each build happens in a scratch copy of the working tree (tracked files and
# untracked ones git does not ignore), so the checkout's own build is left alone. Run it with the
# Python that has the test extras (pip install ".[test]"), e.g. from the project's venv.
#
#   tests/sanitize.sh [debug|address|valgrind|all] [pytest arguments...]
#
#   debug     TRADEINDEX_DEBUG=1: Cython bounds and initialisation checks, -O0 -g
#   address   TRADEINDEX_SANITIZE=address: AddressSanitizer (heap/stack overflows, use after
#             free), run with the ASan runtime preloaded into the (uninstrumented) Python
#   valgrind  the plain build under valgrind memcheck (slow: give it a few tests)
#   all       debug then address (the default)
#
# Default tests: the adversarial catalogue (but its command-line cases: Python over the same
# kernels), the kernel tests, the readers' (compiled ingestion, recoding), and the property
# tests at 1/10 of their ci volume (1,000 cases per family: TRADEINDEX_PROPERTY_SCALE=0.1; set it
# to 1 for all).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
MODE="${1:-all}"
shift || true
TESTS=("$@")
if [ ${#TESTS[@]} -eq 0 ]; then
    TESTS=(tests/adversarial tests/test_kernels_complementarity.py tests/test_grubel_lloyd.py
           tests/test_flows.py tests/test_flows_random.py tests/test_io.py tests/test_validation.py
           tests/test_corrupt_files.py tests/test_sources.py tests/test_properties.py
           --deselect tests/test_sources.py::test_peak_memory_does_not_grow_with_the_number_of_years
           -k "not command" -p no:cacheprovider -q)
fi
export HYPOTHESIS_PROFILE="${HYPOTHESIS_PROFILE:-ci}" TRADEINDEX_PROPERTY_SCALE="${TRADEINDEX_PROPERTY_SCALE:-0.1}"

SCRATCH=()
trap 'rm -rf "${SCRATCH[@]}"' EXIT

build() {  # build the kernels with the given environment in a scratch copy; prints its path
    local dir
    dir="$(mktemp -d)"
    (cd "$ROOT" && git ls-files -co --exclude-standard -z | xargs -0 tar cf - 2>/dev/null) | tar xf - -C "$dir"
    (cd "$dir" && env "$@" python setup.py -q build_ext --inplace >"$dir/build.log" 2>&1) \
        || { cat "$dir/build.log" >&2; exit 1; }
    echo "$dir"
}

run() {  # run the tests in DIR with extra environment
    local dir="$1"
    shift
    (cd "$dir" && env "$@" PYTHONPATH="$dir/src" python -c "import tradeindex; tradeindex.show_config()" \
        && cd "$dir" && env "$@" PYTHONPATH="$dir/src" python -m pytest "${TESTS[@]}")
}

debug() {
    echo "== bounds-checked build (TRADEINDEX_DEBUG=1)"
    local dir
    dir="$(build TRADEINDEX_DEBUG=1)"
    SCRATCH+=("$dir")
    run "$dir"
}

address() {
    echo "== AddressSanitizer build (TRADEINDEX_SANITIZE=address)"
    local dir asan
    asan="$(gcc -print-file-name=libasan.so)"
    [ -e "$asan" ] || { echo "no libasan.so for gcc ($asan): install the gcc ASan runtime" >&2; exit 1; }
    dir="$(build TRADEINDEX_SANITIZE=address)"
    SCRATCH+=("$dir")
    # Python leaks by design (detect_leaks=0); a report makes the process exit 99 at once.
    # libstdc++ preloaded beside the ASan runtime: without it ASan cannot intercept the C++
    # exceptions pyarrow throws on a corrupt file (__cxa_throw) and the process dies silently
    run "$dir" LD_PRELOAD="$asan $(gcc -print-file-name=libstdc++.so)" \
        ASAN_OPTIONS="detect_leaks=0:abort_on_error=0:exitcode=99:halt_on_error=1"
}

valgrind_() {
    echo "== valgrind memcheck (plain build)"
    command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }
    local dir
    dir="$(build TRADEINDEX_PORTABLE=1)"  # valgrind does not know every AVX-512 instruction
    SCRATCH+=("$dir")
    (cd "$dir" && PYTHONMALLOC=malloc PYTHONPATH="$dir/src" valgrind --error-exitcode=99 --errors-for-leak-kinds=none \
        --suppressions=<(printf '{\n  python\n  Memcheck:Leak\n  ...\n}\n') python -m pytest "${TESTS[@]}")
}

case "$MODE" in
    debug) debug ;;
    address) address ;;
    valgrind) valgrind_ ;;
    all) debug; address ;;
    *) echo "usage: tests/sanitize.sh [debug|address|valgrind|all] [pytest arguments...]" >&2; exit 2 ;;
esac
echo "== sanitize $MODE: passed"
