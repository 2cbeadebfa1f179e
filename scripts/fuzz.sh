#!/usr/bin/env bash
# `make fuzz`: builds the libFuzzer targets in Fuzz/ and runs each for a bounded time.
#
#   scripts/fuzz.sh [TARGET...]      default: every target below
#
#   FUZZ_SECONDS=60                  time per target (libFuzzer -max_total_time)
#   FUZZ_BUILD_DIR=.build/fuzz       SwiftPM scratch path, apart from the main build
#   FUZZ_KEEP_CORPUS=0               1 keeps the grown corpus (path printed) instead of deleting it
#   FUZZ_ARGS=                       extra libFuzzer flags, e.g. "-jobs=2" or "-use_value_profile=1"
#
# Each target fuzzes a copy of its seeds (Fuzz/corpus/<target>/, committed and kept small);
# crash, leak, timeout and out-of-memory inputs are written to Fuzz/findings/ (git-ignored).
# Prints executions per target and exits 1 if any target failed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

seconds=${FUZZ_SECONDS:-60}
build=${FUZZ_BUILD_DIR:-$root/.build/fuzz}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(FuzzCookie FuzzForm FuzzRequest FuzzTemplate)

# Largest input per target: a cookie header as long as nginx's default header buffer
# (8 KiB; CookieHeader's 16 KiB cut-off is left to unit tests, since inputs that long cut
# the execution rate fourfold), form bodies and FastCGI params of a few KiB, templates a
# few times our largest page.
max_len() {
    case "$1" in
        FuzzCookie | FuzzTemplate) echo 8192 ;;
        *) echo 4096 ;;
    esac
}

# The toolchain ships libFuzzer and ASan; no distribution package is needed.
swift_root=$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")
if ! ls "$swift_root"/lib/swift/clang/lib/linux/libclang_rt.fuzzer-*.a >/dev/null 2>&1; then
    echo "fuzz: no libclang_rt.fuzzer in $swift_root/lib/swift/clang/lib/linux; use a swift.org toolchain" >&2
    exit 1
fi

echo "fuzz: building the fuzzers (release, -sanitize=fuzzer,address) in $build"
flags=(-c release --package-path Fuzz --scratch-path "$build" -Xswiftc "-sanitize=fuzzer,address")
# gold warns once per fuzzer about an ASan symbol it cannot export; that warning is harmless.
if ! output=$(swift build "${flags[@]}" 2>&1); then
    grep -Ev '^\[[0-9]+/[0-9]+\]|__asan_extra_spill_area' <<<"$output" >&2
    echo "fuzz: build failed" >&2
    exit 1
fi
bin=$(swift build "${flags[@]}" --show-bin-path)

# libFuzzer and ASan report crashes themselves; Swift's backtracer would race them (and
# trip ASan reading memory) while adding nothing.
export SWIFT_BACKTRACE=enable=no

work=$(mktemp -d /tmp/gatehouse-fuzz.XXXXXX)
[ "${FUZZ_KEEP_CORPUS:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
mkdir -p Fuzz/findings
failed=()
printf '\n%-13s %12s %9s %7s  %s\n' target executions exec/s corpus result
for target in "${targets[@]}"; do
    [ -x "$bin/$target" ] || { echo "fuzz: $bin/$target was not built" >&2; exit 1; }
    corpus="$work/$target"
    mkdir -p "$corpus"
    cp Fuzz/corpus/"$target"/* "$corpus"/
    dict=()
    [ -f "Fuzz/dict/$target.dict" ] && dict=(-dict="Fuzz/dict/$target.dict")
    log="$work/$target.log"
    status=0
    # shellcheck disable=SC2086  # FUZZ_ARGS is a list of flags
    "$bin/$target" -max_total_time="$seconds" -max_len="$(max_len "$target")" -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$root/Fuzz/findings/$target-" \
        "${dict[@]}" ${FUZZ_ARGS:-} "$corpus" >"$log" 2>&1 || status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    result=ok
    # A target that dies while loading its seeds prints no stats: hence the `|| true`s.
    if [ "$status" -ne 0 ]; then
        result=$(grep -ohE 'ERROR: (libFuzzer: [a-z -]+|LeakSanitizer|AddressSanitizer: [a-z-]+)' "$log" | head -1 || true)
        result="FAILED (${result% }${result:+, }exit $status)"
        failed+=("$target")
    fi
    units=$(grep -oE 'corp: [0-9]+' "$log" | tail -1 | cut -d' ' -f2 || true)
    printf '%-13s %12s %9s %7s  %s\n' "$target" "${runs:-?}" "${rate:-?}" "${units:-?}" "$result"
    if [ "$status" -ne 0 ]; then
        grep -E 'ERROR|SUMMARY|Fatal error|Test unit written|^    #[0-9]+ .* in ' "$log" | head -16 | sed 's/^/    /' || true
    fi
done
[ "${FUZZ_KEEP_CORPUS:-0}" = 1 ] && echo "fuzz: grown corpora and logs kept in $work"
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: FAILED: ${failed[*]} (reproduce: $bin/<target> Fuzz/findings/<file>)" >&2
    exit 1
fi
echo "fuzz: all targets ran ${seconds}s without a crash, leak or timeout"
