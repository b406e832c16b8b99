#!/bin/sh
# test_qemu_board.sh — memcored on the riscv64-virt board.json of
# tests/data/qemu-riscv64-virt/ must print what QEMU 7.2 printed for that
# machine (the captures beside it, see tests/data/README.md):
# info mtree in its forms (block order aside, see blockcmp.c) and, byte for
# byte, the xp/x dumps and error messages — except dumps of the boot ROM at
# 0x1000 and of RAM at 0x80000000, which show firmware QEMU loaded.
. "${top_srcdir:-.}/tests/integration/lib.sh"

BLOCKCMP=${BLOCKCMP:-$top_builddir/tests/integration/blockcmp}
EX=$top_srcdir/tests/data/qemu-riscv64-virt
# The data is part of the tree: a missing file is a failure, not a skip.
if [ ! -f "$EX/board.json" ]; then
	echo "FAIL - test data missing: $EX/board.json (see tests/data/README.md)"
	exit 1
fi

# have FILE: FILE is one of the captures; fails (and says which) when not.
have() {
	[ -f "$EX/$1" ] && return 0
	fail "test data missing: $EX/$1"
	return 1
}

run() { # run "CMD" > file: one --exec on the board
	"$MEMCORED" --board "$EX/board.json" --monitor none --exec "$1"
}

for flags in "" "-f" "-D" "-f -D" "-d"; do
	name=$(echo "info-mtree $flags" | sed 's/ -/-/g; s/ //g')
	have "$name.txt" || continue
	run "info mtree $flags" > "$TMP/out" 2> "$TMP/err"
	check "info mtree $flags matches $name.txt" \
		"$BLOCKCMP" "$EX/$name.txt" "$TMP/out"
done

# -o: owners come from the board's "owner" fields, not QEMU's QOM paths;
# every line must still be QEMU's up to the owner part.
if have info-mtree-o.txt; then
	run "info mtree -o" | sed 's/ owner:.*$//; s/ orphan$//' > "$TMP/o"
	sed 's/ owner:.*$//; s/ parent:.*$//; s/ orphan$//' \
		"$EX/info-mtree-o.txt" > "$TMP/o.expected"
	check "info mtree -o matches info-mtree-o.txt up to owners" \
		"$BLOCKCMP" "$TMP/o.expected" "$TMP/o"
fi

# Dumps and errors, byte for byte (commands as typed in session.txt).
exact() { # exact FILE CMD
	have "$1" || return
	run "$2" > "$TMP/out" 2>&1
	check "'$2' matches $1" same "$EX/$1" "$TMP/out"
}
exact xp-16xb-0.txt "xp /16xb 0"
exact xp-16cb-0.txt "xp /16cb 0"
exact xp-20xw-0.txt "xp /20xw 0"
exact xp-2xg-0.txt "xp /2xg 0"
exact xp-4dw-0.txt "xp /4dw 0"
exact xp-4ow-0.txt "xp /4ow 0"
exact xp-4uw-0.txt "xp /4uw 0"
exact xp-4xh-0.txt "xp /4xh 0"
exact xp-4xw-e0000000.txt "xp /4xw 0xe0000000"
exact xp-8xw-fffffff0.txt "xp /8xw 0xfffffff0"
exact x-16xb-0.txt "x /16xb 0"
exact x-8xw-fffffff0.txt "x /8xw 0xfffffff0"
exact gpa2hva-0.txt "gpa2hva 0"
exact err-gpa2hva-mmio.txt "gpa2hva 0x10000000"
exact err-gpa2hva-unmapped.txt "gpa2hva 0xffffffff0000"
exact err-info-mtree-extra-arg.txt "info mtree foo"
exact err-info-mtree-z.txt "info mtree -z"
exact err-unknown-cmd.txt "foo"
exact err-unknown-info.txt "info foo"
exact err-x-4xw-ffffffffffff0000.txt "x /4xw 0xffffffffffff0000"
exact err-xp-4xw-ffffffffffff0000.txt "xp /4xw 0xffffffffffff0000"
exact err-xp-badexpr.txt "xp /4xw 1+"
exact err-xp-badfmt-q.txt "xp /4xq 0"
exact err-xp-badfmt-z.txt "xp /4zw 0"
exact err-xp-badnum.txt "xp /4xw 0xzz"
exact err-xp-noaddr.txt "xp /4xw"
exact err-xp-noslash.txt "xp 4xw 0"
exact err-pmemsave-noargs.txt "pmemsave"

finish
