#!/bin/sh
# tests/integration/test_guest.sh — memcored running a real guest
# (tests/guests/hello.elf, built by make check) on the virt board's hart:
# UART output and power-off, -S with the monitor's vCPU commands, the way
# in through the boot ROM (QEMU's reset vector, which loads the entry
# point --kernel stored at 0x1018), and a gdb-multiarch session (break,
# continue, stepi, registers, print, watch, the guest's exit).
. "${top_srcdir:-.}/tests/integration/lib.sh"
GUEST=${GUEST:-$top_builddir/tests/guests/hello.elf}

gdb_run() {
	_out=$1
	shift
	timeout 60 gdb-multiarch -batch -nx "$GUEST" \
		-ex "target remote $GDB" "$@" >"$_out" 2>&1
}

# ---- UART, then power off through sifive-test --------------------------------
timeout 60 "$MEMCORED" --kernel "$GUEST" --monitor none --http none --serial stdio \
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
	'xp /1xw $sp+0x1000' 'xp /2i 0x80000000' 'xp /1xg 0x1018' 'cont' \
	'0:wait' >"$TMP/mon.out" 2>&1
check "monitor session" test $? -eq 0
wait_server
check "after cont the guest runs to its power-off (exit 0)" \
	test "$STATUS" -eq 0
check "-S: VM status: paused" contains "$TMP/mon.out" "VM status: paused"
check "info cpus" grep -Eq '^\* CPU #0: thread_id=[0-9]+' "$TMP/mon.out"
check "x /4i \$pc at reset: the boot ROM, as in QEMU" contains "$TMP/mon.out" \
	"0x0000000000001000:  00000297          auipc                   t0,0                    # 0x1000"
check "x /4i prints 4 lines" test "$(grep -c '^0x000000000000100' "$TMP/mon.out")" -eq 4
check "xp /2i: the program's entry (auipc of la sp) in RAM" \
	grep -Eq '^0x0000000080000000:  [0-9a-f]{8}          auipc                   sp,' \
	"$TMP/mon.out"
ENTRY=$(od -An -tx8 -j24 -N8 "$GUEST" | tr -d ' ')
ENTRY_GDB=$(echo "$ENTRY" | sed 's/^0*//')     # as gdb prints it
check "the ELF's entry point is stored at 0x1018 for the ROM" \
	contains "$TMP/mon.out" "0000000000001018: 0x$ENTRY"
check "info registers: pc at the boot ROM" \
	contains "$TMP/mon.out" " pc       0000000000001000"
check "info registers: mhartid" contains "$TMP/mon.out" " mhartid  0000000000000000"
check "info registers: x0..x3 on one line" grep -Eq \
	'^ x0/zero  0{16} x1/ra    0{16} x2/sp    0{16} x3/gp    0{16}$' \
	"$TMP/mon.out"
check "\$sp (0 at reset) in an expression" contains "$TMP/mon.out" \
	"0000000000001000: 0x00000297"

# ---- system_reset, stop ----------------------------------------------------
start_server -S --kernel "$GUEST" --monitor tcp:127.0.0.1:0
MON=$(listen_addr)
"$MONCLIENT" "$MON" 'stop' 'info status' 'system_reset' 'info status' \
	'x /1i $pc' 'quit' >"$TMP/reset.out" 2>&1
wait_server
check "system_reset keeps the machine paused" test \
	"$(grep -c 'VM status: paused' "$TMP/reset.out")" -eq 2
check "system_reset: pc back at the boot ROM" contains "$TMP/reset.out" \
	"0x0000000000001000:  00000297"

# ---- into the program through the boot ROM, and again after a reset ----------
start_server -S --kernel "$GUEST" --monitor none --serial stdio \
	--gdb tcp:127.0.0.1:0
GDB=$(listen_addr)
gdb_run "$TMP/boot.out" -ex 'info registers pc' -ex 'stepi 6' \
	-ex 'info registers pc' -ex 'p/x $a0' -ex 'p/x $a1' -ex 'p/x $a2' \
	-ex 'p $pc == _start' -ex 'monitor system_reset' \
	-ex 'maintenance flush register-cache' -ex 'info registers pc' \
	-ex 'stepi 6' -ex 'info registers pc' -ex 'p/x $a0' -ex detach
cat <&3 >"$TMP/boot.uart"
wait_server
check "-S --kernel: the hart starts at the boot ROM, 0x1000" grep -Eq \
	'^pc[[:space:]]+0x1000[[:space:]]+0x1000$' "$TMP/boot.out"
check "stepi 6 through the ROM: pc = the ELF entry" test \
	"$(grep -Ec "^pc[[:space:]]+0x$ENTRY_GDB[[:space:]]+0x$ENTRY_GDB <_start>\$" \
	"$TMP/boot.out")" -eq 2
check "the entry is _start" contains "$TMP/boot.out" '$4 = 1'
check "the ROM leaves a0 = hart id" contains "$TMP/boot.out" '$1 = 0x0'
check "a1 = the FDT address (none: 0)" contains "$TMP/boot.out" '$2 = 0x0'
check "a2 = 0x1028, as QEMU's reset vector sets it" \
	contains "$TMP/boot.out" '$3 = 0x1028'
check "system_reset: back at the boot ROM" test "$(grep -Ec \
	'^pc[[:space:]]+0x1000[[:space:]]+0x1000$' "$TMP/boot.out")" -eq 2
check "after the reset the ROM reaches the entry again, a0 = hart id" \
	contains "$TMP/boot.out" '$5 = 0x0'
check "detached, the program runs to its power-off (exit 0)" \
	test "$STATUS" -eq 0
check "and prints all it prints" contains "$TMP/boot.uart" "bye"

# Only the stored entry gets there: a board whose ROM says 0 at 0x1018
# (--print-board virt, start address zeroed) still runs the program.
"$MEMCORED" --print-board virt | sed \
	's/67 80 02 00  00 00 00 80 00 00 00 00/67 80 02 00  00 00 00 00 00 00 00 00/' \
	>"$TMP/zero.json"
check "the ROM's start address is zeroed in the copy" \
	sh -c '! cmp -s "$0" "$1"' "$TMP/zero.json" "$TMP/uart.want"
"$MEMCORED" --board "$TMP/zero.json" --monitor none --exec 'xp /1xg 0x1018' \
	>"$TMP/zero.out" 2>&1
check "without --kernel that board's ROM holds 0 at 0x1018" \
	contains "$TMP/zero.out" "0000000000001018: 0x0000000000000000"
timeout 60 "$MEMCORED" --board "$TMP/zero.json" --kernel "$GUEST" \
	--monitor none --http none --serial stdio >"$TMP/zero.uart" 2>&1
check "with --kernel it boots through the stored entry to power-off" \
	test $? -eq 0
check "the same UART output" same "$TMP/uart.want" "$TMP/zero.uart"

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

# gdb waiting in `continue` when the guest powers off is told it exited
start_server -S --kernel "$GUEST" --monitor none --gdb tcp:127.0.0.1:0
GDB=$(listen_addr)
gdb_run "$TMP/exit.out" -ex continue -ex 'info threads'
wait_server
check "gdb: continue to the guest's power-off: exited normally" \
	contains "$TMP/exit.out" "[Inferior 1 (Remote target) exited normally]"
check "gdb: no threads after the exit" contains "$TMP/exit.out" "No threads."
check "and memcored exits 0" test "$STATUS" -eq 0

# main() made to return 7 from gdb: the guest fails through sifive-test
# ((7 << 16) | 0x3333, as under QEMU) and gdb hears the exit code
start_server -S --kernel "$GUEST" --monitor none --gdb tcp:127.0.0.1:0
GDB=$(listen_addr)
gdb_run "$TMP/fail.out" -ex 'break main' -ex continue -ex 'return 7' \
	-ex continue
wait_server
check "gdb: a failing guest: exited with code 07" \
	contains "$TMP/fail.out" "[Inferior 1 (Remote target) exited with code 07]"
check "and memcored exits with the guest's code, 7" test "$STATUS" -eq 7

finish
