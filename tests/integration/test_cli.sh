#!/bin/sh
# tests/integration/test_cli.sh — memcored's command line: --help and
# --version, bad options, bad boards (exit 2, one message per problem with
# its JSON path), good board files, --print-board round trips, --exec and
# --kernel.
. "${top_srcdir:-.}/tests/integration/lib.sh"

# ---- help, version, bad options ---------------------------------------------
"$MEMCORED" --help >"$TMP/help" 2>&1
check "--help exits 0" test $? -eq 0
check "--help shows the usage line" contains "$TMP/help" "Usage: memcored [OPTION]..."
for opt in --board --print-board --monitor --gdb --http --http-token \
	--read-only --kernel --exec --help --version " -S " " -s "; do
	check "--help lists $opt" contains "$TMP/help" "$opt"
done
"$MEMCORED" --version >"$TMP/version" 2>&1
check "--version exits 0" test $? -eq 0
check "--version names the program" contains "$TMP/version" "memcored (memcore) "
check "--version gives the package version" contains "$TMP/version" \
	"memcored (memcore) $(sed -n 's/^AC_INIT(\[memcore\], *\[\([^]]*\)\].*/\1/p' "$top_srcdir/configure.ac")"

"$MEMCORED" --frobnicate >"$TMP/out" 2>"$TMP/err"
check "an unknown option exits 2" test $? -eq 2
check "an unknown option is named" contains "$TMP/err" "unknown option '--frobnicate'"
"$MEMCORED" --board >"$TMP/out" 2>"$TMP/err"
check "a missing argument exits 2" test $? -eq 2
"$MEMCORED" --monitor serial:x --exec 'info mtree' >"$TMP/out" 2>"$TMP/err"
check "a bad --monitor exits 2" test $? -eq 2
"$MEMCORED" --monitor tcp:127.0.0.1:99999 --exec 'info mtree' >"$TMP/out" 2>"$TMP/err"
check "a bad port exits 2" test $? -eq 2
"$MEMCORED" --http 0.0.0.0:0 --exec 'info mtree' >"$TMP/out" 2>"$TMP/err"
check "HTTP beyond loopback without a token exits 2" test $? -eq 2
check "HTTP beyond loopback without a token says why" \
	contains "$TMP/err" "refusing to serve HTTP on 0.0.0.0 without --http-token"
"$MEMCORED" --print-board nope >"$TMP/out" 2>"$TMP/err"
check "--print-board of an unknown board exits 2" test $? -eq 2
"$MEMCORED" --board nope.json --exec 'info mtree' >"$TMP/out" 2>"$TMP/err"
check "a missing board file exits 2" test $? -eq 2
check "a missing board file is named" \
	contains "$TMP/err" "memcored: nope.json: cannot read the board file: No such file or directory"

# ---- bad boards ---------------------------------------------------------------
for board in "$BOARDS"/bad-*.json; do
	name=$(basename "$board" .json)
	"$MEMCORED" --board "$board" --exec 'info mtree' >"$TMP/out" 2>"$TMP/err"
	check "$name: exit status 2" test $? -eq 2
	check "$name: nothing on stdout" test ! -s "$TMP/out"
	sed "s|^memcored: $board: ||" "$TMP/err" >"$TMP/msgs"
	check "$name: the expected messages" same "$BOARDS/$name.expected" "$TMP/msgs"
done

# ---- RAM that cannot be mapped ----------------------------------------------
# Once a crash in memset or a write next to a one-page mapping: now exit 2
# with the message on stderr, whatever the front-end would have run.
for name in bad-ram-wraps-fill bad-ram-wraps-image bad-max-size-wraps \
	bad-ram-2-64 bad-image-too-big; do
	"$MEMCORED" --board "$BOARDS/$name.json" --exec quit >"$TMP/out" 2>"$TMP/err"
	check "$name --exec quit: exit status 2" test $? -eq 2
	check "$name --exec quit: nothing on stdout" test ! -s "$TMP/out"
	check "$name --exec quit: the message on stderr" contains "$TMP/err" \
		"memcored: $BOARDS/$name.json: $(head -n 1 "$BOARDS/$name.expected")"
done
# 2^63 bytes of RAM: the board format allows it, the host cannot reserve
# it.  memcore's constructor says why (its wording is memcore's): one
# message at the region's path, exit 2, and no fill was attempted.
"$MEMCORED" --board "$BOARDS/huge-ram.json" --exec quit >"$TMP/out" 2>"$TMP/err"
check "huge-ram: exit status 2" test $? -eq 2
check "huge-ram: nothing on stdout" test ! -s "$TMP/out"
check "huge-ram: one message" test "$(wc -l <"$TMP/err")" -eq 1
check "huge-ram: the message names the region's JSON path" contains "$TMP/err" \
	"memcored: $BOARDS/huge-ram.json: regions[0].subregions[1]: "

# fill and image that end exactly at a region's end load, and nothing past
# the region changes; the monitor (--exec and on standard input) reads them.
"$MEMCORED" --board "$BOARDS/edge-fill.json" --exec 'xp /3xb 0x1ffe' \
	--exec 'xp /1xb 0x3000' --exec 'xp /4xb 0x4000' \
	--exec 'xp /2xb 0x10ffe' >"$TMP/out" 2>"$TMP/err"
check "edge-fill.json builds" test $? -eq 0
check "edge-fill.json: nothing on stderr" test ! -s "$TMP/err"
check "edge-fill.json: fill, then the image's last byte at the region's end" \
	contains "$TMP/out" "0000000000001ffe: 0x5a 0xa1 0xb2"
check "edge-fill.json: the next region keeps its fill" \
	contains "$TMP/out" "0000000000003000: 0x33"
check "edge-fill.json: an image file as large as its ROM" \
	contains "$TMP/out" "0000000000004000: 0x74 0x69 0x6e 0x79"
check "edge-fill.json: resizeable RAM: image at the end of its size" \
	contains "$TMP/out" "0000000000010ffe: 0x77 0xc3"
"$MEMCORED" --board "$BOARDS/edge-fill.json" --exec 'xp /1xb 0x2001' \
	>"$TMP/out" 2>&1
check "edge-fill.json: nothing mapped past the 0x1001-byte region" \
	contains "$TMP/out" "0000000000002001: Cannot access memory"
printf 'xp /3xb 0x1ffe\nquit\n' | timeout 30 "$MEMCORED" --http none \
	--board "$BOARDS/edge-fill.json" --monitor stdio >"$TMP/out" 2>&1
check "edge-fill.json: stdio monitor: quit exits 0" test $? -eq 0
check "edge-fill.json: stdio monitor reads the region's end" \
	contains "$TMP/out" "0000000000001ffe: 0x5a 0xa1 0xb2"

# ---- a good board file (tiny.json, after memcored-board(5)'s example) --------
"$MEMCORED" --board "$BOARDS/tiny.json" --exec 'info mtree' >"$TMP/out" 2>"$TMP/err"
check "tiny.json builds" test $? -eq 0
check "tiny.json: info mtree" same "$BOARDS/tiny.mtree" "$TMP/out"
"$MEMCORED" --board "$BOARDS/tiny.json" --exec 'xp /4cb 0xfffc0000' >"$TMP/out" 2>&1
check "tiny.json: the image file (relative to the board) is loaded" \
	contains "$TMP/out" "00000000fffc0000: 't' 'i' 'n' 'y'"

# ---- built-in boards: --print-board round trip --------------------------------
for b in virt pc; do
	"$MEMCORED" --print-board "$b" >"$TMP/$b.json"
	check "--print-board $b exits 0" test $? -eq 0
	for cmd in 'info mtree' 'info mtree -f' 'info mtree -o -D'; do
		"$MEMCORED" --board "$b" --exec "$cmd" >"$TMP/builtin.out" 2>&1
		"$MEMCORED" --board "$TMP/$b.json" --exec "$cmd" >"$TMP/file.out" 2>&1
		check "--print-board $b round trip: $cmd" same "$TMP/builtin.out" "$TMP/file.out"
	done
	"$MEMCORED" --print-board "$b" >"$TMP/$b.again"
	check "--print-board $b is stable" same "$TMP/$b.json" "$TMP/$b.again"
done
"$MEMCORED" --exec 'info mtree' >"$TMP/default.out" 2>&1
"$MEMCORED" --board virt --exec 'info mtree' >"$TMP/virt.out" 2>&1
check "virt is the default board" same "$TMP/virt.out" "$TMP/default.out"
check "virt: boot ROM at 0x1000" contains "$TMP/virt.out" \
	"0000000000001000-000000000000ffff (prio 0, rom): riscv_virt_board.mrom"
check "virt: sifive-test at 0x100000" contains "$TMP/virt.out" \
	"0000000000100000-0000000000100fff (prio 0, i/o): riscv.sifive.test"
check "virt: clint at 0x2000000" contains "$TMP/virt.out" \
	"0000000002000000-000000000200ffff (prio 0, i/o): riscv.sifive.clint"
check "virt: UART at 0x10000000" contains "$TMP/virt.out" \
	"0000000010000000-00000000100000ff (prio 0, i/o): serial"
check "virt: 128 MiB of RAM at 0x80000000" contains "$TMP/virt.out" \
	"0000000080000000-0000000087ffffff (prio 0, ram): riscv_virt_board.ram"
"$MEMCORED" --board pc --exec 'info mtree' >"$TMP/pc.out" 2>&1
check "pc: RAM below 4G through an alias" contains "$TMP/pc.out" \
	"alias ram-below-4g @pc.ram 0000000000000000-00000000bfffffff"
check "pc: RAM above 4G through an alias" contains "$TMP/pc.out" \
	"0000000100000000-000000013fffffff (prio 0, ram): alias ram-above-4g @pc.ram 00000000c0000000-00000000ffffffff"
check "pc: pci container at priority -1" contains "$TMP/pc.out" \
	"0000000000000000-ffffffffffffffff (prio -1, i/o): pci"
check "pc: isa-bios alias" contains "$TMP/pc.out" \
	"00000000000e0000-00000000000fffff (prio 1, rom): alias isa-bios @pc.bios 0000000000020000-000000000003ffff"
check "pc: smram alias" contains "$TMP/pc.out" "alias smram-region @pci"
check "pc: I/O address space" contains "$TMP/pc.out" "address-space: I/O"
"$MEMCORED" --board pc --exec 'info mtree -D' >"$TMP/pcD.out" 2>&1
check "pc: disabled PAM aliases" contains "$TMP/pcD.out" \
	"alias pam-ram @pc.ram 00000000000c0000-00000000000c3fff [disabled]"
"$MEMCORED" --board pc --exec 'ldub -a I/O 0x80' >"$TMP/out" 2>&1
check "pc: unmapped I/O ports read all ones" contains "$TMP/out" "0xff"

# ---- --exec -----------------------------------------------------------------
"$MEMCORED" --exec 'stl_le 0x80000010 0xcafef00d' --exec 'ldl_le 0x80000010' \
	>"$TMP/out" 2>&1
check "--exec runs commands in order" contains "$TMP/out" "0xcafef00d"
check "--exec: the idle loop is in RAM" sh -c \
	"'$MEMCORED' --exec 'xp /2xw 0x80000000' | grep -qF '0000000080000000: 0x10500073 0xffdff06f'"
"$MEMCORED" --exec 'info mtree' --exec 'bogus' --exec 'ldl_le 0x1000' \
	>"$TMP/out" 2>&1
check "--exec with a failing command exits 1" test $? -eq 1
check "--exec keeps going after a failure" contains "$TMP/out" "0x00000297"
check "--exec prints the error" contains "$TMP/out" "unknown command: 'bogus'"
"$MEMCORED" --read-only --exec 'stb 0x80000000 1' >"$TMP/out" 2>&1
check "--read-only refuses writes" test $? -eq 1
check "--read-only says so" contains "$TMP/out" "Error: memcored is read-only"
"$MEMCORED" --board pc --exec 'ldl_le 0xfed00000' --exec 'ldl_le 0xfed00000' \
	>"$TMP/out" 2>&1
check "counter: each read returns the next value" \
	sh -c "tr '\n' ' ' <'$TMP/out' | grep -qF '0x00000000 0x00000001'"

# ---- the monitor on standard input ------------------------------------------
printf 'ldl_le 0x1000\nquit\n' | timeout 30 "$MEMCORED" --monitor stdio \
	--http none >"$TMP/out" 2>&1
check "stdio monitor: quit exits 0" test $? -eq 0
check "stdio monitor: runs commands" contains "$TMP/out" "0x00000297"
check "stdio monitor: the first line is the banner" test \
	"$(head -n 1 "$TMP/out")" = "memcored $("$MEMCORED" --version | sed 's/.* //') monitor - board virt, monitor on stdio, gdb off, http off - type 'help' for more information"
printf 'ldl_le 0x1004\n' | timeout 30 "$MEMCORED" --monitor stdio --http none \
	>"$TMP/out" 2>&1
check "stdio monitor: end of input exits 0" test $? -eq 0
check "stdio monitor: runs commands before the end" contains "$TMP/out" "0x02828613"

mkdir "$TMP/home"
printf 'ldl_le 0x1000\nquit\n' | HOME=$TMP/home timeout 30 "$MEMCORED" \
	--monitor stdio --http none >"$TMP/out" 2>&1
check "stdio monitor, piped input: runs it" contains "$TMP/out" "0x00000297"
check "stdio monitor, piped input: no history file (not typed by a person)" \
	test ! -e "$TMP/home/.memcored_history"

# ---- --kernel -------------------------------------------------------------------
printf '\023\005\000\000\157\000\000\000' >"$TMP/kernel.bin"   # li a0,0; j .
"$MEMCORED" --kernel "$TMP/kernel.bin" --exec 'xp /2xw 0x80000000' >"$TMP/out" 2>&1
check "--kernel: a raw image goes to the start of RAM" \
	contains "$TMP/out" "0000000080000000: 0x00000513 0x0000006f"
"$MEMCORED" --kernel "$TMP/missing.bin" --exec 'info mtree' >"$TMP/out" 2>"$TMP/err"
check "--kernel: a missing file exits 1" test $? -eq 1
check "--kernel: a missing file is named" contains "$TMP/err" "missing.bin"
"$MEMCORED" -S --kernel "$TMP/kernel.bin" --exec 'xp /2xg 0x1018' \
	--exec 'info registers' >"$TMP/out" 2>&1
check "--kernel: the entry goes to virt's kernel-entry slot, 0x1018" \
	contains "$TMP/out" "0000000000001018: 0x0000000080000000 0x0000000000000000"
check "--kernel: the hart still starts in the boot ROM" \
	contains "$TMP/out" " pc       0000000000001000"

# ---- kernel-entry through --print-board ------------------------------------------
"$MEMCORED" --print-board virt >"$TMP/virt.json"
check "--print-board virt has kernel-entry" \
	contains "$TMP/virt.json" '  "kernel-entry": "0x1018",'
sed 's/"kernel-entry": "0x1018"/"kernel-entry": "0x1020"/' "$TMP/virt.json" \
	>"$TMP/ke.json"
"$MEMCORED" --board "$TMP/ke.json" --kernel "$TMP/kernel.bin" \
	--exec 'xp /2xg 0x1018' >"$TMP/out" 2>&1
check "a board file's kernel-entry is where --kernel stores the entry" \
	contains "$TMP/out" "0000000000001018: 0x0000000080000000 0x0000000080000000"
grep -v '"kernel-entry"' "$TMP/virt.json" >"$TMP/nokey.json"
"$MEMCORED" -S --board "$TMP/nokey.json" --kernel "$TMP/kernel.bin" \
	--exec 'info registers' --exec 'system_reset' --exec 'info registers' \
	>"$TMP/out" 2>&1
check "without kernel-entry, --kernel makes the entry the reset pc" test \
	"$(grep -c ' pc       0000000080000000' "$TMP/out")" -eq 2
for bad in '"0x10000000"|0x10000000 is not in RAM or ROM: address space "memory" has an io region there ("serial")' \
	'"0xfffc"|the 8-byte slot 0xfffc-0x10003 crosses the end of "riscv_virt_board.mrom"' \
	'"0xfffffffffffffffc"|the 8-byte slot at 0xfffffffffffffffc wraps past 2^64' \
	'"0x90000000"|0x90000000 is not in RAM or ROM: nothing is mapped there in address space "memory"' \
	'"0x10 18"|"0x10 18" is not an address'; do
	value=${bad%%|*}
	sed "s/\"kernel-entry\": \"0x1018\"/\"kernel-entry\": $value/" \
		"$TMP/virt.json" >"$TMP/bad.json"
	"$MEMCORED" --board "$TMP/bad.json" --exec 'info mtree' >"$TMP/out" \
		2>"$TMP/err"
	check "kernel-entry $value: exit 2" test $? -eq 2
	check "kernel-entry $value: the message at its path" contains "$TMP/err" \
		"memcored: $TMP/bad.json: kernel-entry: ${bad#*|}"
done

# ---- iommu regions and the virt board's DMA address space ----------------------
"$MEMCORED" --exec 'info mtree' >"$TMP/out" 2>&1
check "virt: a dma address space" contains "$TMP/out" "address-space: dma"
check "virt: the IOMMU is an i/o region" contains "$TMP/out" \
	"0000000000000000-00000000ffffffff (prio 0, i/o): virt.iommu"
"$MEMCORED" --exec 'info mtree -f -d' >"$TMP/out" 2>&1
check "virt: -f -d marks the IOMMU section [iommu]" sh -c \
	"grep -F 'virt.iommu [ROOT]' '$TMP/out' | grep -qF ' [iommu]'"
"$MEMCORED" --exec 'stl_le -a dma 0x10 0xcafe' --exec 'ldl_le 0x84000010' \
	>"$TMP/out" 2>&1
check "virt: a DMA write lands in RAM at 0x84000000 + IOVA" \
	contains "$TMP/out" "0x0000cafe"
"$MEMCORED" --exec 'ldl_le -a dma 0x1000000' >"$TMP/out" 2>&1
check "virt: IOVA 16M reads the start of RAM" contains "$TMP/out" "0x10500073"
"$MEMCORED" --exec 'stl_le -a dma 0x1000000 0' >"$TMP/out" 2>&1
check "virt: the read-only DMA window refuses writes" test $? -eq 1
check "virt: ... with a decode error" contains "$TMP/out" \
	"Error: stl_le at 0x1000000: MEMTX_DECODE_ERROR"
"$MEMCORED" --exec 'ldl_le -a dma 0x2000000' >"$TMP/out" 2>&1
check "virt: an unmapped IOVA faults" test $? -eq 1

cat >"$TMP/iommu.json" <<'EOF'
{"address-spaces": [{"name": "memory", "root": "sys"},
                    {"name": "pci", "root": "iommu"}],
 "regions": [
  {"name": "sys", "type": "container", "size": "16E", "subregions": [
    {"addr": "0x40000000", "name": "ram", "type": "ram", "size": "1M"}]},
  {"name": "iommu", "type": "iommu", "size": "16M", "target-as": "memory",
   "page-size": "64K", "mappings": [
    {"iova": "0x100000", "translated": "0x40010000", "size": "128K",
     "perm": "rw"}]}]}
EOF
"$MEMCORED" --board "$TMP/iommu.json" --exec 'stb -a pci 0x110005 0x5a' \
	--exec 'ldub 0x40020005' >"$TMP/out" 2>&1
check "an iommu board file builds and translates" contains "$TMP/out" "0x5a"

cat >"$TMP/bad-iommu.json" <<'EOF'
{"address-spaces": [{"name": "memory", "root": "sys"},
                    {"name": "pci", "root": "iommu"}],
 "regions": [
  {"name": "sys", "type": "container", "size": "16E"},
  {"name": "iommu", "type": "iommu", "size": "16M", "target-as": "mem",
   "page-size": "4K", "mappings": [
    {"iova": "0x1800", "translated": "0", "size": "4K", "perm": "rw"},
    {"iova": "0", "translated": "0", "size": "64K", "perm": "rwx"},
    {"iova": "0x10000", "translated": "0", "size": "8K", "perm": "ro"},
    {"iova": "0x11000", "translated": "0", "size": "4K", "perm": "wo"}]}]}
EOF
cat >"$TMP/bad-iommu.expected" <<'EOF'
regions[1].mappings[0].iova: 0x1800 is not a multiple of the page size (0x1000)
regions[1].mappings[1].perm: "rwx" is not a permission (ro, wo or rw)
regions[1].mappings[3]: iova 0x11000-0x11fff overlaps regions[1].mappings[2] (0x10000-0x11fff)
regions[1].target-as: no address space is called "mem"
EOF
"$MEMCORED" --board "$TMP/bad-iommu.json" --exec 'info mtree' >"$TMP/out" 2>"$TMP/err"
check "a bad iommu table exits 2" test $? -eq 2
sed "s|^memcored: $TMP/bad-iommu.json: ||" "$TMP/err" >"$TMP/msgs"
check "a bad iommu table: one message per problem" \
	same "$TMP/bad-iommu.expected" "$TMP/msgs"

# ---- info dirty, dirty-log -----------------------------------------------------
"$MEMCORED" --exec 'dirty-log start' --exec 'stl_le -a dma 0x2000 1' \
	--exec 'stb 0x80000010 1' --exec 'info dirty riscv_virt_board.ram' \
	>"$TMP/out" 2>&1
check "info dirty: exits 0" test $? -eq 0
check "info dirty: the count" contains "$TMP/out" \
	"riscv_virt_board.ram: 2 of 32768 pages dirty for migration (logging on)"
check "info dirty: the CPU's write" contains "$TMP/out" \
	"0000000000000000-0000000000000fff"
check "info dirty: the DMA write, at its translated page" contains "$TMP/out" \
	"0000000004002000-0000000004002fff"
"$MEMCORED" --exec 'info dirty -c vga riscv_virt_board.mrom 0 0x1000' \
	>"$TMP/out" 2>&1
check "info dirty -c vga: RAM is born dirty" contains "$TMP/out" \
	"riscv_virt_board.mrom: 1 of 1 page dirty for vga (logging off)"
"$MEMCORED" --exec 'info dirty serial' >"$TMP/out" 2>&1
check "info dirty of an i/o region exits 1" test $? -eq 1
check "info dirty of an i/o region says why" contains "$TMP/out" \
	"Error: 'serial' has no RAM"
"$MEMCORED" --read-only --exec 'dirty-log start' --exec 'dirty-log stop' \
	>"$TMP/out" 2>&1
check "dirty-log is allowed under --read-only" test $? -eq 0
"$MEMCORED" --exec 'dirty-log pause' >"$TMP/out" 2>&1
check "dirty-log with a bad verb exits 1" test $? -eq 1
check "dirty-log with a bad verb points to help" contains "$TMP/out" \
	'Try "help dirty-log" for more information'
"$MEMCORED" --exec 'help info dirty' --exec 'help dirty-log' >"$TMP/out" 2>&1
check "help info dirty" contains "$TMP/out" \
	"info dirty [-c vga|code|migration] region [offset size] -- "
check "help dirty-log" contains "$TMP/out" "dirty-log start|stop -- "

finish
