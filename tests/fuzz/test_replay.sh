#!/bin/sh
# tests/fuzz/test_replay.sh — `make check` half of the fuzz targets: runs
# replay_TARGET for every TARGET of FUZZ_TARGETS (fuzz.mk puts the make
# variable in the environment; board monitor rsp web when run by hand):
# the targets with a plain main(), built with the tree's compiler and,
# under --enable-sanitizers, ASan+UBSan,
# once per input of the seed corpora and of the kept crash reproducers
# (tests/fuzz/regressions/), then once over each whole directory, the
# way libFuzzer feeds one process many inputs.  A target fails an input
# by crashing (abort(), a sanitizer report), so a non-zero exit or a
# signal is a failure; timeout(1) turns a hang into one.
# Prints "ok - ..." / "FAIL - ..." per check and "N passed, N failed".

: "${top_builddir:=.}"
: "${top_srcdir:=.}"
FUZZ_SRC=$top_srcdir/tests/fuzz
FUZZ_BIN=$top_builddir/tests/fuzz
LIMIT=${FUZZ_REPLAY_TIMEOUT:-120}
TARGETS=${FUZZ_TARGETS:-board monitor rsp web}

passed=0
failed=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-replay.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT

pass() { passed=$((passed + 1)); echo "ok - $1"; }
fail() { failed=$((failed + 1)); echo "FAIL - $1"; }

# replay NAME PROGRAM ARGS...: one check; the log's end on failure.
replay() {
	name=$1
	shift
	if timeout "$LIMIT" "$@" >"$TMP/out" 2>&1; then
		pass "$name"
	else
		fail "$name (exit $?)"
		tail -n 30 "$TMP/out"
	fi
}

for target in $TARGETS; do
	prog=$FUZZ_BIN/replay_$target
	if [ ! -x "$prog" ]; then
		fail "$prog is not built"
		continue
	fi
	n=0
	for dir in "$FUZZ_SRC/corpus/$target" "$FUZZ_SRC/regressions/$target"; do
		[ -d "$dir" ] || continue
		in_dir=0
		for f in "$dir"/*; do
			[ -f "$f" ] || continue
			in_dir=$((in_dir + 1))
			replay "$target: ${f#"$FUZZ_SRC"/}" "$prog" "$f"
		done
		n=$((n + in_dir))
		if [ "$in_dir" -gt 1 ]; then
			replay "$target: all of ${dir#"$FUZZ_SRC"/} in one process" \
				"$prog" "$dir"
		fi
	done
	# An empty corpus would make this test pass without testing anything.
	if [ "$n" -lt 5 ]; then
		fail "$target: only $n input(s) found under $FUZZ_SRC/corpus/$target"
	fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
