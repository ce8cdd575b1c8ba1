#!/usr/bin/env bash
# Fuzz smoke for CI: builds every target, then runs each for a bounded number of inputs
# over its committed seed corpus (fuzz/corpus-seeds/<target>). Exits non-zero on any build
# failure or crash, and when no nightly toolchain or cargo-fuzz can be had (set
# ALIPAY_ALLOW_FUZZ_SKIP=1 to skip instead). Targets build with debug assertions and overflow
# checks on (cargo-fuzz's default; its -O would turn them off).
#
#   fuzz/smoke.sh            # every target, 20000 runs each
#   RUNS=2000 fuzz/smoke.sh  # fewer runs
#   fuzz/smoke.sh notify     # only the named targets
set -euo pipefail
cd "$(dirname "$0")"
RUNS=${RUNS:-20000}

# Cannot run: fail, unless skipping was allowed.
cannot() {
    if [ "${ALIPAY_ALLOW_FUZZ_SKIP:-0}" = 1 ]; then
        echo "fuzz smoke: SKIPPED ($1)"
        exit 0
    fi
    echo "fuzz smoke: FAILED ($1; set ALIPAY_ALLOW_FUZZ_SKIP=1 to skip)"
    exit 1
}

if ! command -v cargo >/dev/null 2>&1 || ! cargo +nightly --version >/dev/null 2>&1; then
    cannot "no 'cargo +nightly' toolchain; install with 'rustup toolchain install nightly'"
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "fuzz smoke: cargo-fuzz missing, installing it"
    cargo install cargo-fuzz --locked || cannot "cargo-fuzz could not be installed"
fi

if [ $# -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo +nightly fuzz list)
fi

echo "=== fuzz smoke: building ${#targets[@]} targets"
cargo +nightly fuzz build

# New inputs go to a scratch corpus, so the committed seeds are only read.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failed=()
for t in "${targets[@]}"; do
    seeds=corpus-seeds/$t
    [ -d "$seeds" ] || { echo "warning: no seeds for $t"; mkdir -p "$scratch/seeds-$t"; seeds=$scratch/seeds-$t; }
    mkdir -p "$scratch/$t"
    start=$(date +%s)
    if cargo +nightly fuzz run "$t" "$scratch/$t" "$seeds" -- \
        -runs="$RUNS" -timeout=10 -rss_limit_mb=2048 >"$scratch/$t.log" 2>&1; then
        echo "ok    $t ($(grep -o 'Done [0-9]* runs' "$scratch/$t.log" | tail -n 1), $(($(date +%s) - start)) s)"
    else
        echo "CRASH $t (artifacts in fuzz/artifacts/$t/):"
        tail -n 40 "$scratch/$t.log"
        failed+=("$t")
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz smoke: FAILED: ${failed[*]}"
    exit 1
fi
echo "fuzz smoke: passed (${#targets[@]} targets, $RUNS runs each)"
