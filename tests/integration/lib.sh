# tests/integration/lib.sh — helpers for the memcored integration tests
# (sourced).  Each check prints "ok - NAME" or "FAIL - NAME"; finish()
# prints "N passed, N failed" and sets the exit status.  Servers run under
# timeout(1) so that a hang fails the test instead of blocking make check.

: "${top_builddir:=.}"
: "${top_srcdir:=.}"
MEMCORED=${MEMCORED:-$top_builddir/server/memcored}
MONCLIENT=${MONCLIENT:-$top_builddir/tests/integration/monclient}
BOARDS=$top_srcdir/tests/boards

passed=0
failed=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/memcored-test.XXXXXX") || exit 1
SERVER_PID=
trap 'cleanup' EXIT

cleanup() {
	if [ -n "$SERVER_PID" ]; then
		kill -KILL "$SERVER_PID" 2>/dev/null
	fi
	rm -rf "$TMP"
}

pass() { passed=$((passed + 1)); echo "ok - $1"; }
fail() { failed=$((failed + 1)); echo "FAIL - $1"; }

# check NAME COMMAND...: pass when COMMAND succeeds.
check() {
	_check_name=$1
	shift
	if "$@"; then pass "$_check_name"; else fail "$_check_name"; fi
}

# same FILE1 FILE2: files are equal (shows a diff when not).
same() {
	if cmp -s "$1" "$2"; then return 0; fi
	diff -u "$1" "$2" | head -40
	return 1
}

# contains FILE TEXT: FILE has a line containing TEXT.
contains() {
	if grep -qF -- "$2" "$1"; then return 0; fi
	echo "--- $1 does not contain: $2"
	head -20 "$1"
	return 1
}

finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
}

# start_server ARGS...: start memcored in the background with its stdout
# on a pipe; reads the first line it prints into LINE.  No sleeping: the
# read blocks until memcored says where it listens.  Without an --http
# argument it gets --http none, so that tests never compete for the
# default port 8080.
start_server() {
	rm -f "$TMP/out.fifo"
	mkfifo "$TMP/out.fifo" || return 1
	case " $* " in
	*" --http "*) ;;
	*) set -- --http none "$@" ;;
	esac
	timeout 60 "$MEMCORED" "$@" >"$TMP/out.fifo" 2>"$TMP/server.err" &
	SERVER_PID=$!
	exec 3<"$TMP/out.fifo"
	LINE=
	IFS= read -r LINE <&3
}

# nocpu_virt FILE: write the built-in virt board without its "cpus" into
# FILE, for tests of the memory-only machine (no hart runs, gdb gets the
# memory-only target).
nocpu_virt() {
	"$MEMCORED" --print-board virt | awk '
		/"cpus": \[/ { skip = 1 }
		!skip { lines[n++] = $0 }
		skip && /^  \]$/ { skip = 0 }
		END { for (i = 0; i < n; i++) { l = lines[i]
			if (i == n - 2) sub(/,$/, "", l); print l } }' >"$1"
}

# next_line: the next line memcored prints, into LINE.
next_line() {
	LINE=
	IFS= read -r LINE <&3
}

# wait_server: wait for memcored to exit; its status in STATUS.
wait_server() {
	wait "$SERVER_PID"
	STATUS=$?
	SERVER_PID=
	exec 3<&-
}

# memcored_pid: memcored's own pid (SERVER_PID is timeout(1), its parent).
memcored_pid() {
	tr -d ' \n' <"/proc/$SERVER_PID/task/$SERVER_PID/children"
}

# listen_addr: the address out of "monitor: listening on ADDR" in LINE.
listen_addr() {
	echo "$LINE" | sed -n 's/^[a-z]*: listening on //p'
}
