#!/bin/sh
# tests/integration/test_monitor_limits.sh — no monitor command keeps
# memcored busy or holds its shutdown hostage (issue 11), on a board whose
# whole 16 EiB address space reads as zeros (tests/boards/zero-16e.json),
# where a dump never reaches unreadable memory:
#   - x/xp counts beyond the cap get the cap's error at once;
#   - a client that leaves while its command prints does not stop the
#     server from serving the next one;
#   - pmemsave into a FIFO whose reader never reads is stuck in the
#     file, yet quit, SIGTERM and SIGINT all end memcored promptly, and
#     after 10 s without a byte taken the command fails, ending the
#     session even of a client that has left;
#   - Ctrl-C at the terminal prompt interrupts a running xp, the prompt
#     comes back and memcored goes on (limits_driver.py on a pty).
# Every wait is a bounded poll, never a sleep standing in for an event.
. "${top_srcdir:-.}/tests/integration/lib.sh"

DRIVER=$top_srcdir/tests/integration/limits_driver.py
PYTHON=${PYTHON:-python3}
ZERO=$BOARDS/zero-16e.json

# exited_within SECONDS: memcored (under timeout(1)) has exited, polled
# every 50 ms for at most SECONDS.
exited_within() {
	_left=$(($1 * 20))
	while [ "$_left" -gt 0 ]; do
		kill -0 "$SERVER_PID" 2>/dev/null || return 0
		sleep 0.05
		_left=$((_left - 1))
	done
	return 1
}

# ---- caps --------------------------------------------------------------------
start_server --board "$ZERO" --monitor tcp:127.0.0.1:0
ADDR=$(listen_addr)
"$MONCLIENT" "$ADDR" 'xp /99999999999999999999999w 0x8000000' \
	'xp /99999999999xg 0' 'xp /65537i 0' 'xp /2xg 0x80000000' \
	>"$TMP/caps.out" 2>&1
check "xp: a count beyond 2^64 gets the cap's error" contains "$TMP/caps.out" \
	"Error: x/xp dumps at most 1048576 bytes at a time (262144 units of 4 bytes); pmemsave writes more to a file"
check "xp: 99999999999 giant units get the cap's error" contains "$TMP/caps.out" \
	"Error: x/xp dumps at most 1048576 bytes at a time (131072 units of 8 bytes); pmemsave writes more to a file"
check "xp /i: the instruction cap" contains "$TMP/caps.out" \
	"Error: x/xp prints at most 65536 instructions at a time"
check "the same client is served after the caps" contains "$TMP/caps.out" \
	"0000000080000000: 0x0000000000000000 0x0000000000000000"

# ---- a client leaves while its dump prints --------------------------------------
check "a client sends a 1 MiB dump and leaves" \
	"$PYTHON" "$DRIVER" fire "$ADDR" 'xp /131072xg 0'
"$MONCLIENT" "$ADDR" 'xp /1xg 0x80000000' >"$TMP/next.out" 2>&1
check "the next client is served" contains "$TMP/next.out" \
	"0000000080000000: 0x0000000000000000"
"$MONCLIENT" "$ADDR" quit >/dev/null 2>&1
check "quit after a client left returns within 10 s" exited_within 10
wait_server
check "... with status 0" test "$STATUS" -eq 0

# ---- pmemsave stuck on a FIFO nobody reads ------------------------------------------
# fifo_run STOP: start memcored, block a pmemsave on a FIFO that this shell
# holds open without reading, then stop memcored with STOP (quit, TERM or
# INT) and check it ends promptly.
fifo_run() {
	rm -f "$TMP/fifo"
	mkfifo "$TMP/fifo"
	exec 6<>"$TMP/fifo"
	start_server --board "$ZERO" --monitor tcp:127.0.0.1:0
	ADDR=$(listen_addr)
	"$MONCLIENT" "$ADDR" "pmemsave 0 0x10000000 \"$TMP/fifo\"" \
		>"$TMP/fifo-client.out" 2>&1 &
	CLIENT_PID=$!
	check "$1: pmemsave is stuck writing the FIFO" \
		"$PYTHON" "$DRIVER" wait-full "$TMP/fifo"
	case $1 in
	quit)
		"$MONCLIENT" "$ADDR" quit >"$TMP/quit.out" 2>&1
		check "quit: another client's quit is answered" test $? -eq 0
		;;
	*) kill -"$1" "$SERVER_PID" ;;
	esac
	check "$1 during the stuck pmemsave: memcored exits within 10 s" \
		exited_within 10
	wait_server
	check "$1 during the stuck pmemsave: exit status 0" test "$STATUS" -eq 0
	wait "$CLIENT_PID"
	exec 6<&-
}
fifo_run quit
fifo_run TERM
check "SIGTERM is reported" contains "$TMP/server.err" "SIGTERM received"
fifo_run INT
check "SIGINT (kill) still shuts down" contains "$TMP/server.err" \
	"SIGINT received"

# ---- a FIFO that takes nothing for 10 s fails the pmemsave ---------------------------
# One client waits for its answer; another sends the same command three
# times in one go and leaves, so only the stall bound can end its session:
# its thread must go after one bound, not three (the answer of a slow
# command is sent at once, and that send finds the client gone).
rm -f "$TMP/stall-a" "$TMP/stall-b"
mkfifo "$TMP/stall-a" "$TMP/stall-b"
exec 6<>"$TMP/stall-a" 7<>"$TMP/stall-b"
start_server --board "$ZERO" --monitor tcp:127.0.0.1:0
ADDR=$(listen_addr)
# tasks: how many threads memcored has.
tasks() { ls "/proc/$(memcored_pid)/task" | wc -l; }
IDLE=$(tasks)
"$MONCLIENT" "$ADDR" "pmemsave 0 0x10000000 \"$TMP/stall-a\"" \
	>"$TMP/stall.out" 2>&1 &
CLIENT_PID=$!
STALL_B="pmemsave 0 0x10000000 \"$TMP/stall-b\""
check "a client sends pmemsaves into a FIFO nobody reads and leaves" \
	"$PYTHON" "$DRIVER" fire "$ADDR" \
	"$(printf '%s\n%s\n%s' "$STALL_B" "$STALL_B" "$STALL_B")"
check "both pmemsaves are stuck writing their FIFOs" \
	"$PYTHON" "$DRIVER" wait-full "$TMP/stall-a"
"$PYTHON" "$DRIVER" wait-full "$TMP/stall-b" >/dev/null
wait "$CLIENT_PID"
check "the client that stayed is answered" test $? -eq 0
check "... with the stall error after 10 s" contains "$TMP/stall.out" \
	"Error: An IO error has occurred: writing '$TMP/stall-a': it took no data for 10 s (is anything reading it?)"
check "the FIFO is left in place" test -p "$TMP/stall-a"
# The left client's session ends at the same time; poll its thread away.
threads_back() {
	_left=100
	while [ "$(tasks)" -gt "$IDLE" ] && [ "$_left" -gt 0 ]; do
		sleep 0.05
		_left=$((_left - 1))
	done
	[ "$(tasks)" -le "$IDLE" ]
}
check "the session of the client that left ends too (its thread is gone)" \
	threads_back
"$MONCLIENT" "$ADDR" 'xp /1xg 0x80000000' >"$TMP/after.out" 2>&1
check "the next client is served" contains "$TMP/after.out" \
	"0000000080000000: 0x0000000000000000"
exec 6<&- 7<&-
"$MONCLIENT" "$ADDR" quit >/dev/null 2>&1
wait_server
check "quit after the stalls exits 0" test "$STATUS" -eq 0

# ---- Ctrl-C at the terminal prompt ---------------------------------------------------
check "Ctrl-C interrupts xp at the prompt, memcored goes on, quit exits 0" \
	"$PYTHON" "$DRIVER" ctrlc "$MEMCORED" --board "$ZERO" --monitor stdio \
	--http none

finish
