#!/bin/sh
# test_resize_wrap.sh — `region resize` of resizeable RAM to a size whose
# page round-up passes 2^64 is refused with libmemcore's error and changes
# nothing (it used to be accepted with a used length of 0, the region then
# hiding everything above it); resizing up to the maximum still works.
. "${top_srcdir:-.}/tests/integration/lib.sh"

BOARD=$top_srcdir/tests/boards/edge-fill.json

# ex OUT CMD...: run the commands in one memcored; output into $TMP/OUT.
ex() {
	_out=$1
	shift
	_n=$#
	for _c; do
		set -- "$@" --exec "$_c"
	done
	shift "$_n"
	timeout 60 "$MEMCORED" --monitor none --board "$BOARD" "$@" \
		> "$TMP/$_out" 2> "$TMP/$_out.err"
	EX_STATUS=$?
}

GROW="  0000000000010000-0000000000010fff (prio 0, ram): grow"

ex wrap "region resize grow 0xfffffffffffff001" "info mtree -f" \
	"xp /1xb 0x10fff"
check "wrapping resize: exit 1" test "$EX_STATUS" -eq 1
check "wrapping resize: the error names the region" \
	contains "$TMP/wrap" "Error: Length too large: grow"
check "wrapping resize: the flat view is unchanged" contains "$TMP/wrap" "$GROW"
check "wrapping resize: the RAM still answers" contains "$TMP/wrap" \
	"0000000000010fff: 0xc3"

ex grow "region resize grow 0x4000" "info mtree -f"
check "resize to the maximum: exit 0" test "$EX_STATUS" -eq 0
check "resize to the maximum: the view grows" contains "$TMP/grow" \
	"  0000000000010000-0000000000013fff (prio 0, ram): grow"

finish
