#!/bin/sh
# tests/fuzz/run_fuzz.sh — the shell half of `make fuzz`.
#
#   run_fuzz.sh probe CC
#       exit 0 when CC can build a libFuzzer target with ASan and UBSan,
#       else say what to install and exit 1;
#   run_fuzz.sh run SRCDIR BUILDDIR
#       run BUILDDIR/fuzz_board, fuzz_monitor and fuzz_rsp for FUZZ_SECONDS
#       (default 60) each, on BUILDDIR/runs/TARGET/corpus: what earlier
#       runs found plus a fresh copy of SRCDIR/corpus/TARGET and
#       SRCDIR/regressions/TARGET (the seeds in the tree are never
#       written to).  Crash, leak and
#       timeout reproducers land in BUILDDIR/runs/TARGET/artifacts/.
#       Reproducers that still fail are reported and left out of the
#       corpus (libFuzzer would stop at them).
#       Prints "N passed, N failed" (one per target); exit 1 on any finding
#       or still-failing reproducer.

set -u

probe() {
	cc=$1
	dir=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-probe.XXXXXX") || exit 1
	cat >"$dir/t.c" <<'EOF'
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)data;
    (void)size;
    return 0;
}
EOF
	if command -v "$cc" >/dev/null 2>&1 &&
		"$cc" -fsanitize=fuzzer,address,undefined "$dir/t.c" \
			-o "$dir/t" >"$dir/err" 2>&1; then
		rm -rf "$dir"
		return 0
	fi
	echo "make fuzz: '$cc' cannot build libFuzzer targets (-fsanitize=fuzzer,address,undefined)."
	if [ -s "$dir/err" ]; then
		sed -n '1,5p' "$dir/err"
	fi
	cat <<'EOF'
Install clang and its sanitizer/libFuzzer runtime (Debian packages), e.g.
  apt-get install clang libclang-rt-14-dev     # Debian 12 (bookworm)
libclang-rt-N-dev holds clang's sanitizer runtimes and libFuzzer
(libclang_rt.fuzzer); `apt-cache search libclang-rt` lists the versions
your release has.  Another clang: make fuzz FUZZ_CC=clang-16
EOF
	rm -rf "$dir"
	exit 1
}

run() {
	src=$1
	build=$2
	seconds=${FUZZ_SECONDS:-60}
	passed=0
	failed=0
	for target in board monitor rsp core; do
		bin=$build/fuzz_$target
		work=$build/runs/$target
		# The corpus grows from run to run (make clean-fuzz resets it);
		# the seeds and reproducers are copied in again each time.
		mkdir -p "$work/corpus" "$work/artifacts" || exit 1
		cp "$src/corpus/$target"/* "$work/corpus/" 2>/dev/null
		# A reproducer whose bug is still open would stop libFuzzer at
		# its first input: name it, count it as a failure, fuzz on.
		open_bugs=0
		for f in "$src/regressions/$target"/*; do
			[ -f "$f" ] || continue
			if "$bin" "$f" >"$work/replay.log" 2>&1; then
				cp "$f" "$work/corpus/"
			else
				open_bugs=$((open_bugs + 1))
				echo "open: $f still fails"
				grep -E '^(fuzz_|==[0-9]+==ERROR|SUMMARY)' "$work/replay.log" |
					head -n 2
			fi
		done
		case $target in
		board) maxlen=8192 ;;
		rsp) maxlen=4096 ;;
		*) maxlen=1024 ;;
		esac
		echo "== fuzz_$target for ${seconds}s (log: $work/fuzz.log)"
		# -timeout: one input taking 10 s is a hang; -rss_limit_mb: the
		# board budget stays far below it.  ASan's leak check runs after
		# every input that allocated more than it freed.
		"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
			-max_len="$maxlen" -dict="$src/$target.dict" \
			-artifact_prefix="$work/artifacts/" -print_final_stats=1 \
			"$work/corpus" >"$work/fuzz.log" 2>&1
		rc=$?
		tail -n 12 "$work/fuzz.log" | grep -E '^(stat::|Done|#)' | tail -n 4
		if [ "$rc" -eq 0 ] && [ "$open_bugs" -eq 0 ]; then
			passed=$((passed + 1))
			echo "ok - fuzz_$target: no finding in ${seconds}s"
		elif [ "$rc" -eq 0 ]; then
			failed=$((failed + 1))
			echo "FAIL - fuzz_$target: no new finding in ${seconds}s, but $open_bugs reproducer(s) in $src/regressions/$target still fail"
		else
			failed=$((failed + 1))
			echo "FAIL - fuzz_$target (exit $rc): see $work/fuzz.log"
			grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|fuzz_)' \
				"$work/fuzz.log" | head -n 5
			ls "$work/artifacts"
		fi
	done
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}

case ${1:-} in
probe) probe "${2:-clang}" ;;
run) run "$2" "$3" ;;
*)
	echo "usage: $0 probe CC | run SRCDIR BUILDDIR" >&2
	exit 2
	;;
esac
