#!/bin/sh
# tests/integration/test_faults_gdb.sh — hostile gdb clients
# (gdb_faults.py): packets cut short (FIN and RST), replies reset while
# memcored writes them (SIGPIPE), and a client that stops reading in the
# middle of large replies.  After each, a new gdb client is served, and
# so are the monitor and HTTP; with the stalled client still connected,
# `quit` (first run) and SIGTERM (second run) end memcored within 5 s,
# status 0, with no sanitizer report; a third run shows that memcored
# drops a client that reads nothing for 10 s, so that the next gdb is
# served.
. "${top_srcdir:-.}/tests/integration/lib.sh"
FAULTS=$top_srcdir/tests/integration/gdb_faults.py

# start_all: memcored (virt, its hart running) with gdb, monitor and
# HTTP on port 0: GDB, MON, HTTP.  1 MiB of random bytes at 0x80100000,
# where gdb_faults.py reads, so that no reply shrinks by run-length
# encoding.
start_all() {
	start_server --monitor tcp:127.0.0.1:0 --gdb tcp:127.0.0.1:0 \
		--http 127.0.0.1:0
	MON=$(listen_addr)
	next_line
	GDB=$(listen_addr)
	next_line
	HTTP=$(listen_addr)
	head -c 1048576 /dev/urandom >"$TMP/random"
	check "1 MiB of random bytes written" curl -sf -o /dev/null -X PUT \
		-H 'Content-Type: application/octet-stream' \
		--data-binary @"$TMP/random" \
		"http://$HTTP/api/v1/address-spaces/memory/memory?addr=0x80100000"
}

# others_served WHAT: the monitor and HTTP answer within 2 s.
others_served() {
	check "$1: the monitor answers" sh -c "timeout 2 '$MONCLIENT' '$MON' \
		'info status' | grep -q 'VM status'"
	check "$1: HTTP answers" sh -c "curl -sf --max-time 2 \
		'http://$HTTP/api/v1/address-spaces' | grep -q memory"
}

# run_fault ARGS...: gdb_faults.py ARGS, its lines shown, pass/fail.
run_fault() {
	if python3 "$FAULTS" "$1" "$GDB" ${2-} >"$TMP/fault.out" 2>&1; then
		sed 's/^/  /' "$TMP/fault.out"
		pass "gdb $*"
	else
		sed 's/^/  /' "$TMP/fault.out"
		fail "gdb $*"
	fi
}

# ended_within SECONDS: memcored has exited within SECONDS (polled every
# 0.1 s); STATUS is its exit status.
ended_within() {
	_n=$(($1 * 10))
	while [ "$_n" -gt 0 ] && kill -0 "$SERVER_PID" 2>/dev/null; do
		sleep 0.1
		_n=$((_n - 1))
	done
	if kill -0 "$SERVER_PID" 2>/dev/null; then
		return 1
	fi
	wait_server
	return 0
}

# stall_client: a gdb client that asks for 64 replies of 256 KiB and
# reads none; returns once it has sent them (its stdin is fd 5: closing
# that ends it).
stall_client() {
	rm -f "$TMP/stall.in" "$TMP/stall.out"
	mkfifo "$TMP/stall.in" "$TMP/stall.out"
	python3 "$FAULTS" stall "$GDB" 64 <"$TMP/stall.in" >"$TMP/stall.out" &
	STALL_PID=$!
	exec 5>"$TMP/stall.in" 6<"$TMP/stall.out"
	IFS= read -r _l <&6
	check "the stalled client sent its requests" test "$_l" = stalled
}

end_stall_client() {
	exec 5>&- 6<&-
	wait "$STALL_PID"
}

start_all
run_fault cut
others_served "after packets cut short"
run_fault reset 20
others_served "after replies reset"

stall_client
others_served "while a gdb client does not read"
"$MONCLIENT" "$MON" quit >/dev/null 2>&1
check "quit ends memcored within 5 s while gdb does not read" ended_within 5
check "... with status 0" test "${STATUS-}" = 0
end_stall_client
check "no sanitizer report" sh -c "! grep -q Sanitizer '$TMP/server.err'"

start_all
stall_client
others_served "while a gdb client does not read (2)"
kill -TERM "$SERVER_PID"
check "SIGTERM ends memcored within 5 s while gdb does not read" ended_within 5
check "... with status 0" test "${STATUS-}" = 0
end_stall_client
check "no sanitizer report" sh -c "! grep -q Sanitizer '$TMP/server.err'"

start_all
stall_client
run_fault served 20
check "memcored says it dropped the client that did not read" \
	contains "$TMP/server.err" "gdb: the client read nothing for 10 s"
end_stall_client
others_served "after the stalled client was dropped"
"$MONCLIENT" "$MON" quit >/dev/null 2>&1
check "quit ends memcored within 5 s" ended_within 5
check "no sanitizer report" sh -c "! grep -q Sanitizer '$TMP/server.err'"
finish
