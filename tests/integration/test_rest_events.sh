#!/bin/sh
# tests/integration/test_rest_events.sh — GET /api/v1/events seen by
# `curl -N` while the monitor changes the machine: topology commits, the
# harts stopping and running, dirty logging; two clients see the same
# ids; a client that leaves does not stop the others; quit ends the
# streams cleanly.
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/rest_lib.sh"

# wait_for FILE TEXT: poll (at most 10 s) until FILE contains TEXT.
wait_for() {
	for _i in $(seq 200); do
		grep -qF -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "--- $1 never got: $2"
	head -c 600 "$1"
	return 1
}

start_rest
curl -s -N -D "$TMP/ev.headers" "http://$HTTP/api/v1/events" >"$TMP/ev1" &
C1=$!
curl -s -N "http://$HTTP/api/v1/events" >"$TMP/ev2" &
C2=$!
check "client 1: the stream opens" wait_for "$TMP/ev1" ": memcored events"
check "client 2: the stream opens" wait_for "$TMP/ev2" ": memcored events"
check "the stream is text/event-stream" \
	contains "$TMP/ev.headers" "Content-Type: text/event-stream"

"$MONCLIENT" "$MON" 'region disable serial' >/dev/null 2>&1
check "region disable: a topology event" wait_for "$TMP/ev1" "event: topology"
check "region disable: naming the address space" \
	wait_for "$TMP/ev1" 'data: {"address_spaces":["memory"]}'
"$MONCLIENT" "$MON" stop >/dev/null 2>&1
check "stop: the harts stopped" \
	wait_for "$TMP/ev1" 'data: {"running":false,"reason":"pause"}'
"$MONCLIENT" "$MON" cont >/dev/null 2>&1
check "cont: they run again" \
	wait_for "$TMP/ev1" 'data: {"running":true,"reason":"resume"}'
"$MONCLIENT" "$MON" 'dirty-log start' >/dev/null 2>&1
check "dirty-log start: an event" wait_for "$TMP/ev1" "event: dirty-log"

# client 2 saw the same records under the same ids
check "client 2 got the topology event" \
	wait_for "$TMP/ev2" 'data: {"address_spaces":["memory"]}'
check "client 2 got the dirty-log event" wait_for "$TMP/ev2" "event: dirty-log"
grep '^id: ' "$TMP/ev1" >"$TMP/ids1"
grep '^id: ' "$TMP/ev2" >"$TMP/ids2"
check "both clients saw the same ids" same "$TMP/ids1" "$TMP/ids2"

# a client that leaves: the other still hears
kill "$C2"
wait "$C2" 2>/dev/null
"$MONCLIENT" "$MON" 'region enable serial' >/dev/null 2>&1
check "after a client left, the other still gets events (a second topology)" \
	sh -c "for i in \$(seq 200); do [ \$(grep -c '^event: topology' '$TMP/ev1') -ge 2 ] && exit 0; sleep 0.05; done; exit 1"
req GET /api/v1/address-spaces
check "HTTP still answers with a stream open" test "$CODE" = 200

stop_rest
wait "$C1"
check "quit ends the stream cleanly (curl exits 0)" test $? -eq 0
check "the last word: the harts stopped for shutdown" \
	contains "$TMP/ev1" 'data: {"running":false,"reason":"shutdown"}'
finish
