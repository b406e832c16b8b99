#!/bin/sh
# tests/integration/test_exposure.sh — who can reach memcored's monitor
# and gdb stub: loopback by default, a non-loopback address refused
# unless --allow-remote-monitor / --allow-remote-gdb names the risk, and
# unix monitor sockets for their owner only, whatever the umask.
. "${top_srcdir:-.}/tests/integration/lib.sh"

# ---- loopback by default ------------------------------------------------------
start_server --monitor tcp::0 --gdb tcp::0 --http :0
mon=$LINE
next_line
gdb=$LINE
next_line
http=$LINE
check "monitor tcp::PORT listens on 127.0.0.1" \
	sh -c 'echo "$0" | grep -Eq "^monitor: listening on 127\.0\.0\.1:[1-9][0-9]*$"' "$mon"
check "gdb tcp::PORT listens on 127.0.0.1" \
	sh -c 'echo "$0" | grep -Eq "^gdb: listening on 127\.0\.0\.1:[1-9][0-9]*$"' "$gdb"
check "http :PORT listens on 127.0.0.1" \
	sh -c 'echo "$0" | grep -Eq "^http: listening on 127\.0\.0\.1:[1-9][0-9]*$"' "$http"
LINE=$mon
"$MONCLIENT" "$(listen_addr)" quit >/dev/null 2>&1
wait_server
check "quit exits 0" test "$STATUS" -eq 0
"$MEMCORED" --help >"$TMP/help"
check "--help: gdb's -s is 127.0.0.1:1234" contains "$TMP/help" \
	"-s                     same as --gdb tcp:127.0.0.1:1234"
check "--help: HTTP's default is 127.0.0.1:8080" contains "$TMP/help" \
	"default: 127.0.0.1:8080"

# ---- a non-loopback monitor or gdb is refused ---------------------------------
for spec in tcp:0.0.0.0:0 tcp:[::]:0 tcp:192.0.2.1:0 tcp:example.invalid:0; do
	timeout 30 "$MEMCORED" --http none --monitor "$spec" >"$TMP/out" 2>"$TMP/err"
	check "--monitor $spec: exit 2" test $? -eq 2
	check "--monitor $spec: says why and what to do" contains "$TMP/err" \
		"anyone who can reach it could read and write guest memory and host files (--allow-remote-monitor accepts that risk)"
	check "--monitor $spec: nothing printed on stdout" test ! -s "$TMP/out"
done
for spec in tcp:0.0.0.0:0 tcp:[::]:0; do
	timeout 30 "$MEMCORED" --http none --monitor none --gdb "$spec" \
		>"$TMP/out" 2>"$TMP/err"
	check "--gdb $spec: exit 2" test $? -eq 2
	check "--gdb $spec: says why and what to do" contains "$TMP/err" \
		"anyone who can reach it could read and write guest memory (--allow-remote-gdb accepts that risk)"
done
# one option does not open the other front-end
timeout 30 "$MEMCORED" --http none --allow-remote-monitor --monitor none \
	--gdb tcp:0.0.0.0:0 >"$TMP/out" 2>"$TMP/err"
check "--allow-remote-monitor does not allow a remote gdb" test $? -eq 2
timeout 30 "$MEMCORED" --http none --allow-remote-gdb \
	--monitor tcp:0.0.0.0:0 >"$TMP/out" 2>"$TMP/err"
check "--allow-remote-gdb does not allow a remote monitor" test $? -eq 2
for spec in tcp:127.0.0.2:0 tcp:localhost:0 tcp:[::1]:0; do
	timeout 30 "$MEMCORED" --http none --monitor "$spec" --exec 'info status' \
		>"$TMP/out" 2>"$TMP/err"
	check "--monitor $spec (loopback) is accepted" test $? -eq 0
done

# ---- ... unless the user says so ---------------------------------------------
start_server --monitor tcp:0.0.0.0:0 --allow-remote-monitor \
	--gdb tcp:0.0.0.0:0 --allow-remote-gdb
mon=$LINE
next_line
gdb=$LINE
check "--allow-remote-monitor: listens on 0.0.0.0" \
	sh -c 'echo "$0" | grep -Eq "^monitor: listening on 0\.0\.0\.0:[1-9][0-9]*$"' "$mon"
check "--allow-remote-gdb: listens on 0.0.0.0" \
	sh -c 'echo "$0" | grep -Eq "^gdb: listening on 0\.0\.0\.0:[1-9][0-9]*$"' "$gdb"
"$MONCLIENT" "127.0.0.1:${mon##*:}" 'ldl_le 0x1000' quit >"$TMP/out" 2>&1
check "the remote-allowed monitor serves a client" contains "$TMP/out" "0x00000297"
wait_server
check "quit exits 0" test "$STATUS" -eq 0

# ---- unix sockets: owner only --------------------------------------------------
SOCK=$TMP/mon.sock
saved_umask=$(umask)
umask 000
start_server --monitor "unix:$SOCK"
umask "$saved_umask"
check "unix: listening" test "$LINE" = "monitor: listening on unix:$SOCK"
check "unix: the socket is owner-only under umask 000" \
	test "$(stat -c %A "$SOCK")" = "srw-------"
"$MONCLIENT" "unix:$SOCK" 'ldl_le 0x1000' quit >"$TMP/out" 2>&1
check "unix: its owner is served" contains "$TMP/out" "0x00000297"
wait_server
check "unix: quit exits 0" test "$STATUS" -eq 0

finish
