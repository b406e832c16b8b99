#!/bin/sh
# tests/integration/test_faults_http.sh — hostile HTTP clients
# (http_faults.py): requests cut short (FIN and RST), 100 half-sent
# requests (slowloris), 1,000 connections at once, 64 MiB answers reset
# while memcored writes them (SIGPIPE).  After each, a normal HTTP client
# is answered promptly (http_faults.py checks it) and so is the monitor;
# at the end memcored quits with status 0 and no sanitizer report.
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/rest_lib.sh"
FAULTS=$top_srcdir/tests/integration/http_faults.py

# monitor_served WHAT: the monitor answers a command.
monitor_served() {
	"$MONCLIENT" "$MON" "info status" >"$TMP/mon.out" 2>&1 &&
		contains "$TMP/mon.out" "VM status"
}

start_rest
for fault in "cut" "slowloris 100" "flood 1000" "reset 20"; do
	# shellcheck disable=SC2086
	set -- $fault
	if python3 "$FAULTS" "$1" "$HTTP" ${2-} >"$TMP/fault.out" 2>&1; then
		sed 's/^/  /' "$TMP/fault.out"
		pass "http $fault"
	else
		sed 's/^/  /' "$TMP/fault.out"
		fail "http $fault"
	fi
	check "the monitor is served after http $fault" monitor_served
done
stop_rest
finish
