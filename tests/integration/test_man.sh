#!/bin/sh
# tests/integration/test_man.sh — the three manual pages render at 80
# columns without a warning from man/groff, and the options memcored
# accepts (its getopt_long table, printed by optlist) are exactly those
# documented in `memcored --help` and in memcored(1)'s OPTIONS section.
. "${top_srcdir:-.}/tests/integration/lib.sh"

OPTLIST=${OPTLIST:-$top_builddir/tests/integration/optlist}

for page in memcored.1 memcore.3 memcored-board.5; do
	MANWIDTH=80 man --warnings -l "$top_srcdir/man/$page" \
		>"$TMP/$page.txt" 2>"$TMP/$page.err"
	check "man $page renders" test -s "$TMP/$page.txt"
	check "man --warnings $page: no warning" test ! -s "$TMP/$page.err"
	cat "$TMP/$page.err"
done

"$OPTLIST" | sort >"$TMP/accepted"
check "the option table lists options" test -s "$TMP/accepted"
"$MEMCORED" --help | grep -oE '^ +(-[A-Za-z]|--[a-z][a-z-]*)' |
	sed 's/^ *//' | sort -u >"$TMP/help"
sed -n '/^OPTIONS/,/^[A-Z]/p' "$TMP/memcored.1.txt" |
	grep -oE '^ {7}(-[A-Za-z]|--[a-z][a-z-]*)' | sed 's/^ *//' |
	sort -u >"$TMP/manpage"
check "--help documents exactly the accepted options" \
	same "$TMP/accepted" "$TMP/help"
check "memcored(1) documents exactly the accepted options" \
	same "$TMP/accepted" "$TMP/manpage"
finish
