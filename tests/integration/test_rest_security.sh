#!/bin/sh
# tests/integration/test_rest_security.sh — who may talk to memcored's
# HTTP endpoint, with curl: Host (DNS rebinding), writes from another
# origin, form and text/plain posts, --read-only, --http-token, the
# addresses it may listen on, the default port when it is busy, and a
# shutdown with an event stream open.
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/rest_lib.sh"

ST='{"addr":"0x80100000","size":4,"value":"0x12345678"}'

# ---- Host and Origin ----------------------------------------------------------------
start_rest -S
req GET /api/v1/address-spaces -H "Host: evil.example:$HTTP_PORT"
check "Host naming another site: 403" is_error 403 Forbidden
req GET / -H "Host: evil.example:$HTTP_PORT"
check "Host naming another site: not even the page" is_error 403 Forbidden
req GET /api/v1/address-spaces -H "Host: 127.0.0.1:1"
check "Host with another port: 403" is_error 403 Forbidden
req GET /api/v1/address-spaces -H "Host: localhost:$HTTP_PORT"
check "Host localhost:PORT: 200" test "$CODE" = 200
req GET /api/v1/address-spaces --http1.0 -H 'Host:'
check "no Host at all: 403" is_error 403 Forbidden

req POST /api/v1/address-spaces/memory/st -H 'Content-Type: application/json' \
	-H 'Origin: http://evil.example' -d "$ST"
check "a cross-site POST: 403" is_error 403 Forbidden
req PUT '/api/v1/address-spaces/memory/memory?addr=0x80100000' \
	-H 'Origin: http://evil.example' --data-binary 'AAAA'
check "a cross-site PUT: 403" is_error 403 Forbidden
req POST /api/v1/monitor -H 'Content-Type: application/json' \
	-H 'Origin: null' -d '{"command":"quit"}'
check "a POST from an opaque origin: 403" is_error 403 Forbidden
req POST /api/v1/monitor -H 'Content-Type: text/plain' -d '{"command":"quit"}'
check "a text/plain POST (what a page may send unasked): 415" \
	is_error 415 UnsupportedMediaType
req POST /api/v1/monitor -d 'command=quit'
check "a form POST: 415" is_error 415 UnsupportedMediaType
req GET '/api/v1/address-spaces/memory/ld?addr=0x80100000&size=4'
check "none of them wrote" contains "$TMP/body" '"value":"0x0"'
req POST /api/v1/address-spaces/memory/st -H 'Content-Type: application/json' \
	-H "Origin: http://$HTTP" -d "$ST"
check "a POST from memcored's own page: 200" test "$CODE" = 200
check "no answer granted CORS" sh -c "! grep -qi '^Access-Control-Allow' '$TMP/all-headers'"
check "memcored still runs" kill -0 "$SERVER_PID"
stop_rest

# ---- --read-only ----------------------------------------------------------------------
start_rest -S --read-only
req PUT '/api/v1/address-spaces/memory/memory?addr=0x80100000' --data-binary 'AAAA'
check "--read-only: PUT memory is 403" is_error 403 ReadOnly
req POST /api/v1/address-spaces/memory/st -H 'Content-Type: application/json' -d "$ST"
check "--read-only: POST st is 403" is_error 403 ReadOnly
req POST /api/v1/monitor -H 'Content-Type: application/json' \
	-d '{"command":"stl_le 0x80100000 0x12345678"}'
check "--read-only: a writing monitor command is 403" is_error 403 ReadOnly
req POST /api/v1/monitor -H 'Content-Type: application/json' \
	-d '{"command":"xp /1xw 0x80100000"}'
check "--read-only: reading commands run" contains "$TMP/body" \
	'"output":"0000000080100000: 0x00000000\n","failed":false'
req GET '/api/v1/address-spaces/memory/memory?addr=0x80100000&len=4'
check "--read-only: reads work" test "$CODE" = 200
check "--read-only: nothing was written" test "$(hexdump_file "$TMP/body")" = 00000000
stop_rest

# ---- --http-token ----------------------------------------------------------------------
start_rest -S --http-token s3cr3t-t0ken
req GET /api/v1/address-spaces
check "token: without it, 401" is_error 401 Unauthorized
check "token: 401 says Bearer" sh -c "grep -qi '^WWW-Authenticate: Bearer' '$TMP/headers'"
req GET /api/v1/address-spaces -H 'Authorization: Bearer wrong'
check "token: a wrong one, 401" is_error 401 Unauthorized
req GET /api/v1/address-spaces -H 'Authorization: Bearer s3cr3t-t0ken'
check "token: the right one, 200" test "$CODE" = 200
req POST /api/v1/monitor -H 'Content-Type: application/json' \
	-H 'Authorization: Bearer s3cr3t-t0ken' -d '{"command":"info mtree"}'
check "token: POST with it, 200" test "$CODE" = 200
req GET /
check "token: the page loads without it" test "$CODE" = 200
curl -s -N "http://$HTTP/api/v1/events?access_token=s3cr3t-t0ken" \
	>"$TMP/events.out" 2>/dev/null &
CURL_PID=$!
for i in $(seq 200); do
	grep -q ': memcored events' "$TMP/events.out" && break
	sleep 0.05
done
check "token: the event stream takes it as access_token" \
	contains "$TMP/events.out" ": memcored events"
kill "$CURL_PID" 2>/dev/null
wait "$CURL_PID" 2>/dev/null
req GET '/api/v1/address-spaces?access_token=s3cr3t-t0ken'
check "token: other paths do not take it in the query" is_error 401 Unauthorized
stop_rest

# ---- host files: HTTP is a network front-end -------------------------------------------
start_rest -S
req POST /api/v1/monitor -H 'Content-Type: application/json' \
	-d "{\"command\":\"pmemsave 0x80000000 16 \\\"$TMP/anywhere.bin\\\"\"}"
check "pmemsave over HTTP without --dump-dir: refused" contains "$TMP/body" \
	"Error: pmemsave is refused for network clients: start memcored with --dump-dir DIR"
check "pmemsave over HTTP without --dump-dir: no file" test ! -e "$TMP/anywhere.bin"
stop_rest
mkdir "$TMP/dumps"
start_rest -S --dump-dir "$TMP/dumps"
req POST /api/v1/monitor -H 'Content-Type: application/json' \
	-d '{"command":"pmemsave 0x1000 16 \"rom.bin\""}'
check "pmemsave over HTTP with --dump-dir: by name" test -s "$TMP/dumps/rom.bin"
check "pmemsave over HTTP with --dump-dir: succeeded" contains "$TMP/body" '"failed":false'
req POST /api/v1/monitor -H 'Content-Type: application/json' \
	-d '{"command":"pmemsave 0x1000 16 \"../escaped.bin\""}'
check "pmemsave over HTTP: a path is refused" contains "$TMP/body" \
	"Could not open '../escaped.bin': a path, not a file name"
check "pmemsave over HTTP: nothing escaped" test ! -e "$TMP/escaped.bin"
stop_rest

# ---- where it may listen ------------------------------------------------------------
"$MEMCORED" --http 0.0.0.0:0 --monitor none --exec quit >"$TMP/out" 2>"$TMP/err"
check "every address without a token: exit 2" test $? -eq 2
check "every address without a token: says why" \
	contains "$TMP/err" "refusing to serve HTTP on 0.0.0.0 without --http-token"
start_server --monitor tcp:127.0.0.1:0 --http 0.0.0.0:0 --http-token t0k -S
MON=$(listen_addr)
next_line
HTTP=127.0.0.1:${LINE##*:}
req GET /api/v1/address-spaces -H 'Authorization: Bearer t0k'
check "every address with a token: an address literal is served" test "$CODE" = 200
req GET /api/v1/address-spaces -H 'Authorization: Bearer t0k' \
	-H "Host: rebound.example:${HTTP##*:}"
check "every address with a token: a DNS name is still refused" is_error 403 Forbidden
stop_rest

start_rest -S
timeout 30 "$MEMCORED" --monitor none --http "$HTTP" -S >"$TMP/out" 2>"$TMP/err"
check "an --http address in use: exit 1" test $? -eq 1
check "an --http address in use: says why" contains "$TMP/err" \
	"memcored: http: cannot listen on 127.0.0.1:$HTTP_PORT: Address already in use"
stop_rest

# The default address, 127.0.0.1:8080, when something holds it: memcored
# says so and runs on.  The first server holds it unless someone else
# already does; either way it is busy for the second.
mkfifo "$TMP/a.fifo"
timeout 60 "$MEMCORED" --monitor none --http 127.0.0.1:8080 -S \
	>"$TMP/a.fifo" 2>"$TMP/a.err" &
A_PID=$!
exec 4<"$TMP/a.fifo"
IFS= read -r A_LINE <&4 || true
# start_server would add --http none: run this one by hand.
mkfifo "$TMP/b.fifo"
timeout 60 "$MEMCORED" --monitor tcp:127.0.0.1:0 -S >"$TMP/b.fifo" \
	2>"$TMP/b.err" &
B_PID=$!
exec 5<"$TMP/b.fifo"
IFS= read -r LINE <&5
check "the default port busy: memcored starts anyway" test -n "$LINE"
MON=$(listen_addr)
"$MONCLIENT" -b "$MON" >"$TMP/banner" 2>&1
check "the default port busy: the banner says http off" contains "$TMP/banner" "http off"
"$MONCLIENT" "$MON" quit >/dev/null 2>&1
wait "$B_PID"
check "the default port busy: it still quits cleanly" test $? -eq 0
exec 5<&-
check "the default port busy: said on stderr" contains "$TMP/b.err" \
	"memcored: http: cannot listen on 127.0.0.1:8080: Address already in use; going on without HTTP"
kill "$A_PID" 2>/dev/null
wait "$A_PID" 2>/dev/null
exec 4<&-

# ---- shutdown with an event stream open --------------------------------------------------
start_rest -S
curl -s -N "http://$HTTP/api/v1/events" >"$TMP/ev.out" 2>/dev/null &
CURL_PID=$!
for i in $(seq 200); do
	grep -q ': memcored events' "$TMP/ev.out" && break
	sleep 0.05
done
check "an event stream is open" contains "$TMP/ev.out" ": memcored events"
stop_rest
wait "$CURL_PID"
check "quit ends the open stream cleanly (curl exits 0)" test $? -eq 0
finish
