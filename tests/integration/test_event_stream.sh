#!/bin/sh
# tests/integration/test_event_stream.sh — what a client of
# GET /api/v1/events sees (web/README.md, "Events") while a user works
# the machine: the monitor's `region`, `dirty-log`, `stop` and `cont`,
# a gdb that attaches, sets a watchpoint, continues and detaches, a
# monitor store hitting that watchpoint, and `quit`.  The stream is read
# by curl from a real memcored on port 0.
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/rest_lib.sh"
RSPCLIENT=${RSPCLIENT:-$top_builddir/tests/integration/rspclient}

start_server --monitor tcp:127.0.0.1:0 --http 127.0.0.1:0 \
	--gdb tcp:127.0.0.1:0
MON=$(listen_addr)
next_line
GDB=$(listen_addr)
next_line
HTTP=$(listen_addr)

curl -s -N "http://$HTTP/api/v1/events" >"$TMP/ev.out" 2>"$TMP/curl.err" &
CURL_PID=$!

# wait_for FILE TEXT: bounded wait until FILE has TEXT (a line of it).
wait_for() {
	_n=0
	while ! grep -qF -- "$2" "$1"; do
		_n=$((_n + 1))
		[ $_n -gt 400 ] && return 1
		sleep 0.05
	done
}

# events: the stream so far as "TYPE DATA" lines.
events() {
	awk '/^event: /{t=substr($0, 8)} /^data: /{print t, substr($0, 7)}' \
		"$TMP/ev.out"
}

check "the stream is open" wait_for "$TMP/ev.out" ": memcored events"

# ---- the monitor --------------------------------------------------------
"$MONCLIENT" "$MON" 'region disable serial' 'region enable serial' \
	'dirty-log start' 'dirty-log start' 'dirty-log stop' \
	'region enable serial' 'region move serial 0x10001000' \
	'stop' 'stop' 'cont' >"$TMP/mon.out" 2>&1
check "monitor commands ran" test "$(grep -c Error "$TMP/mon.out")" -eq 0
check "the monitor's events arrived" \
	wait_for "$TMP/ev.out" '{"running":true,"reason":"resume"}'
cat >"$TMP/expect1" <<'EOF'
topology {"address_spaces":["memory"]}
topology {"address_spaces":["memory"]}
dirty-log {"active":true,"scope":"global","client":"migration"}
dirty-log {"active":false,"scope":"global","client":"migration"}
topology {"address_spaces":["memory"]}
run-state {"running":false,"reason":"pause"}
run-state {"running":true,"reason":"resume"}
EOF
events >"$TMP/got1"
check "region, dirty-log, stop and cont, each once, in order (only the \
address space that changed named; a second start, stop or enable is no \
event)" \
	same "$TMP/expect1" "$TMP/got1"

# ---- gdb: attach, watch, continue, a monitor store hits, detach ---------
"$RSPCLIENT" "$GDB" '2:@p:Z2,80001000,4' '2:@p:c' >"$TMP/rsp.out" 2>&1 &
RSP_PID=$!
# Store until gdb's continue has reported the hit (bounded): a store that
# comes before the continue reaches the stub fires the watchpoint too,
# but does not stop harts that are already stopped.  No store after the
# report: gdb's client then ends, and the stub detaches.
n=0
while kill -0 "$RSP_PID" 2>/dev/null && [ $n -lt 400 ] &&
	! grep -q '^\$T05' "$TMP/rsp.out"; do
	if grep -qF '$OK' "$TMP/rsp.out"; then
		"$MONCLIENT" "$MON" "stl_le 0x80001000 $n" >/dev/null 2>&1
	fi
	n=$((n + 1))
	sleep 0.02
done
wait "$RSP_PID"
check "gdb's continue stopped at the watchpoint" \
	grep -q '^\$T05.*watch:80001000;' "$TMP/rsp.out"
check "the watchpoint hit is an event" wait_for "$TMP/ev.out" \
	'{"addr":"0x80001000","len":"0x4","as":"memory","kind":"watch","access":"write","access_addr":"0x80001000","access_len":"0x4","access_as":"memory","requester":0}'
# wait_resumes N: bounded wait for the Nth run-state resume.
wait_resumes() {
	_n=0
	while [ "$(grep -cF '{"running":true,"reason":"resume"}' "$TMP/ev.out")" \
		-lt "$1" ]; do
		_n=$((_n + 1))
		[ $_n -gt 400 ] && return 1
		sleep 0.05
	done
}
check "gdb's detach resumed the machine" wait_resumes 3

# ---- quit ---------------------------------------------------------------
"$MONCLIENT" "$MON" quit >/dev/null 2>&1
wait_server
check "memcored exits 0" test "$STATUS" -eq 0
wait "$CURL_PID"
check "the stream ended cleanly" test $? -eq 0

events | grep '^run-state' >"$TMP/got2"
cat >"$TMP/expect2" <<'EOF'
run-state {"running":false,"reason":"pause"}
run-state {"running":true,"reason":"resume"}
run-state {"running":false,"reason":"debug"}
run-state {"running":true,"reason":"resume"}
run-state {"running":false,"reason":"watchpoint"}
run-state {"running":true,"reason":"resume"}
run-state {"running":false,"reason":"shutdown"}
EOF
check "run-state: monitor stop/cont, gdb attach (debug), continue, the \
watchpoint stop, detach, then shutdown" same "$TMP/expect2" "$TMP/got2"
awk '/^id: /{ if (last != "" && $2 != last + 1) bad = 1; last = $2 }
	END { exit bad || last == "" }' "$TMP/ev.out"
check "ids count up by one" test $? -eq 0
check "nothing lost" test "$(grep -c '^event: lost' "$TMP/ev.out")" -eq 0
finish
