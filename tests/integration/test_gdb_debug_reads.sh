#!/bin/sh
# tests/integration/test_gdb_debug_reads.sh — gdb's reads are debug
# accesses (MemTxAttrs.debug): the counter device, which advances on every
# guest read, shows gdb its value without advancing, while the monitor's
# loads (guest-like accesses) advance it.
. "${top_srcdir:-.}/tests/integration/lib.sh"

start_server --board "$BOARDS/counter.json" --monitor tcp:127.0.0.1:0 \
	--gdb tcp:127.0.0.1:0
MON=$(listen_addr)
next_line
GDB=$(listen_addr)

"$MONCLIENT" "$MON" 'ldl_le 0x10000000' 'ldl_le 0x10000000' \
	>"$TMP/before.out" 2>&1
check "monitor loads advance the counter" contains "$TMP/before.out" \
	"0x00000001"
timeout 60 gdb-multiarch -batch -nx -ex "target remote $GDB" \
	-ex 'x/xw 0x10000000' -ex 'x/xw 0x10000000' -ex 'x/2xw 0x10000000' \
	-ex detach >"$TMP/gdb.out" 2>&1
check "gdb reads the counter's value" contains "$TMP/gdb.out" \
	"0x10000000:	0x00000002"
check "gdb's reads do not advance it" test \
	"$(grep -c '^0x10000000:	0x00000002' "$TMP/gdb.out")" -eq 3
"$MONCLIENT" "$MON" 'ldl_le 0x10000000' quit >"$TMP/after.out" 2>&1
check "the next guest-like load sees 2" contains "$TMP/after.out" \
	"0x00000002"
wait_server
check "memcored exits 0" test "$STATUS" -eq 0
finish
