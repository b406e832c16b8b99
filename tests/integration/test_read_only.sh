#!/bin/sh
# tests/integration/test_read_only.sh — --read-only seen from every
# front-end memcored has today: the monitor socket and --exec refuse
# stores, region changes, system_reset and memsave/pmemsave with
# "Error: memcored is read-only"; a real gdb-multiarch gets its memory and
# register writes refused (and says why for registers), and its `monitor`
# the same refusals as the prompt.  Reads, breakpoints, watchpoints,
# stepping, continuing, stop/cont, dirty-log and quit still work, nothing
# the refused commands named changed, and the guest itself still runs.
. "${top_srcdir:-.}/tests/integration/lib.sh"

gdb_run() {
	_out=$1
	shift
	timeout 60 gdb-multiarch -batch -nx -ex "target remote $GDB" "$@" \
		-ex detach >"$_out" 2>&1
}

# refused FILE N: FILE has N lines "Error: memcored is read-only".
refused() {
	_n=$(grep -c '^Error: memcored is read-only$' "$1")
	[ "$_n" -eq "$2" ] && return 0
	echo "--- $1: $_n refusals, expected $2"
	cat "$1"
	return 1
}

DUMPS=$TMP/dumps
mkdir "$DUMPS"
start_server -S --read-only --dump-dir "$DUMPS" --monitor tcp:127.0.0.1:0 \
	--gdb tcp:127.0.0.1:0
MON=$(listen_addr)
next_line
GDB=$(listen_addr)

"$MONCLIENT" "$MON" 'xp /4xw 0x80000000' 'info mtree' 'info registers' \
	>"$TMP/before.out" 2>&1

# ---- the monitor socket -----------------------------------------------------
"$MONCLIENT" "$MON" 'stb 0x80000000 0xff' 'stq_le 0x80000000 1' \
	'region disable serial' 'region move serial 0x20000000' \
	'region resize serial 0x10' \
	"pmemsave 0x80000000 16 \"$TMP/mon.bin\"" \
	"memsave 0x80000000 16 \"$TMP/mon2.bin\"" \
	'system_reset' >"$TMP/mon.out" 2>&1
check "monitor: 8 writing commands, 8 refusals" refused "$TMP/mon.out" 8
check "monitor: no file written" sh -c \
	'[ ! -e "$0/mon.bin" ] && [ ! -e "$0/mon2.bin" ]' "$TMP"

# ---- gdb ----------------------------------------------------------------------
echo "0123456789abcdef" >"$TMP/restore.bin"
gdb_run "$TMP/gdb.out" -ex 'x/4xw 0x1000' \
	-ex 'set {int}0x80000000 = 0x12345678' \
	-ex 'set $a0 = 5' -ex 'set $pc = 0x80000000' \
	-ex "restore $TMP/restore.bin binary 0x80000000" \
	-ex 'monitor stl_le 0x80000000 1' -ex 'monitor region disable serial' \
	-ex 'monitor pmemsave 0x80000000 16 "x.bin"' \
	-ex 'monitor system_reset' \
	-ex 'watch *(int *)0x80000100' -ex 'break *0x1004' -ex continue \
	-ex stepi -ex 'p/x $pc'
check "gdb reads memory" contains "$TMP/gdb.out" \
	"0x1000:	0x00000297	0x02828613	0xf1402573	0x0202b583"
check "gdb: a memory write is refused" contains "$TMP/gdb.out" \
	"Cannot access memory at address 0x80000000"
check "gdb: a register write is refused, and says why" contains "$TMP/gdb.out" \
	"Could not write register \"a0\"; remote failure reply 'E.memcored is read-only'"
check "gdb: pc too" contains "$TMP/gdb.out" \
	"Could not write register \"pc\"; remote failure reply 'E.memcored is read-only'"
check "gdb: restore fails" contains "$TMP/gdb.out" \
	"warning: restore: memory write failed"
check "gdb's monitor: 4 refusals" refused "$TMP/gdb.out" 4
check "gdb's monitor: no dump written despite --dump-dir" \
	sh -c '[ -z "$(ls -A "$0")" ]' "$DUMPS"
check "gdb: breakpoints still stop the harts" contains "$TMP/gdb.out" \
	"Breakpoint 2, 0x0000000000001004 in ?? ()"
check "gdb: stepping still works" contains "$TMP/gdb.out" "= 0x1008"
check "gdb: watchpoints are still accepted" sh -c \
	'grep -q "^Hardware watchpoint 1: \*(int \*)0x80000100" "$0" &&
	 ! grep -q "Could not insert" "$0"' "$TMP/gdb.out"

# After gdb, as the harts must still sit at the boot ROM for gdb's
# breakpoint (-S).
"$MONCLIENT" "$MON" 'stop' 'cont' 'stop' 'dirty-log start' 'dirty-log stop' \
	'info status' >"$TMP/allowed.out" 2>&1
check "monitor: stop, cont and dirty-log are allowed" sh -c \
	'! grep -q "^Error" "$0"' "$TMP/allowed.out"
check "monitor: the machine is stopped as asked" contains "$TMP/allowed.out" \
	"VM status: paused"

# ---- nothing changed --------------------------------------------------------
"$MONCLIENT" "$MON" 'xp /4xw 0x80000000' 'info mtree' >"$TMP/after.out" 2>&1
head -n "$(wc -l <"$TMP/after.out")" "$TMP/before.out" >"$TMP/before.cut"
check "memory and the memory map are unchanged" same "$TMP/before.cut" \
	"$TMP/after.out"
check "RAM still holds virt's idle loop" contains "$TMP/after.out" \
	"0000000080000000: 0x10500073 0xffdff06f 0x00000000 0x00000000"

"$MONCLIENT" "$MON" 'quit' '0:wait' >"$TMP/quit.out" 2>&1
wait_server
check "quit is allowed: memcored exits 0" test "$STATUS" -eq 0

# ---- the guest is not a front-end -------------------------------------------
# --kernel still loads, and the guest's own stores (its stack, the UART)
# still happen: it runs to its power-off as without --read-only.
timeout 60 "$MEMCORED" --read-only --kernel \
	"$top_builddir/tests/guests/hello.elf" --monitor none --serial stdio \
	>"$TMP/uart.out" 2>"$TMP/uart.err"
check "the guest runs to its power-off under --read-only" test $? -eq 0
check "the guest's output is complete" contains "$TMP/uart.out" "bye"

# ---- --exec -----------------------------------------------------------------
"$MEMCORED" -S --read-only --exec 'system_reset' >"$TMP/exec.out" 2>&1
check "--exec system_reset under --read-only: exit 1" test $? -eq 1
check "--exec system_reset under --read-only: says so" \
	contains "$TMP/exec.out" "Error: memcored is read-only"

finish
