#!/bin/sh
# tests/integration/test_gdb_guest.sh — debugging a C program on
# memcored's harts with gdb-multiarch -batch, as one would with QEMU:
# tests/guests/debugme.c (built -O0 -g by make check) under
#   A. break/continue/bt/finish/next/step/stepi, registers, print of a
#      global, a local and an argument, info frame/locals, x of unmapped
#      memory, then watch/rwatch/awatch on the globals it writes and reads;
#   B. a watchpoint hit by a monitor stl_le while the guest runs, Ctrl-C
#      (SIGINT to gdb) of the running guest, and its power-off;
#   C. the two-hart board tests/boards/virt-2harts.json: harts as threads
#      (one parked in wfi), breakpoints and a watchpoint hit on either
#      hart naming it, next on hart 1, Ctrl-C keeping gdb on the thread
#      it was on.
# What gdb prints is what QEMU 7.2 (qemu-system-riscv64 -M virt -bios none
# -kernel debugme.elf -s -S) makes it print.  memcored listens on port 0;
# the test waits on gdb's output, pacing its loops with monitor round
# trips, never with sleeps.
. "${top_srcdir:-.}/tests/integration/lib.sh"
GUEST=${GUEST:-$top_builddir/tests/guests/debugme.elf}
OUT=$TMP/gdb.out

# gdb_start ARGS...: gdb-multiarch on $GUEST connected to $GDB, running
# the -ex ARGS, in the background, output in $OUT, pid in GDB_PID.
# --foreground: timeout then passes a SIGINT to gdb once (without it,
# it sends one to gdb and one to its process group: two Ctrl-Cs, and gdb
# asks "Stop debugging it?").
gdb_start() {
	: >"$OUT"
	timeout --foreground 60 gdb-multiarch -batch -nx "$GUEST" \
		-ex "target remote $GDB" "$@" >"$OUT" 2>&1 &
	GDB_PID=$!
}

# gdb_end: wait for gdb; its exit status in GDB_STATUS.
gdb_end() {
	wait "$GDB_PID"
	GDB_STATUS=$?
}

# gdb_wait ERE: until a line of gdb's output matches ERE.  Each round
# trip to the monitor paces the loop; bounded, and over when gdb is.
gdb_wait() {
	_n=0
	while ! grep -Eq -- "$1" "$OUT"; do
		_n=$((_n + 1))
		if [ $_n -gt 3000 ] || ! kill -0 "$GDB_PID" 2>/dev/null; then
			grep -Eq -- "$1" "$OUT"
			return
		fi
		"$MONCLIENT" "$MON" 'info status' >/dev/null 2>&1
	done
}

# gdb_interrupt: press Ctrl-C once gdb's continue has reached memcored
# (the monitor says the harts run): SIGINT to gdb, which sends ^C.
gdb_interrupt() {
	_n=0
	until "$MONCLIENT" "$MON" 'info status' 2>/dev/null |
		grep -q 'VM status: running'; do
		_n=$((_n + 1))
		if [ $_n -gt 3000 ] || ! kill -0 "$GDB_PID" 2>/dev/null; then
			return 1
		fi
	done
	kill -INT "$GDB_PID"
}

# has_block FILE ERE...: consecutive lines of FILE match the EREs, each
# the whole line (shows the EREs and FILE when not).
has_block() {
	if awk 'BEGIN { n = ARGC - 2
			for (i = 1; i <= n; i++) want[i] = ARGV[i + 1]
			ARGC = 2 }
		{ line[++nl] = $0 }
		END { for (s = 1; s + n - 1 <= nl; s++) {
			for (i = 1; i <= n; i++)
				if (line[s + i - 1] !~ ("^" want[i] "$")) break
			if (i > n) exit 0 }
		      exit 1 }' "$@"; then
		return 0
	fi
	echo "--- $1 has no block:"; shift; printf '  %s\n' "$@"
	return 1
}

# pc_of N: the address in gdb's "$N = (void (*)()) 0x... <f+k>".
pc_of() {
	sed -n "s/^\\\$$1 = (void (\\*)()) \\(0x[0-9a-f]*\\) <.*>\$/\\1/p" "$OUT"
}

F='[^ ]*debugme\.c'          # the source file, as gdb names it
T=$(printf '\t')              # between a line number and the source text
A='0x[0-9a-f]+'               # an address

# ---- A. a C program: breakpoints, stepping, frames, data, watchpoints -----
start_server -S --kernel "$GUEST" --monitor tcp:127.0.0.1:0 \
	--gdb tcp:127.0.0.1:0
MON=$(listen_addr)
next_line
GDB=$(listen_addr)
# gdb prints "Run till exit from ..." for a finish typed at its prompt
# (from_tty); python's gdb.execute(cmd, True) is that, in -batch.
gdb_start -ex 'break add_scaled' -ex continue -ex 'print b' -ex bt \
	-ex next -ex 'print sq' -ex 'info locals' -ex 'info frame' \
	-ex 'python gdb.execute("finish", True)' -ex delete \
	-ex next -ex next -ex step -ex step \
	-ex 'print $pc' -ex stepi -ex 'print $pc' -ex 'info registers' \
	-ex 'print origin' -ex 'print greeting' -ex 'print limit' \
	-ex 'x/2xw 0x40000000' -ex 'echo A-stepping-done\n' \
	-ex 'watch counter' -ex 'rwatch limit' -ex 'awatch total' \
	-ex continue -ex continue -ex continue -ex continue -ex continue \
	-ex continue -ex 'print total' -ex delete -ex detach
gdb_end
cp "$OUT" "$TMP/A.out"
check "A: gdb ran its script" test "$GDB_STATUS" -eq 0
check "A: break on a function, continue: stop with its arguments" \
	has_block "$OUT" '' "Breakpoint 1, add_scaled \\(a=0, b=3, scale=2\\) at $F:[0-9]+" \
	"[0-9]+${T}    int sq = square\\(b\\);"
check "A: print of a function argument" contains "$OUT" '$1 = 3'
check "A: bt: three frames with function names and arguments" \
	has_block "$OUT" "#0  add_scaled \\(a=0, b=3, scale=2\\) at $F:[0-9]+" \
	"#1  $A in accumulate \\(n=3\\) at $F:[0-9]+" \
	"#2  $A in main \\(\\) at $F:[0-9]+"
# next right after bt: the line after the call, nothing from square()
check "A: next steps over the call to square()" \
	has_block "$OUT" "#2  $A in main \\(\\) at $F:[0-9]+" \
	"[0-9]+${T}    int sum = a \\+ sq;" '\$2 = 9'
check "A: print of a local (the value square() returned)" contains "$OUT" '$2 = 9'
check "A: info locals" has_block "$OUT" 'sq = 9' 'sum = -?[0-9]+'
check "A: info frame" has_block "$OUT" "Stack level 0, frame at $A:" \
	" pc = $A in add_scaled \\($F:[0-9]+\\); saved pc = $A" \
	" called by frame at $A"
check "A: finish: Run till exit, the caller's line, Value returned" \
	has_block "$OUT" \
	"Run till exit from #0  add_scaled \\(a=0, b=3, scale=2\\) at $F:[0-9]+" \
	"$A in accumulate \\(n=3\\) at $F:[0-9]+" \
	"[0-9]+${T}        acc \\+= add_scaled\\(i, n, 2\\);" \
	'Value returned is \$3 = 18'
check "A: next, next: the loop, the call line again" \
	has_block "$OUT" 'Value returned is \$3 = 18' \
	"[0-9]+${T}    for \\(i = 0; i < n; i\\+\\+\\) \\{" \
	"[0-9]+${T}        acc \\+= add_scaled\\(i, n, 2\\);"
check "A: step into add_scaled(), then into square()" \
	has_block "$OUT" "add_scaled \\(a=1, b=3, scale=2\\) at $F:[0-9]+" \
	"[0-9]+${T}    int sq = square\\(b\\);" \
	"square \\(v=3\\) at $F:[0-9]+" "[0-9]+${T}    int r = v \\* v;"
check "A: stepi: one instruction, inside the same line" \
	has_block "$OUT" '\$4 = \(void \(\*\)\(\)\) 0x[0-9a-f]+ <square\+[0-9]+>' \
	"$A${T}[0-9]+${T}    int r = v \\* v;" \
	'\$5 = \(void \(\*\)\(\)\) 0x[0-9a-f]+ <square\+[0-9]+>'
PC4=$(pc_of 4)
PC5=$(pc_of 5)
check "A: stepi moved pc by 4 ($PC4 -> $PC5)" \
	sh -c '[ -n "$0" ] && [ -n "$1" ] && [ $(($0 + 4)) -eq $(($1)) ]' \
	"$PC4" "$PC5"
check "A: info registers: ra (return into add_scaled), sp, a0 (v), pc" \
	sh -c 'S="[[:space:]]+"
	grep -Eq "^ra${S}0x[0-9a-f]+${S}0x[0-9a-f]+ <add_scaled\+[0-9]+>$" "$0" &&
	grep -Eq "^sp${S}0x8001[0-9a-f]{4}${S}0x8001[0-9a-f]{4}$" "$0" &&
	grep -Eq "^a0${S}0x3${S}3$" "$0" &&
	grep -Eq "^pc${S}$1${S}$1 <square\+[0-9]+>$" "$0"' "$OUT" "$PC5"
check "A: info registers lists x1..x31 and pc" \
	test "$(sed -n '/^ra  /,/^pc  /p' "$OUT" | wc -l)" -eq 32
check "A: print of globals (a struct, a string, an int)" \
	sh -c 'grep -q "^\$6 = {x = 1, y = 2}$" "$0" &&
	grep -q "^\$7 = \"debugme\"$" "$0" && grep -q "^\$8 = 3$" "$0"' "$OUT"
check "A: x of an unmapped address: Cannot access memory" \
	contains "$OUT" 'Cannot access memory at address 0x40000000'
check "A: gdb set all three kinds of watchpoint" \
	has_block "$OUT" 'A-stepping-done' 'Hardware watchpoint 2: counter' \
	'Hardware read watchpoint 3: limit' \
	'Hardware access \(read/write\) watchpoint 4: total'
# The hart stops before the watched access and gdb steps over it, as
# with QEMU: each stop is right after the store or load, at the start
# of the next line for bump()'s store and add_total()'s store.
for n in 1 2 3; do
	check "A: watch counter, hit $n: old and new value, after the store" \
		has_block "$OUT" '' 'Hardware watchpoint 2: counter' '' \
		"Old value = $((n - 1))" "New value = $n" \
		"bump \\(\\) at $F:[0-9]+" "[0-9]+${T}}"
done
check "A: rwatch limit: the value read, right after the load" \
	has_block "$OUT" '' 'Hardware read watchpoint 3: limit' '' \
	'Value = 3' "$A in read_limit \\(\\) at $F:[0-9]+" \
	"[0-9]+${T}    return limit;"
check "A: awatch total, read: its value" \
	has_block "$OUT" '' 'Hardware access \(read/write\) watchpoint 4: total' \
	'' 'Value = 0' "$A in add_total \\(v=63\\) at $F:[0-9]+" \
	"[0-9]+${T}    total = total \\+ v;"
check "A: awatch total, write: old and new value" \
	has_block "$OUT" '' 'Hardware access \(read/write\) watchpoint 4: total' \
	'' 'Old value = 0' 'New value = 63' "add_total \\(v=63\\) at $F:[0-9]+" \
	"[0-9]+${T}}"
check "A: the global after the watchpoints" contains "$OUT" '$9 = 63'
check "A: detach" contains "$OUT" '[Inferior 1 (Remote target) detached]'
"$MONCLIENT" "$MON" 'info status' 'quit' >"$TMP/a-mon.out" 2>&1
wait_server
check "A: after detach the guest runs on" \
	contains "$TMP/a-mon.out" 'VM status: running'
check "A: memcored exits 0" test "$STATUS" -eq 0

# ---- B. a monitor store hits a watchpoint; Ctrl-C; power-off ---------------
start_server -S --kernel "$GUEST" --monitor tcp:127.0.0.1:0 \
	--gdb tcp:127.0.0.1:0 --serial stdio
MON=$(listen_addr)
next_line
GDB=$(listen_addr)
gdb_start -ex 'break wait_mailbox' -ex continue -ex delete \
	-ex 'print &doorbell' -ex 'watch doorbell' -ex 'echo armed\n' \
	-ex continue -ex 'print doorbell' -ex delete -ex 'echo ctrl-c-now\n' \
	-ex continue -ex 'info registers pc' -ex bt -ex 'echo B-done\n' \
	-ex 'set var mailbox = 0x600d' -ex continue
check "B: gdb stopped in wait_mailbox and armed the watchpoint" \
	gdb_wait '^armed'
DOORBELL=$(sed -n 's/^\$1 = (volatile int \*) \(0x[0-9a-f]*\) <doorbell>$/\1/p' "$OUT")
check "B: gdb printed &doorbell" test -n "$DOORBELL"
# Stores before gdb's continue reaches memcored are no stops: store until
# gdb reports one.  The guest never touches doorbell; 'info status' first
# takes the vCPUs' lock, ordering the store after everything gdb's
# session did with it (for --enable-tsan).
n=0
while ! grep -q '^New value = ' "$OUT"; do
	n=$((n + 1))
	[ $n -gt 500 ] && break
	kill -0 "$GDB_PID" 2>/dev/null || break
	"$MONCLIENT" "$MON" 'info status' "stl_le $DOORBELL $((0x100 + n))" \
		>/dev/null 2>&1
done
check "B: a monitor stl_le stops the running guest at the watchpoint" \
	gdb_wait '^ctrl-c-now'
check "B: gdb reports it as its hardware watchpoint" \
	has_block "$OUT" '' 'Hardware watchpoint 2: doorbell' ''
# gdb's new value is one of the stores, and so is what it prints next
# (a last store may land while gdb reports the previous one).
NEW=$(sed -n 's/^New value = //p' "$OUT")
NOW=$(sed -n 's/^\$2 = //p' "$OUT")
check "B: with the stored value (new value $NEW, then $NOW)" \
	sh -c '[ "$0" -ge 257 ] && [ "$0" -le "$1" ] &&
	[ "$1" -le $((256 + $2)) ]' "$NEW" "$NOW" "$n"
check "B: Ctrl-C of the running guest" gdb_interrupt
# After the interrupt gdb sets MAILBOX_GO and continues: the guest leaves
# its loop, says bye and powers off; memcored exits 0 and tells the
# waiting gdb the program exited (QEMU 7.2's sifive_test calls exit()
# and gdb only sees the connection close; later QEMUs shut down through
# the main loop and send the same W packet).
gdb_end
cp "$OUT" "$TMP/B.out"
check "B: gdb went on after the interrupt" contains "$OUT" 'B-done'
check "B: Program received signal SIGINT, Interrupt." \
	has_block "$OUT" '' 'Program received signal SIGINT, Interrupt.' \
	"($A in )?(mailbox_poll|wait_mailbox) \\(\\) at $F:[0-9]+"
check "B: info registers pc after the interrupt" \
	grep -Eq "^pc[[:space:]]+$A[[:space:]]+$A <(mailbox_poll|wait_mailbox)(\\+[0-9]+)?>$" "$OUT"
check "B: bt after the interrupt reaches main" \
	grep -Eq "^#[12]  $A in main \\(\\) at $F:[0-9]+$" "$OUT"
next_line
check "B: the guest's UART: its greeting" test "$LINE" = debugme
next_line
check "B: the guest's UART: bye, after MAILBOX_GO" test "$LINE" = bye
wait_server
check "B: the guest powers off: memcored exits 0" test "$STATUS" -eq 0
check "B: gdb is told the program exited" \
	contains "$OUT" '[Inferior 1 (Remote target) exited normally]'

# ---- C. two harts, two threads ---------------------------------------------
start_server -S --board "$BOARDS/virt-2harts.json" --kernel "$GUEST" \
	--monitor tcp:127.0.0.1:0 --gdb tcp:127.0.0.1:0
MON=$(listen_addr)
next_line
GDB=$(listen_addr)
gdb_start -ex 'info threads' -ex 'break wake_hart1' -ex continue -ex 'info threads' \
	-ex delete -ex 'break hart1_work' -ex continue \
	-ex 'info threads' -ex bt -ex 'print $pc' -ex 'print id' \
	-ex 'thread 1' -ex 'print $pc' -ex 'thread 2' -ex next \
	-ex delete -ex 'break mailbox_poll' -ex continue -ex bt -ex delete \
	-ex 'watch hart1_ticks' -ex continue -ex delete \
	-ex 'echo ctrl-c-now\n' -ex continue -ex 'info threads' \
	-ex 'echo C-done\n' -ex detach
check "C: gdb ran until Ctrl-C" gdb_wait '^ctrl-c-now'
check "C: Ctrl-C with thread 2 selected" gdb_interrupt
gdb_end
cp "$OUT" "$TMP/C.out"
check "C: gdb ran its script" test "$GDB_STATUS" -eq 0
check "C: at reset both harts are threads at _start" \
	has_block "$OUT" '  Id   Target Id         Frame ' \
	"\\* 1    Thread 1 \\(vCPU 0\\) _start \\(\\) at .*start_smp\\.S:[0-9]+" \
	"  2    Thread 2 \\(vCPU 1\\) _start \\(\\) at .*start_smp\\.S:[0-9]+"
# main() has not woken hart 1 yet: hart 1 said it waits in wfi (or is
# one instruction from it), where the all-stop parked it
check "C: a breakpoint on hart 0 while hart 1 waits in wfi" \
	has_block "$OUT" '' "Thread 1 hit Breakpoint 1, wake_hart1 \\(\\) at $F:[0-9]+" \
	"[0-9]+${T}    CLINT_MSIP\\[1\\] = 1;.*" \
	'  Id   Target Id         Frame ' \
	"\\* 1    Thread 1 \\(vCPU 0\\) wake_hart1 \\(\\) at $F:[0-9]+" \
	"  2    Thread 2 \\(vCPU 1\\) ($A in )?secondary \\(\\) at .*start_smp\\.S:[0-9]+"
check "C: a breakpoint hit by hart 1 is thread 2's" \
	has_block "$OUT" '\[Switching to Thread 2\]' '' \
	"Thread 2 hit Breakpoint 2, hart1_work \\(id=1\\) at $F:[0-9]+"
check "C: info threads: hart 1 in its function, selected" \
	grep -Eq "^\\* 2    Thread 2 \\(vCPU 1\\) hart1_work \\(id=1\\) at $F:[0-9]+$" "$OUT"
check "C: info threads: hart 0 elsewhere, in main()'s code" sh -c \
	'sed -n "/^Thread 2 hit Breakpoint 2,/,/^#0 /p" "$0" |
	grep -E "^  1    Thread 1 \(vCPU 0\) .* at .*debugme\.c:[0-9]+$" |
	grep -vq "hart1_"' "$OUT"
check "C: bt of thread 2: hart 1's call chain" \
	has_block "$OUT" "#0  hart1_work \\(id=1\\) at $F:[0-9]+" \
	"#1  $A in hart1_main \\(hartid=1\\) at $F:[0-9]+" \
	"#2  $A in secondary_main \\(hartid=1\\) at $F:[0-9]+"
check "C: print \$pc and an argument in thread 2" has_block "$OUT" \
	'\$1 = \(void \(\*\)\(\)\) 0x[0-9a-f]+ <hart1_work\+[0-9]+>' '\$2 = 1'
check "C: thread 1: hart 0's pc is not in hart 1's code" \
	sh -c 'grep -q "^\[Switching to thread 1 (Thread 1)\]" "$0" &&
	grep "^\$3 = " "$0" | grep -Evq "hart1_"' "$OUT"
check "C: next in thread 2" \
	has_block "$OUT" "\\[Switching to thread 2 \\(Thread 2\\)\\]" \
	"#0  hart1_work \\(id=1\\) at $F:[0-9]+" \
	"[0-9]+${T}    hart1_ticks = hart1_ticks \\+ id;" "[0-9]+${T}}"
check "C: a breakpoint hit by hart 0 is thread 1's" \
	has_block "$OUT" '\[Switching to Thread 1\]' '' \
	"Thread 1 hit Breakpoint 3, mailbox_poll \\(\\) at $F:[0-9]+"
check "C: bt of thread 1" \
	has_block "$OUT" "#0  mailbox_poll \\(\\) at $F:[0-9]+" \
	"#1  $A in wait_mailbox \\(\\) at $F:[0-9]+" \
	"#2  $A in main \\(\\) at $F:[0-9]+"
check "C: a watchpoint hit by hart 1 is thread 2's" \
	has_block "$OUT" '\[Switching to Thread 2\]' '' \
	'Thread 2 hit Hardware watchpoint 4: hart1_ticks' '' \
	'Old value = [0-9]+' 'New value = [0-9]+' \
	"hart1_work \\(id=1\\) at $F:[0-9]+"
check "C: Ctrl-C stops the guest on the selected thread, as QEMU does" \
	has_block "$OUT" 'ctrl-c-now' '' \
	'Thread 2 received signal SIGINT, Interrupt.' \
	"($A in )?(hart1_work \\(id=1\\)|hart1_main \\(hartid=1\\)) at $F:[0-9]+"
check "C: no switch to thread 1 on Ctrl-C" \
	sh -c '! sed -n "/^ctrl-c-now/,\$p" "$0" | grep -q "Switching"' "$OUT"
check "C: info threads after Ctrl-C" sh -c \
	'grep -Eq "^\* 2    Thread 2 \(vCPU 1\) " "$0" &&
	grep -Eq "^  1    Thread 1 \(vCPU 0\) " "$0"' "$OUT"
check "C: detach" contains "$OUT" '[Inferior 1 (Remote target) detached]'
"$MONCLIENT" "$MON" 'info cpus' 'quit' >"$TMP/c-mon.out" 2>&1
wait_server
check "C: the monitor sees two CPUs" \
	grep -Eq '^  CPU #1: thread_id=[0-9]+' "$TMP/c-mon.out"
check "C: memcored exits 0" test "$STATUS" -eq 0

if [ "$failed" -ne 0 ]; then
	for x in A B C; do
		echo "--- what gdb printed in $x:"
		sed 's/^/| /' "$TMP/$x.out" 2>/dev/null
	done
fi
finish
