#!/usr/bin/env bash
# Builds alipay-codec for a Cortex-M4 (thumbv7em-none-eabihf) and for wasm32-unknown-unknown,
# runs the firmware under QEMU (mps2-an386) and the module under Node, and fails on any wrong
# answer. Uses Debian's rustc + matching library source (`-Z build-std`), because the rustup
# toolchains here carry only the host target.
#
#   bash tests/targets/run.sh            # from anywhere; needs root for apt-get
#
# Environment: ALIPAY_TARGETS_DIR (cargo target dir, default /tmp/alipay-codec-targets; kept
# apart from the rustup toolchain's target/ so the two compilers' artefacts never mix),
# ALIPAY_TARGETS_SKIP_INSTALL=1 (do not call apt-get; fail if something is missing).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

step() { printf '\n=== targets: %s\n' "$*"; }
die() { printf '\ntargets: FAILED: %s\n' "$*" >&2; exit 1; }

# --- packages ---------------------------------------------------------------------------
# command -> Debian package. binaryen (wasm-opt) is optional: without it the plain release
# module is tested and measured.
declare -A need=(
  [/usr/bin/rustc]=rustc-web
  [/usr/bin/cargo]=cargo-web
  [/usr/lib/rustlib/src/rust/library/core/Cargo.toml]=rust-web-src
  [/usr/bin/lld-22]=lld-22
  [/usr/bin/rust-lld]=rust-web-llvm
  [/usr/bin/qemu-system-arm]=qemu-system-arm
  [/usr/bin/node]=nodejs
)
missing=()
for path in "${!need[@]}"; do [ -e "$path" ] || missing+=("${need[$path]}"); done
command -v wasm-opt >/dev/null || missing+=(binaryen)
if [ "${#missing[@]}" -gt 0 ]; then
  step "installing ${missing[*]}"
  if [ "${ALIPAY_TARGETS_SKIP_INSTALL:-0}" = 1 ]; then
    die "missing Debian packages (${missing[*]}) and ALIPAY_TARGETS_SKIP_INSTALL=1"
  fi
  export DEBIAN_FRONTEND=noninteractive
  if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >/tmp/alipay-targets-apt.log 2>&1; then
    tail -n 20 /tmp/alipay-targets-apt.log >&2
    die "could not install the Debian packages ${missing[*]} (no network or no apt?).
The embedded and WASM targets were NOT built or tested. See /tmp/alipay-targets-apt.log."
  fi
  for path in "${!need[@]}"; do [ -e "$path" ] || die "$path still missing after apt-get install"; done
fi

# --- toolchain --------------------------------------------------------------------------
# Debian's cargo must drive Debian's rustc: the library source is only that compiler's.
export RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 CARGO_TERM_COLOR=never
export CARGO_TARGET_DIR="${ALIPAY_TARGETS_DIR:-/tmp/alipay-codec-targets}"
unset RUSTFLAGS CARGO_ENCODED_RUSTFLAGS CARGO_BUILD_TARGET RUSTC_WRAPPER RUSTC_WORKSPACE_WRAPPER
cargo=(/usr/bin/cargo)
build=(build --release -j2 -Z build-std=core,alloc)
step "toolchain: $("$RUSTC" --version); $("${cargo[@]}" --version); $(node --version)"
# The crate's rust-version must not exceed Debian's compiler (the dependencies' MSRVs are
# checked by cargo itself).
msrv="$(sed -n 's/^rust-version *= *"\([0-9.]*\)".*/\1/p' "$root/Cargo.toml")"
have="$("$RUSTC" --version | awk '{print $2}')"
if [ -n "$msrv" ] && [ "$(printf '%s\n%s\n' "$msrv" "$have" | sort -V | head -n1)" != "$msrv" ]; then
  die "Debian's rustc $have is older than the crate's rust-version $msrv"
fi

# --- Cortex-M4 under QEMU ---------------------------------------------------------------
step "build: Cortex-M4 firmware (thumbv7em-none-eabihf)"
t0=$SECONDS
(cd "$here/cortex-m4" && "${cargo[@]}" "${build[@]}" --target thumbv7em-none-eabihf)
echo "built in $((SECONDS - t0)) s"
elf="$CARGO_TARGET_DIR/thumbv7em-none-eabihf/release/alipay-codec-cortex-m4"
size_tool="$(command -v llvm-size || command -v llvm-size-22 || command -v size || true)"
if [ -n "$size_tool" ]; then "$size_tool" "$elf"; fi

step "run: Cortex-M4 under qemu-system-arm -machine mps2-an386 (-icount shift=0)"
set +e
timeout 300 qemu-system-arm -machine mps2-an386 -cpu cortex-m4 -nographic -monitor none \
  -serial none -semihosting-config enable=on,target=native -icount shift=0 \
  -kernel "$elf" | tee /tmp/alipay-targets-cortex-m4.log
status=${PIPESTATUS[0]}
set -e
[ "$status" = 0 ] || die "Cortex-M4 firmware exited with status $status"
grep -Eqx 'cortex-m4: [1-9][0-9]* passed, 0 failed' /tmp/alipay-targets-cortex-m4.log || die "Cortex-M4 firmware did not report success"

# --- wasm32 under Node ------------------------------------------------------------------
step "build: wasm32-unknown-unknown module"
t0=$SECONDS
(cd "$here/wasm" && "${cargo[@]}" "${build[@]}" --target wasm32-unknown-unknown)
echo "built in $((SECONDS - t0)) s"
wasm="$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/alipay_codec_wasm.wasm"
module="$wasm"
if command -v wasm-opt >/dev/null; then
  # The features rustc enables by default for wasm32; wasm-opt must accept them.
  if wasm-opt -Oz --enable-bulk-memory --enable-sign-ext --enable-mutable-globals \
      --enable-nontrapping-float-to-int "$wasm" -o "${wasm%.wasm}.opt.wasm"; then
    module="${wasm%.wasm}.opt.wasm"
  else
    echo "wasm-opt failed; testing the plain release module" >&2
  fi
fi
printf 'module sizes: release %s B' "$(stat -c %s "$wasm")"
[ "$module" = "$wasm" ] || printf ', wasm-opt -Oz %s B (gzip -9: %s B)' "$(stat -c %s "$module")" "$(gzip -9 -c "$module" | wc -c)"
echo

step "run: node --test tests/targets/wasm/test.mjs"
ALIPAY_CODEC_WASM="$module" node --test "$here/wasm/test.mjs" || die "the WASM module gave a wrong answer"

printf '\ntargets: Cortex-M4 and wasm32 passed\n'
