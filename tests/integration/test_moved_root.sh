#!/bin/sh
# test_moved_root.sh — moving the root container of the built-in virt
# board with `region move system ADDR` re-renders its address space in
# that command: the flat view (`info mtree -f`) shows the RAM at its new
# address and `xp` there reads what was at the old one.  (memory.h: every
# topology change is its own transaction whose commit publishes the new
# views; a view places its root at the root's address.)  Today the move of
# a region without a container is recorded but not rendered, so the view
# stays stale: the RAM still at 0x80000000 and xp at 0x80001000 reading 0.
. "${top_srcdir:-.}/tests/integration/lib.sh"

# ex OUT CMD...: run the commands in one memcored; output into $TMP/OUT.
ex() {
	_out=$1
	shift
	_n=$#
	for _c; do
		set -- "$@" --exec "$_c"
	done
	shift "$_n"
	timeout 60 "$MEMCORED" --monitor none "$@" > "$TMP/$_out" \
		2> "$TMP/$_out.err"
	EX_STATUS=$?
}

# Before: the first RAM quadword and the flat view.
ex before "xp /1xg 0x80000000" "info mtree -f"
check "before: exit 0" test "$EX_STATUS" -eq 0
check "before: RAM at 0x80000000 in the flat view" contains "$TMP/before" \
	"  0000000080000000-0000000087ffffff (prio 0, ram): riscv_virt_board.ram"
word=$(sed -n 's/^0000000080000000: \(0x[0-9a-f]*\)$/\1/p' "$TMP/before")
check "before: xp read the RAM's first quadword" test -n "$word"

ex after "region move system 0x1000" "info mtree -f" "xp /1xg 0x80001000"
check "after: exit 0" test "$EX_STATUS" -eq 0
check "after: RAM at 0x80001000 in the flat view" contains "$TMP/after" \
	"  0000000080001000-0000000088000fff (prio 0, ram): riscv_virt_board.ram"
check "after: the old RAM range is gone from the flat view" \
	test "$(grep -c -- '  0000000080000000-0000000087ffffff (prio 0, ram)' \
		"$TMP/after")" -eq 0
check "after: xp at 0x80001000 reads what was at 0x80000000" \
	contains "$TMP/after" "0000000080001000: $word"

# The old address is now below the RAM: nothing is mapped there.
ex hole "region move system 0x1000" "xp /1xg 0x80000000"
check "after: nothing left at 0x80000000" contains "$TMP/hole" \
	"0000000080000000: Cannot access memory"

finish
