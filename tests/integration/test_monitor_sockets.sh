#!/bin/sh
# tests/integration/test_monitor_sockets.sh — memcored's monitor on TCP
# and unix sockets: the printed address, several clients at once, and a
# clean exit (status 0, socket removed) on quit, SIGTERM and SIGINT, also
# with clients still connected, and with a client that never reads the
# large output of its commands (the others are served meanwhile, the
# server's memory stays flat).
. "${top_srcdir:-.}/tests/integration/lib.sh"
BURST=${BURST:-$top_builddir/tests/integration/burst}

# ---- TCP, two clients, quit -------------------------------------------------
start_server --monitor tcp:127.0.0.1:0
check "tcp: prints where it listens" \
	sh -c 'echo "$0" | grep -Eq "^monitor: listening on 127\.0\.0\.1:[1-9][0-9]*$"' "$LINE"
ADDR=$(listen_addr)

"$MONCLIENT" -b "$ADDR" >"$TMP/banner.out" 2>&1
check "tcp: the banner names the version, board and front-ends" test \
	"$(cat "$TMP/banner.out")" = "memcored $("$MEMCORED" --version | sed 's/.* //') monitor - board virt, monitor on $ADDR, gdb off, http off - type 'help' for more information"

"$MONCLIENT" -n 2 "$ADDR" '0:stl_le 0x80000100 0x12345678' \
	'1:ldl_le 0x80000100' '1:info mtree' '0:close' '1:ldl_le 0x80000004' \
	>"$TMP/two.out" 2>&1
check "tcp: two clients at once" contains "$TMP/two.out" "0x12345678"
check "tcp: second client sees the tree" \
	contains "$TMP/two.out" "0000000080000000-0000000087ffffff (prio 0, ram): riscv_virt_board.ram"
check "tcp: a client that left does not disturb the other" \
	contains "$TMP/two.out" "0xffdff06f"

"$MONCLIENT" "$ADDR" 'info uart' 'stb 0x10000000 0x48' 'stb 0x10000000 0x69' \
	'info uart' >"$TMP/uart.out" 2>&1
check "tcp: guest UART output is logged" contains "$TMP/uart.out" "Hi"

"$MONCLIENT" "$ADDR" 'quit' >"$TMP/quit.out" 2>&1
check "tcp: quit closes the session" test $? -eq 0
wait_server
check "tcp: quit exits with status 0" test "$STATUS" -eq 0

# The banner names the board file: its control characters print as \xNN
# like every name in monitor output, or an ESC would drive the client's
# terminal and a newline forge a line.
ESCBOARD=$TMP/$(printf 'b\033[2J\nX.json')
"$MEMCORED" --print-board virt >"$ESCBOARD"
start_server --board "$ESCBOARD" --monitor tcp:127.0.0.1:0
"$MONCLIENT" -b "$(listen_addr)" >"$TMP/banner.out" 2>&1
check "tcp: control characters of the board's file name are escaped" \
	contains "$TMP/banner.out" "board $TMP/b\\x1b[2J\\x0aX.json, monitor on"
"$MONCLIENT" "$(listen_addr)" 'quit' >/dev/null 2>&1
wait_server

# ---- unix socket, SIGTERM with clients connected ----------------------------
SOCK=$TMP/mon.sock
start_server --monitor "unix:$SOCK"
check "unix: prints where it listens" test "$LINE" = "monitor: listening on unix:$SOCK"
check "unix: the socket exists" test -S "$SOCK"
"$MONCLIENT" -b "unix:$SOCK" >"$TMP/banner.out" 2>&1
check "unix: the banner says where" contains "$TMP/banner.out" \
	"monitor on unix:$SOCK, gdb off"

mkfifo "$TMP/client.fifo"
"$MONCLIENT" -n 2 "unix:$SOCK" '0:ldl_le 0x1000' '1:ldl_le 0x1004' \
	'echo:ready' '0:wait' '1:wait' >"$TMP/client.fifo" 2>"$TMP/client.err" &
CLIENT_PID=$!
exec 4<"$TMP/client.fifo"
# the client prints both answers, then "ready"; read until then
: >"$TMP/held.out"
while IFS= read -r l <&4; do
	echo "$l" >>"$TMP/held.out"
	[ "$l" = ready ] && break
done
check "unix: two clients at once" contains "$TMP/held.out" "0x00000297"
check "unix: second client answers" contains "$TMP/held.out" "0x02828613"

kill -TERM "$SERVER_PID"
wait_server
check "unix: SIGTERM with clients connected exits 0" test "$STATUS" -eq 0
wait "$CLIENT_PID"
check "unix: connected clients see the end" test $? -eq 0
exec 4<&-
check "unix: the socket is removed" test ! -e "$SOCK"
check "unix: SIGTERM is reported" contains "$TMP/server.err" "SIGTERM received"

# ---- SIGINT -------------------------------------------------------------------
start_server --monitor tcp:127.0.0.1:0
kill -INT "$SERVER_PID"
wait_server
check "tcp: SIGINT exits 0" test "$STATUS" -eq 0

# ---- the guest powers off -------------------------------------------------
start_server --monitor tcp:127.0.0.1:0
ADDR=$(listen_addr)
"$MONCLIENT" "$ADDR" 'stl_le 0x100000 0x5555' '0:wait' >"$TMP/off.out" 2>&1
check "sifive-test power-off ends the session" test $? -eq 0
wait_server
check "sifive-test power-off exits 0" test "$STATUS" -eq 0

# ---- HTTP sent to the monitor (a browser led there by DNS rebinding) ---------
start_server --monitor tcp:127.0.0.1:0
ADDR=$(listen_addr)
printf 'stl_le 0x80000300 0x1\nquit\n' >"$TMP/post.body"
curl -s -m 10 --http0.9 -H 'Content-Type: text/plain' \
	--data-binary @"$TMP/post.body" "http://$ADDR/" >"$TMP/curl.out" 2>&1
check "an HTTP POST to the monitor is dropped: memcored still runs" \
	kill -0 "$SERVER_PID"
"$BURST" -s '\r\n\r\nPOST / HTTP/1.1\r\nHost: x\r\n\r\nstl_le 0x80000300 0x2\r\nquit\r\n' \
	-e 'no such answer' -t 10000 "$ADDR" >"$TMP/blank.out" 2>&1
check "... also after blank lines: the connection is closed" \
	contains "$TMP/blank.out" "connections 1 answered 0 closed 1 silent 0"
check "... and memcored still runs" kill -0 "$SERVER_PID"
"$MONCLIENT" "$ADDR" 'ldl_le 0x80000300' quit >"$TMP/after.out" 2>&1
check "... none of their commands ran" contains "$TMP/after.out" "0x00000000"
wait_server
check "quit exits 0" test "$STATUS" -eq 0

# ---- a client that never reads its output --------------------------------------
# rss_kb: memcored's resident set.
rss_kb() {
	sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$(memcored_pid)/status"
}
# slow_client HOW: memcored with a client that asks for megabytes of dump
# and never reads; another client is served, then HOW (quit or TERM) ends
# memcored within 5 s.
slow_client() {
	start_server --monitor tcp:127.0.0.1:0
	ADDR=$(listen_addr)
	rss0=$(rss_kb)
	rm -f "$TMP/slow.in" "$TMP/slow.out"
	mkfifo "$TMP/slow.in" "$TMP/slow.out"
	"$BURST" -w -s 'xp /4096xg 0x80000000\n' "$ADDR" <"$TMP/slow.in" \
		>"$TMP/slow.out" 2>"$TMP/slow.err" &
	slow_pid=$!
	exec 6>"$TMP/slow.in"
	exec 7<"$TMP/slow.out"
	IFS= read -r slow <&7
	check "$1: the slow client sent its commands" \
		sh -c 'echo "$0" | grep -Eq "^connections 1 sent [1-9]"' "$slow"
	"$MONCLIENT" "$ADDR" 'stl_le 0x80000200 0xfeedf00d' 'ldl_le 0x80000200' \
		'info mtree -f' >"$TMP/other.out" 2>&1
	check "$1: another client is served meanwhile" \
		contains "$TMP/other.out" "0xfeedf00d"
	check "$1: ... even a large answer" contains "$TMP/other.out" \
		"0000000080000000-0000000087ffffff (prio 0, ram): riscv_virt_board.ram"
	rss1=$(rss_kb)
	check "$1: memcored's memory stays flat (RSS $rss0 kB -> $rss1 kB)" \
		test "$rss1" -lt $((rss0 + 65536))
	t0=$(date +%s)
	if [ "$1" = quit ]; then
		"$MONCLIENT" "$ADDR" quit >/dev/null 2>&1
	else
		kill -TERM "$SERVER_PID"
	fi
	wait_server
	t1=$(date +%s)
	check "$1 with a client that never reads: exits 0" test "$STATUS" -eq 0
	check "$1 with a client that never reads: within 5 s" \
		test $((t1 - t0)) -le 5
	exec 6>&-
	wait "$slow_pid"
	exec 7<&-
}
slow_client quit
slow_client TERM

# ---- gdb's and http's lines, and the banner that names them ---------------
start_server --monitor tcp:127.0.0.1:0 --gdb tcp:127.0.0.1:0 --http 127.0.0.1:0
first=$LINE
next_line
second=$LINE
next_line
third=$LINE
check "gdb says where it listens, after the monitor" \
	sh -c 'echo "$0" | grep -Eq "^gdb: listening on 127\.0\.0\.1:[1-9][0-9]*$"' "$second"
check "http says where it listens, after gdb" \
	sh -c 'echo "$0" | grep -Eq "^http: listening on 127\.0\.0\.1:[1-9][0-9]*$"' "$third"
LINE=$first
"$MONCLIENT" -b "$(listen_addr)" >"$TMP/banner3.out" 2>&1
check "the banner names gdb's and http's addresses" \
	contains "$TMP/banner3.out" "gdb on ${second#gdb: listening on }, http on ${third#http: listening on } - type"
"$MONCLIENT" "$(listen_addr)" quit >/dev/null 2>&1
wait_server
check "quit after the announcements exits 0" test "$STATUS" -eq 0

finish
