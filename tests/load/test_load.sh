#!/bin/sh
# tests/load/test_load.sh — the mixed load (tests/load/README.md).  For
# LOAD_SECONDS (12 under make check, 60 under make check-load), all at
# once against one memcored_load (memcored + the window toggler):
#   * wrk, 2 threads x 8 connections, reading the 64 KiB window over REST
#     (rest_check.lua checks every response);
#   * gdb-multiarch attaching, reading the window and the guest's buffer,
#     detaching, in a loop (gdb_reader.py);
#   * two monitor clients, one reading across the window's quarters with
#     xp, one issuing other commands (monitor_reader.py);
#   * the hart running tests/guests/checksum.elf;
#   * the toggler thread changing the window's layout in transactions.
# Then the guest's counters are read (harts stopped), memcored is told to
# quit, and a table gives the figures.  Goals asserted: every client
# served, 0 errors, 0 torn reads, 0 guest checksum failures, and RSS
# growth from the end of the warm-up (2 s) to the end under
# LOAD_RSS_LIMIT_KB (32768) — not asserted, only shown, when memcored
# runs under a sanitizer, whose allocator holds freed memory back.
. "${top_srcdir:-.}/tests/integration/lib.sh"

SECS=${LOAD_SECONDS:-12}
RSS_LIMIT_KB=${LOAD_RSS_LIMIT_KB:-32768}
LOAD=$top_builddir/tests/load/memcored_load
GUEST=$top_builddir/tests/guests/checksum.elf
SRC=$top_srcdir/tests/load
WARMUP=2
# layouts.py is imported from the source tree, which may be read-only
PYTHONDONTWRITEBYTECODE=1
export PYTHONDONTWRITEBYTECODE

for tool in wrk gdb-multiarch python3; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "FAIL - $tool is not installed (./quickstart installs it)"
		exit 1
	fi
done

# memcored_load is a libtool wrapper that execs the program, so $! is
# memcored itself (its /proc/PID/status gives the RSS).  No timeout(1):
# a watchdog ends it if the run overstays by two minutes (one of them
# for the guest's first round).
mkfifo "$TMP/out.fifo" || exit 1
"$LOAD" --board "$SRC/load.json" --kernel "$GUEST" \
	--http 127.0.0.1:0 --gdb tcp:127.0.0.1:0 --monitor tcp:127.0.0.1:0 \
	>"$TMP/out.fifo" 2>"$TMP/server.err" &
SERVER_PID=$!
(sleep $((SECS + 120)) && kill -KILL "$SERVER_PID") 2>/dev/null &
WATCHDOG=$!
exec 3<"$TMP/out.fifo"
MON= GDB= HTTP=
for _ in 1 2 3; do
	IFS= read -r LINE <&3 || break
	addr=$(listen_addr)
	case $LINE in
	monitor:*) MON=$addr ;;
	gdb:*) GDB=$addr ;;
	http:*) HTTP=$addr ;;
	esac
done
if [ -z "$MON" ] || [ -z "$GDB" ] || [ -z "$HTTP" ]; then
	echo "FAIL - memcored_load did not start"
	cat "$TMP/server.err"
	kill "$WATCHDOG" 2>/dev/null
	exit 1
fi

rss_kb() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$SERVER_PID/status"; }
sanitizer=$(grep -Eo 'lib(asan|tsan)[^/]*\.so' "/proc/$SERVER_PID/maps" | head -n 1)
RSS_LAUNCH=$(rss_kb)

# The clients start once the guest has finished its first round (its
# buffer written and checked once): under a sanitizer the hart is 10-50
# times slower, and a reader must not compare a buffer still being filled.
first_round=0
end=$(($(date +%s) + 60))
while [ "$(date +%s)" -lt "$end" ]; do
	w=$("$MONCLIENT" "$MON" 'xp /1xg 0x80300008' 2>/dev/null |
		awk '/^0000000080300008:/ { print $2 }')
	if [ -n "$w" ] && [ "$((w))" -gt 0 ]; then
		first_round=1
		break
	fi
done
[ "$first_round" = 1 ] || echo "load: the guest did not finish a round before the clients started"

wrk -t2 -c8 -d"${SECS}s" --timeout 10s -s "$SRC/rest_check.lua" \
	"http://$HTTP/api/v1/address-spaces/memory/memory?addr=0x40000000&len=65536" \
	>"$TMP/wrk.out" 2>&1 &
p_wrk=$!
LOAD_GDB=$GDB LOAD_SECONDS=$SECS LOAD_SRCDIR=$SRC \
	gdb-multiarch -nx -batch -x "$SRC/gdb_reader.py" >"$TMP/gdb.out" 2>&1 &
p_gdb=$!
python3 "$SRC/monitor_reader.py" "$MON" "$SECS" xp >"$TMP/mon1.out" 2>&1 &
p_mon1=$!
python3 "$SRC/monitor_reader.py" "$MON" "$SECS" mixed >"$TMP/mon2.out" 2>&1 &
p_mon2=$!

# RSS once a second while the clients run: after the warm-up, and last.
t=0
RSS_START= RSS_MAX=0
while [ "$t" -lt "$SECS" ]; do
	sleep 1
	t=$((t + 1))
	r=$(rss_kb)
	[ "$t" -eq "$WARMUP" ] && RSS_START=$r
	[ "${r:-0}" -gt "$RSS_MAX" ] && RSS_MAX=$r
done
for p in $p_wrk $p_gdb $p_mon1 $p_mon2; do
	wait "$p"
done
RSS_END=$(rss_kb)
: "${RSS_START:=$RSS_LAUNCH}"

# The guest's counters, with the harts stopped (tests/guests/checksum.c).
"$MONCLIENT" "$MON" stop "xp /6xg 0x80300000" quit >"$TMP/stats.out" 2>&1
wait "$SERVER_PID"
STATUS=$?
SERVER_PID=
kill "$WATCHDOG" 2>/dev/null
exec 3<&-

# field FILE WORD: the number after WORD in the client's summary line.
field() {
	awk -v w="$2" '/^(rest|gdb|monitor-[a-z]+): [a-z]+ [0-9]/ {
		for (i = 2; i < NF; i++) if ($i == w) { print $(i + 1); exit } }' "$1"
}
rest_req=$(field "$TMP/wrk.out" requests)
rest_err=$(field "$TMP/wrk.out" errors)
rest_torn=$(field "$TMP/wrk.out" torn)
gdb_sess=$(field "$TMP/gdb.out" sessions)
gdb_reads=$(field "$TMP/gdb.out" reads)
gdb_torn=$(field "$TMP/gdb.out" torn)
gdb_bad=$(field "$TMP/gdb.out" buffer-bad)
gdb_err=$(field "$TMP/gdb.out" errors)
m1_n=$(field "$TMP/mon1.out" commands)
m1_torn=$(field "$TMP/mon1.out" torn)
m1_err=$(field "$TMP/mon1.out" errors)
m2_n=$(field "$TMP/mon2.out" commands)
m2_torn=$(field "$TMP/mon2.out" torn)
m2_err=$(field "$TMP/mon2.out" errors)
# word N of the stats (0-based), from "ADDR: 0xW0 0xW1" lines
stat() {
	awk -v n="$1" '/^0000000080300/ { for (i = 2; i <= NF; i++) w[k++] = $i }
		END { print w[n] }' "$TMP/stats.out"
}
g_magic=$(stat 0)
g_rounds=$(($(stat 1)))
g_fail=$(($(stat 2)))
g_win=$(($(stat 3)))
g_traps=$(($(stat 4)))
toggles=$(sed -n 's/^toggler: \([0-9]*\) transactions$/\1/p' "$TMP/server.err")

echo
echo "load: $SECS s against one memcored (board tests/load/load.json)"
printf '%-15s %10s %8s %6s  %s\n' client requests errors torn notes
printf '%-15s %10s %8s %6s  %s\n' "REST (wrk)" "$rest_req" "$rest_err" \
	"$rest_torn" "64 KiB window reads, every body checked"
printf '%-15s %10s %8s %6s  %s\n' "gdb" "$gdb_reads" "$gdb_err" \
	"$gdb_torn" "$gdb_sess sessions; guest buffer wrong in $gdb_bad"
printf '%-15s %10s %8s %6s  %s\n' "monitor xp" "$m1_n" "$m1_err" \
	"$m1_torn" "xp /2xg across window quarters"
printf '%-15s %10s %8s %6s  %s\n' "monitor mixed" "$m2_n" "$m2_err" \
	"$m2_torn" "info mtree/registers/status, x /2i, xp"
printf '%-15s %10s %8s %6s  %s\n' "guest" "$g_rounds" "$g_fail" "$g_win" \
	"rounds; checksum failures; bad window words; $g_traps traps"
printf '%-15s %10s\n' "toggler" "${toggles:-?}"
printf 'RSS: launch %s KiB, start (after %s s) %s KiB, end %s KiB, max %s KiB, growth %s KiB%s\n' \
	"$RSS_LAUNCH" "$WARMUP" "$RSS_START" "$RSS_END" "$RSS_MAX" \
	"$((RSS_END - RSS_START))" "${sanitizer:+ (under $sanitizer)}"
echo

shown=
show_on_fail() { # show_on_fail FILE: print FILE (once) if the last check failed
	[ "$_ok" = yes ] && return
	case " $shown " in *" $1 "*) return ;; esac
	shown="$shown $1"
	echo "--- $1"
	tail -n 20 "$1"
}
chk() { # chk NAME FILE TEST...
	_n=$1 _f=$2
	shift 2
	if [ "$@" ] 2>/dev/null; then _ok=yes; pass "$_n"; else _ok=no; fail "$_n"; fi
	show_on_fail "$_f"
}
chk "REST requests served" "$TMP/wrk.out" "${rest_req:-0}" -gt 0
chk "REST: 0 errors" "$TMP/wrk.out" "${rest_err:-x}" -eq 0
chk "REST: 0 torn reads" "$TMP/wrk.out" "${rest_torn:-x}" -eq 0
chk "gdb sessions served" "$TMP/gdb.out" "${gdb_sess:-0}" -gt 0
chk "gdb: 0 errors" "$TMP/gdb.out" "${gdb_err:-x}" -eq 0
chk "gdb: 0 torn reads" "$TMP/gdb.out" "${gdb_torn:-x}" -eq 0
chk "gdb: the guest buffer as written" "$TMP/gdb.out" "${gdb_bad:-x}" -eq 0
chk "monitor xp served" "$TMP/mon1.out" "${m1_n:-0}" -gt 0
chk "monitor xp: 0 errors, 0 torn" "$TMP/mon1.out" \
	"${m1_err:-x}${m1_torn:-x}" = 00
chk "monitor mixed served" "$TMP/mon2.out" "${m2_n:-0}" -gt 0
chk "monitor mixed: 0 errors, 0 torn" "$TMP/mon2.out" \
	"${m2_err:-x}${m2_torn:-x}" = 00
chk "guest ran (its counters are there)" "$TMP/stats.out" \
	"$g_magic" = 0x54415453444f414c
chk "guest rounds" "$TMP/stats.out" "$g_rounds" -gt 0
chk "guest: 0 checksum failures" "$TMP/stats.out" "$g_fail" -eq 0
chk "guest: every window word a fill pattern" "$TMP/stats.out" "$g_win" -eq 0
chk "guest: no trap" "$TMP/stats.out" "$g_traps" -eq 0
chk "toggler committed transactions" "$TMP/server.err" "${toggles:-0}" -gt 0
chk "memcored quit with status 0" "$TMP/server.err" "$STATUS" -eq 0
if [ -n "$sanitizer" ]; then
	echo "RSS growth not asserted: memcored runs under $sanitizer"
else
	chk "RSS growth under $RSS_LIMIT_KB KiB" /dev/null \
		"$((RSS_END - RSS_START))" -lt "$RSS_LIMIT_KB"
fi
finish
