#!/bin/sh
# tests/integration/test_gdb_session.sh — real gdb-multiarch (-batch -nx)
# against memcored's gdb stub on port 0: what a user types and sees.
# Memory written or restored by gdb is read back through the monitor
# (monclient), and a 16 MiB dump is compared with the monitor's pmemsave.
. "${top_srcdir:-.}/tests/integration/lib.sh"

# gdb_run OUT CMD...: one gdb session (connect, CMDs, then batch end),
# everything it prints in OUT.
gdb_run() {
	_out=$1
	shift
	set -- -ex "target remote $GDB" "$@"
	timeout 60 gdb-multiarch -batch -nx "$@" >"$_out" 2>&1
}

nocpu_virt "$TMP/virt-nocpu.json"
start_server --board "$TMP/virt-nocpu.json" --monitor tcp:127.0.0.1:0 --gdb tcp:127.0.0.1:0
MON=$(listen_addr)
next_line
GDB=$(listen_addr)
check "gdb's line comes after the monitor's" \
	sh -c 'echo "$0" | grep -Eq "^127\.0\.0\.1:[1-9][0-9]*$"' "$GDB"

"$MONCLIENT" -b "$MON" >"$TMP/banner.out" 2>&1
check "the monitor banner says where gdb listens" \
	contains "$TMP/banner.out" "gdb on $GDB, http off"

# ---- connect, read, detach -------------------------------------------------
gdb_run "$TMP/x.out" -ex 'x/4xw 0x1000' -ex 'p $pc' -ex 'show architecture' \
	-ex detach
check "x/4xw reads the boot ROM" contains "$TMP/x.out" \
	"0x1000:	0x00000297	0x02828613	0xf1402573	0x0202b583"
check "gdb needs no set architecture (target.xml)" contains "$TMP/x.out" \
	'(currently "riscv:rv64")'
check "a machine without vCPU: pc is at the boot ROM" contains "$TMP/x.out" \
	'$1 = (void (*)()) 0x1000'
check "detach" contains "$TMP/x.out" "[Inferior 1 (Remote target) detached]"

# ---- reconnect, write, read back through the monitor ----------------------
gdb_run "$TMP/set.out" -ex 'set {int}0x80000100 = 0x12345678' \
	-ex 'set {char}0x80000104 = 0x41' -ex 'x/2xw 0x80000100' -ex detach
check "reconnect after detach" contains "$TMP/set.out" \
	"0x80000100:	0x12345678	0x00000041"
"$MONCLIENT" "$MON" 'xp /2xw 0x80000100' >"$TMP/xp.out" 2>&1
check "set {int} is what the monitor reads" contains "$TMP/xp.out" \
	"0000000080000100: 0x12345678 0x00000041"

# ---- nothing mapped ---------------------------------------------------------
gdb_run "$TMP/unmapped.out" -ex 'x/4xw 0xffff0' -ex 'x/xw 0x90000000' \
	-ex 'set {int}0x1000 = 1' -ex detach
check "unmapped read: Cannot access memory" contains "$TMP/unmapped.out" \
	"Cannot access memory at address 0xffff0"
check "past the end of RAM: Cannot access memory" \
	contains "$TMP/unmapped.out" "Cannot access memory at address 0x90000000"
check "the ROM refuses a write" contains "$TMP/unmapped.out" \
	"Cannot access memory at address 0x1000"
"$MONCLIENT" "$MON" 'xp /1xw 0x1000' >"$TMP/rom.out" 2>&1
check "the ROM is unchanged" contains "$TMP/rom.out" \
	"0000000000001000: 0x00000297"

# ---- info mem: the flat ranges ------------------------------------------------
gdb_run "$TMP/mem.out" -ex 'info mem' -ex detach
sed -n '/^Num Enb/,/^\[Inferior/p' "$TMP/mem.out" | sed '$d' >"$TMP/mem.got"
cat >"$TMP/mem.want" <<'WANT'
Num Enb Low Addr           High Addr          Attrs 
0   y  	0x0000000000001000 0x0000000000010000 ro nocache 
1   y  	0x0000000000100000 0x0000000000101000 rw nocache 
2   y  	0x0000000002000000 0x0000000002010000 rw nocache 
3   y  	0x0000000010000000 0x0000000010000100 rw nocache 
4   y  	0x0000000080000000 0x0000000088000000 rw nocache 
WANT
check "info mem lists every flat range, ROM read-only" \
	same "$TMP/mem.want" "$TMP/mem.got"

# ---- monitor commands -----------------------------------------------------------
gdb_run "$TMP/mtree.out" -ex 'monitor info mtree -f' -ex 'monitor nosuchcmd' \
	-ex detach
"$MONCLIENT" "$MON" 'info mtree -f' >"$TMP/mtree.mon" 2>&1
check "monitor info mtree -f streams the monitor's output" \
	contains "$TMP/mtree.out" \
	"  0000000080000000-0000000087ffffff (prio 0, ram): riscv_virt_board.ram"
check "monitor output equals the monitor's own" sh -c \
	'grep -F "(prio " "$0" >"$0.a"; grep -F "(prio " "$1" >"$1.a"; cmp -s "$0.a" "$1.a"' \
	"$TMP/mtree.out" "$TMP/mtree.mon"
check "a monitor error is shown" contains "$TMP/mtree.out" \
	"unknown command: 'nosuchcmd'"

# ---- find -------------------------------------------------------------------------
gdb_run "$TMP/find.out" -ex 'set {int}0x80123450 = 0xcafef00d' \
	-ex 'find /w 0x80000000, +0x1000000, 0xcafef00d' \
	-ex 'find /w 0x80000000, +0x100000, 0xcafef00d' -ex detach
check "find locates a pattern" contains "$TMP/find.out" "0x80123450"
check "find reports one match" contains "$TMP/find.out" "1 pattern found."
check "find outside the range: not found" contains "$TMP/find.out" \
	"Pattern not found."

# ---- restore, then a 16 MiB dump against pmemsave -----------------------------
head -c 1048576 /dev/urandom >"$TMP/rand.bin"
gdb_run "$TMP/restore.out" \
	-ex "restore $TMP/rand.bin binary 0x80200000" \
	-ex "dump binary memory $TMP/gdb.bin 0x80000000 0x81000000" -ex detach
check "restore writes the file" contains "$TMP/restore.out" \
	"Restoring binary file $TMP/rand.bin into memory (0x80200000 to 0x80300000)"
"$MONCLIENT" "$MON" "pmemsave 0x80000000 0x1000000 \"$TMP/mon.bin\"" \
	"pmemsave 0x80200000 0x100000 \"$TMP/mon-rand.bin\"" \
	>"$TMP/pmem.out" 2>&1
check "dump binary memory: 16 MiB" test "$(wc -c <"$TMP/gdb.bin")" -eq 16777216
check "dump binary memory equals pmemsave's bytes" same "$TMP/mon.bin" "$TMP/gdb.bin"
check "restored bytes are in RAM" same "$TMP/rand.bin" "$TMP/mon-rand.bin"

# ---- stepping and continuing a machine without vCPU never hangs -------------
gdb_run "$TMP/run.out" -ex stepi -ex continue -ex 'break *0x80000000' \
	-ex 'info breakpoints' -ex detach
check "continue returns (nothing can run)" contains "$TMP/run.out" \
	"Program received signal SIGTRAP"
check "a breakpoint is accepted" contains "$TMP/run.out" \
	"Breakpoint 1 at 0x80000000"

# ---- one client at a time ------------------------------------------------------
mkfifo "$TMP/hold" "$TMP/g1.out"
timeout 60 gdb-multiarch -batch -nx -ex "target remote $GDB" \
	-ex 'echo first-connected\n' -ex "shell cat $TMP/hold >/dev/null" \
	-ex 'x/xw 0x1000' -ex detach >"$TMP/g1.out" 2>&1 &
G1=$!
exec 4<"$TMP/g1.out"
: >"$TMP/g1.log"
while IFS= read -r l <&4; do
	echo "$l" >>"$TMP/g1.log"
	[ "$l" = first-connected ] && break
done
gdb_run "$TMP/g2.out" -ex 'x/xw 0x1000'
check "a second client is refused politely" contains "$TMP/g2.out" \
	"another gdb is already connected"
check "memcored says so on stderr" contains "$TMP/server.err" \
	"refused a second connection"
echo go >"$TMP/hold"
cat <&4 >>"$TMP/g1.log"
wait "$G1"
check "the first client goes on" contains "$TMP/g1.log" "0x1000:	0x00000297"
exec 4<&-

# ---- kill keeps memcored running -------------------------------------------------
gdb_run "$TMP/kill.out" -ex kill
gdb_run "$TMP/after.out" -ex 'x/xw 0x80000100' -ex detach
check "after kill, memcored still serves gdb" contains "$TMP/after.out" \
	"0x80000100:	0x12345678"

# ---- SIGTERM with a client connected --------------------------------------------
rm -f "$TMP/hold" "$TMP/g1.out"
mkfifo "$TMP/hold" "$TMP/g1.out"
timeout 60 gdb-multiarch -batch -nx -ex "target remote $GDB" \
	-ex 'echo first-connected\n' -ex "shell cat $TMP/hold >/dev/null" \
	-ex 'x/xw 0x1000' >"$TMP/g1.out" 2>&1 &
G1=$!
exec 4<"$TMP/g1.out"
while IFS= read -r l <&4; do
	[ "$l" = first-connected ] && break
done
kill -TERM "$SERVER_PID"
wait_server
check "SIGTERM with gdb connected exits 0" test "$STATUS" -eq 0
echo go >"$TMP/hold"
cat <&4 >"$TMP/g1.tail"
wait "$G1"
exec 4<&-
check "the connected gdb sees the end" contains "$TMP/g1.tail" \
	"Remote connection closed"

finish
