#!/bin/sh
# tests/integration/test_gdb_watch.sh — gdb's watch and rwatch on a
# machine without a vCPU: the watchpoints live in the memory core, so a
# store or load by another initiator (here the monitor) stops gdb's
# `continue` with gdb's usual report, after the store.  gdb's own reads
# and writes never fire them.
. "${top_srcdir:-.}/tests/integration/lib.sh"

nocpu_virt "$TMP/virt-nocpu.json"
start_server --board "$TMP/virt-nocpu.json" --monitor tcp:127.0.0.1:0 --gdb tcp:127.0.0.1:0
MON=$(listen_addr)
next_line
GDB=$(listen_addr)

"$MONCLIENT" "$MON" 'stl_le 0x80000200 0x11' >/dev/null 2>&1

timeout 60 gdb-multiarch -batch -nx -ex "target remote $GDB" \
	-ex 'watch *(int *)0x80000200' -ex 'rwatch *(int *)0x80000300' \
	-ex 'set {int}0x80000300 = 5' -ex 'x/xw 0x80000300' \
	-ex 'echo armed\n' -ex continue -ex 'echo first-stop\n' \
	-ex 'delete 1' -ex continue -ex 'echo second-stop\n' \
	-ex 'delete' -ex 'continue' -ex detach >"$TMP/gdb.out" 2>&1 &
GDB_PID=$!

# wait_for TEXT CMD: run the monitor command CMD until gdb has printed
# TEXT.  gdb's `continue` reaches the stub some time after gdb prints
# that it continues; an access before then is not a stop, so the access
# is repeated (each with a new value, which gdb needs to see a change)
# until gdb reports it.  Bounded: a broken stub fails, it does not hang.
wait_for() {
	_n=0
	while ! grep -q "$1" "$TMP/gdb.out"; do
		_n=$((_n + 1))
		[ $_n -gt 500 ] && return 1
		kill -0 "$GDB_PID" 2>/dev/null || return 1
		"$MONCLIENT" "$MON" "$(echo "$2" | sed "s/VALUE/$((0x100 + _n))/")" \
			>/dev/null 2>&1
	done
}

wait_for_line() {
	_n=0
	while ! grep -q "$1" "$TMP/gdb.out"; do
		_n=$((_n + 1))
		[ $_n -gt 2000 ] && return 1
		kill -0 "$GDB_PID" 2>/dev/null || return 1
		"$MONCLIENT" "$MON" 'info mtree -f' >/dev/null 2>&1
	done
}

check "gdb armed both watchpoints" wait_for_line '^armed'
check "a monitor store stops continue" \
	wait_for '^first-stop' 'stl_le 0x80000200 VALUE'
check "gdb reports the hardware watchpoint" \
	contains "$TMP/gdb.out" "Hardware watchpoint 1: *(int *)0x80000200"
check "old value as gdb last saw it" contains "$TMP/gdb.out" "Old value = 17"
# The first store that reaches a running target has a value of 257 or
# more (stores before gdb's continue arrived are not stops).
check "new value: the store had happened" \
	grep -Eq "^New value = (25[7-9]|2[6-9][0-9]|[3-9][0-9][0-9])$" "$TMP/gdb.out"
check "gdb's own write and read fired nothing" \
	contains "$TMP/gdb.out" "0x80000300:	0x00000005"
check "a monitor load stops continue at the rwatch" \
	wait_for '^second-stop' 'ldl_le 0x80000300'
check "gdb reports the read watchpoint" \
	contains "$TMP/gdb.out" "Hardware read watchpoint 2: *(int *)0x80000300"
check "with the read value" contains "$TMP/gdb.out" "Value = 5"
wait "$GDB_PID"
check "gdb ends normally" test $? -eq 0
check "with every watchpoint deleted, continue returns at once" \
	contains "$TMP/gdb.out" "[Inferior 1 (Remote target) detached]"
"$MONCLIENT" "$MON" 'stl_le 0x80000200 1' 'xp /1xw 0x80000200' \
	>"$TMP/after.out" 2>&1
check "after detach, stores go on as before" \
	contains "$TMP/after.out" "0000000080000200: 0x00000001"

"$MONCLIENT" "$MON" quit >/dev/null 2>&1
wait_server
check "memcored exits 0" test "$STATUS" -eq 0
finish
