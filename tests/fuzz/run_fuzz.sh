#!/bin/sh
# tests/fuzz/run_fuzz.sh — the shell half of `make fuzz`.
#
#   run_fuzz.sh probe CC
#       exit 0 when CC can build a libFuzzer target with ASan and UBSan,
#       else say what to install and exit 1;
#   run_fuzz.sh run SRCDIR BUILDDIR TARGET...
#       run BUILDDIR/fuzz_TARGET for each TARGET (make passes
#       $(FUZZ_TARGETS)) for FUZZ_SECONDS (default 60) each, FUZZ_JOBS
#       (default 1) targets at once, on BUILDDIR/runs/TARGET/corpus: what
#       earlier runs found plus a fresh copy of SRCDIR/corpus/TARGET and
#       SRCDIR/regressions/TARGET (the seeds in the tree are never
#       written to), with SRCDIR/TARGET.dict when there is one and
#       inputs of at most the bytes FUZZ_MAXLEN gives it ("NAME=BYTES
#       ...", default 1024).  Crash,
#       leak and timeout reproducers land in
#       BUILDDIR/runs/TARGET/artifacts/; a failing target's report names
#       each and prints the crash report from its log.
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

# one SRCDIR BUILDDIR TARGET: fuzz one target; its report goes to
# BUILDDIR/runs/TARGET/report, its verdict is the exit status.
one() {
	src=$1
	build=$2
	target=$3
	seconds=${FUZZ_SECONDS:-60}
	bin=$build/fuzz_$target
	work=$build/runs/$target
	# The corpus grows from run to run (make clean-fuzz resets it);
	# the seeds and reproducers are copied in again each time.
	mkdir -p "$work/corpus" "$work/artifacts" || exit 1
	exec >"$work/report" 2>&1
	cp "$src/corpus/$target"/* "$work/corpus/" 2>/dev/null
	# A reproducer whose bug is still open would stop libFuzzer at its
	# first input: name it, count it as a failure, fuzz on.
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
	# FUZZ_MAXLEN: "NAME=BYTES ..." (fuzz.mk); 1024 for a target not named.
	maxlen=1024
	for m in ${FUZZ_MAXLEN:-}; do
		case $m in
		"$target="*) maxlen=${m#*=} ;;
		esac
	done
	dict=
	[ -f "$src/$target.dict" ] && dict=-dict=$src/$target.dict
	# Artifacts of earlier runs are kept, but not reported again.
	touch "$work/started"
	echo "== fuzz_$target for ${seconds}s (log: $work/fuzz.log)"
	# -timeout: one input taking 10 s is a hang; -rss_limit_mb: the
	# board budget stays far below it.  ASan's leak check runs after
	# every input that allocated more than it freed.
	# shellcheck disable=SC2086 # $dict is one word or none
	"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
		-max_len="$maxlen" $dict \
		-artifact_prefix="$work/artifacts/" -print_final_stats=1 \
		"$work/corpus" >"$work/fuzz.log" 2>&1
	rc=$?
	grep -E '^(stat::number_of_executed_units|stat::new_units_added|Done)' \
		"$work/fuzz.log"
	if [ "$rc" -eq 0 ] && [ "$open_bugs" -eq 0 ]; then
		echo "ok - fuzz_$target: no finding in ${seconds}s"
		return 0
	fi
	if [ "$rc" -eq 0 ]; then
		echo "FAIL - fuzz_$target: no new finding in ${seconds}s, but $open_bugs reproducer(s) in $src/regressions/$target still fail"
		return 1
	fi
	echo "FAIL - fuzz_$target (exit $rc): log $work/fuzz.log"
	find "$work/artifacts" -type f -newer "$work/started" | sort |
		while IFS= read -r a; do
			echo "reproducer: $a"
			echo "  replay it: $bin $a   (or FUZZ_VERBOSE=1 $build/replay_$target $a)"
		done
	# The report: from the first line that tells what went wrong.
	echo "---- crash report ----"
	awk 'found || /==[0-9]+==(ERROR|WARNING)|runtime error|deadly signal|^fuzz_[a-z_]+: |ERROR: libFuzzer|^==[0-9]+== ERROR/ { found = 1 }
		found { print; if (++n == 80) exit }' "$work/fuzz.log"
	return 1
}

# run SRCDIR BUILDDIR TARGET...: fuzz every target, FUZZ_JOBS at once.
run() {
	src=$1
	build=$2
	shift 2
	jobs=${FUZZ_JOBS:-1}
	passed=0
	failed=0
	[ $# -gt 0 ] || {
		echo "run_fuzz.sh: no target (FUZZ_TARGETS is empty)" >&2
		exit 2
	}
	printf '%s\n' "$@" |
		xargs -P "$jobs" -I '{}' "${SHELL:-/bin/sh}" "$0" one "$src" \
			"$build" '{}'
	for target in "$@"; do
		work=$build/runs/$target
		cat "$work/report" 2>/dev/null ||
			echo "FAIL - fuzz_$target: no report (did it start?)"
		if grep -q "^ok - fuzz_$target:" "$work/report" 2>/dev/null; then
			passed=$((passed + 1))
		else
			failed=$((failed + 1))
		fi
	done
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}

case ${1:-} in
probe) probe "${2:-clang}" ;;
run)
	shift
	run "$@"
	;;
one) one "$2" "$3" "$4" ;;
*)
	echo "usage: $0 probe CC | run SRCDIR BUILDDIR TARGET..." >&2
	exit 2
	;;
esac
