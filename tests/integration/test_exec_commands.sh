#!/bin/sh
# test_exec_commands.sh — every monitor command (`help` lists them; see
# monitor/README.md) through `memcored --exec` on the built-in virt board,
# checking what a user sees: the output and the exit status (0, or 1 when
# a command failed).
. "${top_srcdir:-.}/tests/integration/lib.sh"

# ex OUT CMD...: run the commands in one memcored; output into $TMP/OUT.
# -S: the board's hart stays stopped, so the stores below cannot rewrite
# the code it is fetching (ThreadSanitizer rightly reports a running hart
# and a monitor store sharing guest RAM).
ex() {
	_out=$1
	shift
	_n=$#
	for _c; do
		set -- "$@" --exec "$_c"
	done
	shift "$_n"
	timeout 60 "$MEMCORED" -S --monitor none "$@" > "$TMP/$_out" \
		2> "$TMP/$_out.err"
	EX_STATUS=$?
}

expect() { # expect NAME OUT 'exact expected text'
	printf '%s\n' "$3" > "$TMP/$2.want"
	check "$1" same "$TMP/$2.want" "$TMP/$2"
}

ex help "help"
check "help lists xp with QEMU's syntax" contains "$TMP/help" "xp /fmt addr -- "
check "help lists region" contains "$TMP/help" "region enable|disable name"
check "help exits 0" test "$EX_STATUS" -eq 0
ex helpxp "help xp"
expect "help xp: one line" helpxp \
	"xp /fmt addr -- print guest physical memory from addr (fmt as for x; at most 1 MiB or 65536 instructions at a time)"

ex mtree "info mtree" "info mtree -f" "info mtree -o -D" "info mtree -f -d"
check "info mtree: the memory tree" contains "$TMP/mtree" \
	"    0000000080000000-0000000087ffffff (prio 0, ram): riscv_virt_board.ram"
check "info mtree -f: the flat view" contains "$TMP/mtree" \
	" Root memory region: system"
check "info mtree -f -d: the dispatch sections" contains "$TMP/mtree" \
	"    Physical sections"

ex ramblock "info ramblock"
check "info ramblock: header" contains "$TMP/ramblock" \
	"              Block Name    PSize              Offset               Used              Total"
check "info ramblock: RAM" contains "$TMP/ramblock" \
	"    riscv_virt_board.ram    4 KiB"

ex as "info address-spaces"
check "info address-spaces: memory" contains "$TMP/as" \
	'AS "memory", root: system, FlatView #0'

ex uart "info uart"
expect "info uart: nothing written yet" uart "serial: 0 bytes"

ex dumps "x /4xw 0x1000" "xp /4xw 0x1000" "xp /2xg 0x1000"
expect "x and xp of the boot ROM" dumps \
"0000000000001000: 0x00000297 0x02828613 0xf1402573 0x0202b583
0000000000001000: 0x00000297 0x02828613 0xf1402573 0x0202b583
0000000000001000: 0x0282861300000297 0x0202b583f1402573"

# The boot ROM is QEMU's reset vector: what QEMU 7.2 printed for its virt
# machine's ROM (tests/data/qemu-riscv64-virt/), byte for byte.
EX=$top_srcdir/tests/data/qemu-riscv64-virt
for c in "x-4i-1000.txt|x /4i 0x1000" "xp-8xw-1000.txt|xp /8xw 0x1000" \
	"xp-3xw-0x1002.txt|xp /3xw 0x1002"; do
	file=${c%%|*}
	cmd=${c#*|}
	ex capture "$cmd"
	check "'$cmd' on the virt board matches QEMU's $file" \
		same "$EX/$file" "$TMP/capture"
done
ex capture "x /4i 0x1000" "xp /8xw 0x1000"
cat "$EX/x-4i-1000.txt" "$EX/xp-8xw-1000.txt" >"$TMP/capture.want"
check "x /4i then xp /8xw 0x1000 in one monitor, as in QEMU's session" \
	same "$TMP/capture.want" "$TMP/capture"
ex slots "xp /2xg 0x1018" "x /6i 0x1000"
expect "the ROM's start address (RAM) and FDT address (none), its six instructions" slots \
"0000000000001018: 0x0000000080000000 0x0000000000000000
0x0000000000001000:  00000297          auipc                   t0,0                    # 0x1000
0x0000000000001004:  02828613          addi                    a2,t0,40
0x0000000000001008:  f1402573          csrrs                   a0,mhartid,zero
0x000000000000100c:  0202b583          ld                      a1,32(t0)
0x0000000000001010:  0182b283          ld                      t0,24(t0)
0x0000000000001014:  00028067          jalr                    zero,t0,0"

ex save "memsave 0x1000 16 \"$TMP/m.bin\"" "pmemsave 0x80000000 4096 \"$TMP/p.bin\""
check "memsave/pmemsave exit 0" test "$EX_STATUS" -eq 0
check "memsave wrote 16 bytes" test "$(wc -c < "$TMP/m.bin")" -eq 16
check "pmemsave wrote 4096 bytes" test "$(wc -c < "$TMP/p.bin")" -eq 4096
check "memsave: the boot ROM's first word" \
	test "$(od -An -tx1 -N4 "$TMP/m.bin" | tr -d ' ')" = "97020000"

ex gpa "gpa2hva 0x80000000" "gpa2hva 0x10000000"
check "gpa2hva: RAM" contains "$TMP/gpa" \
	"Host virtual address for 0x80000000 (riscv_virt_board.ram) is 0x"
check "gpa2hva: MMIO refused as QEMU does" contains "$TMP/gpa" \
	"Memory at address 0x10000000 is not RAM"
check "gpa2hva: a failed command exits 1" test "$EX_STATUS" -eq 1

ex find "find 0x80000010 16"
expect "find: memory_region_find's section" find \
"region: riscv_virt_board.ram (ram)
offset_within_region: 0x10
offset_within_address_space: 0x80000010
size: 0x10
readonly: no"

ex loads "ldub 0x1000" "lduw_le 0x1000" "lduw_be 0x1000" "ldl_le 0x1000" \
	"ldl_be 0x1000" "ldq_le 0x1000" "ldq_be 0x1000" "ldl_le 0x90000000"
expect "ld*: each width and byte order, then unassigned memory" loads \
"0x97
0x0297
0x9702
0x00000297
0x97020000
0x0282861300000297
0x9702000013868202
Error: ldl_le at 0x90000000: MEMTX_DECODE_ERROR"
check "a failed load exits 1" test "$EX_STATUS" -eq 1

ex stores "stb 0x80000000 0x11" "ldub 0x80000000" \
	"stw_le 0x80000000 0x2233" "ldub 0x80000000" \
	"stw_be 0x80000000 0x2233" "ldub 0x80000000" \
	"stl_le 0x80000000 0x44556677" "ldl_be 0x80000000" \
	"stl_be 0x80000000 0x44556677" "ldl_le 0x80000000" \
	"stq_le 0x80000000 0x1122334455667788" "ldq_be 0x80000000" \
	"stq_be 0x80000000 0x1122334455667788" "ldq_le 0x80000000"
expect "st*: each width and byte order, read back" stores \
"0x11
0x33
0x22
0x77665544
0x77665544
0x8877665544332211
0x8877665544332211"

ex region "region disable serial" "find 0x10000000" "region enable serial" \
	"region move serial 0x10001000" "find 0x10001000" \
	"region resize serial 0x200" "info mtree"
check "region disable hides it" contains "$TMP/region" \
	"No memory is mapped at 0x10000000 (size 0x1) in \"memory\""
check "region move and resize" contains "$TMP/region" \
	"    0000000010001000-00000000100011ff (prio 0, i/o): serial"

ex quit "quit" "xp /1xw 0x1000"
check "quit exits 0 before later commands" test "$EX_STATUS" -eq 0
check "quit: nothing after it runs" test ! -s "$TMP/quit"

finish
