#!/bin/sh
# tests/integration/test_guest.sh — memcored running a real guest
# (tests/guests/hello.elf, built by make check) on the virt board's hart:
# UART output and power-off, -S with the monitor's vCPU commands, and a
# gdb-multiarch session (break, continue, stepi, registers, print, watch).
. "${top_srcdir:-.}/tests/integration/lib.sh"
GUEST=${GUEST:-$top_builddir/tests/guests/hello.elf}

gdb_run() {
	_out=$1
	shift
	timeout 60 gdb-multiarch -batch -nx "$GUEST" \
		-ex "target remote $GDB" "$@" >"$_out" 2>&1
}

# ---- UART, then power off through sifive-test --------------------------------
timeout 60 "$MEMCORED" --kernel "$GUEST" --monitor none --serial stdio \
	>"$TMP/uart.out" 2>"$TMP/uart.err"
check "the guest powers off: memcored exits 0" test $? -eq 0
cat >"$TMP/uart.want" <<'WANT'
Hello from the memcore RV64 guest
mul -42 div -3 rem -1 div0 -1
ecalls 1
timer 1
counter 3
bye
WANT
check "the guest's UART output (M ops, ecall, timer interrupt)" \
	same "$TMP/uart.want" "$TMP/uart.out"

# ---- -S, monitor, cont --------------------------------------------------------
start_server -S --kernel "$GUEST" --monitor tcp:127.0.0.1:0
MON=$(listen_addr)
"$MONCLIENT" "$MON" 'info status' 'info cpus' 'x /4i $pc' 'info registers' \
	'xp /1xw $sp+0x1000' 'xp /2i 0x80000000' 'cont' '0:wait' >"$TMP/mon.out" 2>&1
check "monitor session" test $? -eq 0
wait_server
check "after cont the guest runs to its power-off (exit 0)" \
	test "$STATUS" -eq 0
check "-S: VM status: paused" contains "$TMP/mon.out" "VM status: paused"
check "info cpus" grep -Eq '^\* CPU #0: thread_id=[0-9]+' "$TMP/mon.out"
check "x /4i \$pc disassembles the entry (auipc of la sp)" \
	grep -Eq '^0x0000000080000000:  [0-9a-f]{8}          auipc                   sp,' \
	"$TMP/mon.out"
check "x /4i prints 4 lines" test "$(grep -c '^0x00000000800000' "$TMP/mon.out")" -ge 4
check "info registers: pc" contains "$TMP/mon.out" " pc       0000000080000000"
check "info registers: mhartid" contains "$TMP/mon.out" " mhartid  0000000000000000"
check "info registers: x0..x3 on one line" grep -Eq \
	'^ x0/zero  0{16} x1/ra    0{16} x2/sp    0{16} x3/gp    0{16}$' \
	"$TMP/mon.out"
check "\$sp (0 at reset) in an expression" contains "$TMP/mon.out" \
	"0000000000001000: 0x00100293"

# ---- system_reset, stop ----------------------------------------------------
start_server -S --kernel "$GUEST" --monitor tcp:127.0.0.1:0
MON=$(listen_addr)
"$MONCLIENT" "$MON" 'stop' 'info status' 'system_reset' 'info status' \
	'x /1i $pc' 'quit' >"$TMP/reset.out" 2>&1
wait_server
check "system_reset keeps the machine paused" test \
	"$(grep -c 'VM status: paused' "$TMP/reset.out")" -eq 2
check "system_reset: pc back at the entry" contains "$TMP/reset.out" \
	"0x0000000080000000:  "

# ---- the virt board's own image (wfi; j .) runs until quit -----------------
start_server --monitor tcp:127.0.0.1:0
MON=$(listen_addr)
"$MONCLIENT" "$MON" 'info status' 'stop' 'info status' 'cont' 'c' \
	'info status' 'stl_le 0x100000 0x7777' 'info status' 'stop' \
	'xp /2i 0x80000000' 'quit' >"$TMP/run.out" 2>&1
wait_server
check "a board with cpus runs at once: VM status: running" \
	test "$(grep -c 'VM status: running' "$TMP/run.out")" -eq 3
check "stop: VM status: paused" contains "$TMP/run.out" "VM status: paused"
check "the board's RAM image disassembles" contains "$TMP/run.out" \
	"0x0000000080000000:  10500073          wfi"
check "and the jump back" contains "$TMP/run.out" \
	"0x0000000080000004:  ffdff06f          jal                     zero,-4                 # 0x80000000"
check "quit while the hart runs, after a sifive-test reset: exit 0" \
	test "$STATUS" -eq 0

# ---- gdb ------------------------------------------------------------------------
start_server -S --kernel "$GUEST" --monitor none --gdb tcp:127.0.0.1:0
GDB=$(listen_addr)
gdb_run "$TMP/gdb.out" -ex 'break tick' -ex continue -ex stepi \
	-ex 'info registers pc' -ex 'print counter' -ex 'watch counter' \
	-ex continue -ex 'print counter' -ex 'info threads' -ex delete \
	-ex detach
check "gdb: break on a function and continue" contains "$TMP/gdb.out" \
	"Breakpoint 1, tick () at"
check "gdb: stepi moves by one instruction" grep -Eq \
	'^pc[[:space:]]+0x[0-9a-f]+[[:space:]]+0x[0-9a-f]+ <tick\+4>' "$TMP/gdb.out"
check "gdb: print a global" contains "$TMP/gdb.out" '$1 = 0'
check "gdb: watch a global" contains "$TMP/gdb.out" "Hardware watchpoint 2: counter"
check "gdb: the watchpoint fires with old and new value" sh -c \
	'grep -q "Old value = 0" "$0" && grep -q "New value = 1" "$0"' "$TMP/gdb.out"
check "gdb: the global after the watchpoint" contains "$TMP/gdb.out" '$2 = 1'
check "gdb: threads are vCPUs" contains "$TMP/gdb.out" "Thread 1 (vCPU 0)"
check "gdb: detach" contains "$TMP/gdb.out" "[Inferior 1 (Remote target) detached]"
wait_server
check "after detach the guest runs to its power-off (exit 0)" test "$STATUS" -eq 0

finish
