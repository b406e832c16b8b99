#!/bin/sh
# tests/integration/test_connection_burst.sh — connections opened all at
# once: 1,024 monitor clients are all greeted at once (a backlog of 16
# left most of them waiting on SYN retransmits), the 1,025th is told the
# monitor is full instead of hanging, and the server still serves a normal
# client afterwards; 1,000 HTTP requests at once are all answered (or,
# beyond the per-client cap, closed at once: never left hanging).
. "${top_srcdir:-.}/tests/integration/lib.sh"
BURST=${BURST:-$top_builddir/tests/integration/burst}
BANNER_END="type 'help' for more information"

start_server --monitor tcp:127.0.0.1:0 --http 127.0.0.1:0 --http-max-conns 1000
MON=$(listen_addr)
next_line
HTTP=$(listen_addr)

# ---- the backlog itself --------------------------------------------------------
# A listening socket's Send-Q in ss(8) is its backlog: the kernel's
# somaxconn caps what memcored asks for (4096).
want=$(cat /proc/sys/net/core/somaxconn)
[ "$want" -gt 4096 ] && want=4096
for addr in "$MON" "$HTTP"; do
	q=$(ss -ltnH "sport = :${addr##*:}" | awk '{ print $3; exit }')
	check "listening socket $addr has a backlog of $want" test "$q" = "$want"
done

# ---- 1,024 monitor clients at once, held open ---------------------------------
# -t: everything answered within 10 s (times CK_TIMEOUT_MULTIPLIER, 4
# under ThreadSanitizer, which makes each of the 1,024 threads slow to
# start); a SYN dropped by a full backlog is sent again after 1 s, 3 s,
# 7 s, and the retries of a burst arrive together again, so a small
# backlog fails here too.
MULT=${CK_TIMEOUT_MULTIPLIER:-1}
mkfifo "$TMP/burst.out" "$TMP/burst.in"
"$BURST" -n 1024 -e "$BANNER_END" -t $((10000 * MULT)) -h "$MON" \
	<"$TMP/burst.in" >"$TMP/burst.out" 2>"$TMP/burst.err" &
BURST_PID=$!
exec 5>"$TMP/burst.in"
exec 4<"$TMP/burst.out"
IFS= read -r result <&4
check "1,024 monitor connections at once: all greeted within $((10 * MULT)) s" \
	test "$result" = "connections 1024 answered 1024 closed 0 silent 0"
[ "$result" = "connections 1024 answered 1024 closed 0 silent 0" ] ||
	echo "--- $result; $(cat "$TMP/burst.err")"

# ---- one more: refused in one line, not left hanging ---------------------------
"$BURST" -n 1 -e "too many clients" -t 8000 "$MON" >"$TMP/extra.out" 2>&1
check "the 1,025th monitor client is told the monitor is full" \
	contains "$TMP/extra.out" "connections 1 answered 1 closed 0 silent 0"

# ---- let them go; a normal client is served ----------------------------------
exec 5>&-
wait "$BURST_PID"
exec 4<&-
check "memcored still runs" kill -0 "$SERVER_PID"
# the 1,024 sessions end as their clients close; poll until one fits in
end=$(($(date +%s) + 20))
until "$MONCLIENT" "$MON" 'ldl_le 0x1000' >"$TMP/after.out" 2>&1; do
	[ "$(date +%s)" -lt "$end" ] || break
done
check "a normal client is served after the burst" contains "$TMP/after.out" \
	"0x00000297"

# ---- 1,000 HTTP requests at once ----------------------------------------------
REQ="GET /api/v1/address-spaces HTTP/1.1\\r\\nHost: $HTTP\\r\\nConnection: close\\r\\n\\r\\n"
"$BURST" -n 1000 -s "$REQ" -e "HTTP/1.1 200" -t $((15000 * MULT)) "$HTTP" \
	>"$TMP/http.out" 2>"$TMP/http.err"
check "1,000 HTTP requests at once: all answered 200" \
	contains "$TMP/http.out" "connections 1000 answered 1000 closed 0 silent 0"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://$HTTP/api/v1/address-spaces")
check "HTTP serves a normal request after the burst" test "$code" = 200

"$MONCLIENT" "$MON" quit >/dev/null 2>&1
wait_server
check "quit exits 0" test "$STATUS" -eq 0
check "no sanitizer report" sh -c "! grep -q 'Sanitizer' '$TMP/server.err'"

# ---- HTTP beyond the per-client cap: closed at once, never a hang --------------
start_server --monitor tcp:127.0.0.1:0 --http 127.0.0.1:0
MON=$(listen_addr)
next_line
HTTP=$(listen_addr)
REQ="GET /api/v1/address-spaces HTTP/1.1\\r\\nHost: $HTTP\\r\\nConnection: close\\r\\n\\r\\n"
"$BURST" -n 1000 -s "$REQ" -e "HTTP/1.1 200" -t $((15000 * MULT)) "$HTTP" \
	>"$TMP/http.out" 2>"$TMP/http.err"
read -r _ n _ answered _ closed _ silent <"$TMP/http.out"
echo "# beyond the cap: $(head -n 1 "$TMP/http.out")"
check "HTTP beyond 64 per client: no connection left hanging" test "$silent" = 0
check "HTTP beyond 64 per client: at least 64 answered" test "$answered" -ge 64
code=$(curl -s -o /dev/null -w '%{http_code}' "http://$HTTP/api/v1/address-spaces")
check "HTTP serves a normal request after that burst" test "$code" = 200
"$MONCLIENT" "$MON" quit >/dev/null 2>&1
wait_server
check "quit exits 0" test "$STATUS" -eq 0

finish
