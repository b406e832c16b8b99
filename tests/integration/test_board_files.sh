#!/bin/sh
# tests/integration/test_board_files.sh — memcored reads only regular
# files of bounded size as a board or as an image the board names
# (memcored-board(5), "LIMITS"), or as --kernel: /dev/zero, a FIFO with no writer and a
# directory are refused at once instead of growing memory without end or
# blocking, and so are files past the caps.  Every case exits 2 with the
# message on stderr.  timeout -s KILL turns a hang back into a failure:
# memcored catches SIGTERM, and a blocked open(2) of a FIFO outlived it.
. "${top_srcdir:-.}/tests/integration/lib.sh"

# refused NAME BOARD MESSAGE: memcored --board BOARD exits 2 and says it.
refused() {
	timeout -s KILL 30 "$MEMCORED" --board "$2" --exec quit >"$TMP/out" 2>"$TMP/err"
	check "$1: exit status 2" test $? -eq 2
	check "$1: nothing on stdout" test ! -s "$TMP/out"
	check "$1: the message" contains "$TMP/err" "memcored: $2: $3"
}

# ---- the board file ----------------------------------------------------------
refused "/dev/zero as the board" /dev/zero \
	"cannot read the board file: it is a character device, not a regular file"
mkfifo "$TMP/fifo"
refused "a FIFO as the board" "$TMP/fifo" \
	"cannot read the board file: it is a FIFO, not a regular file"
mkdir "$TMP/dir"
refused "a directory as the board" "$TMP/dir" \
	"cannot read the board file: it is a directory, not a regular file"
# a board padded with blanks to exactly 16 MiB is still read and loaded
cp "$BOARDS/tiny.json" "$TMP/limit.json"
cp "$BOARDS/tiny-bios.bin" "$TMP/"
pad=$((16777216 - $(wc -c <"$TMP/limit.json")))
head -c "$pad" /dev/zero | tr '\0' ' ' >>"$TMP/limit.json"
check "the 16 MiB board is that big" test "$(wc -c <"$TMP/limit.json")" -eq 16777216
timeout -s KILL 30 "$MEMCORED" --board "$TMP/limit.json" --exec quit >"$TMP/out" 2>"$TMP/err"
check "a 16 MiB board file loads" test $? -eq 0
truncate -s 16777217 "$TMP/big.json"
refused "a board file past 16 MiB" "$TMP/big.json" \
	"the board file has 16777217 bytes, more than the limit of 16777216 (16 MiB)"

# ---- image files ------------------------------------------------------------
# image BOARD FILE SIZE: a board with one ROM of SIZE loaded from FILE.
image() {
	printf '{"address-spaces": [{"name": "memory", "root": "rom"}], "regions": [{"name": "rom", "type": "rom", "size": "%s", "image": {"file": "%s"}}]}\n' \
		"$3" "$2" >"$1"
}
image "$TMP/zero.json" /dev/zero 4K
refused "/dev/zero as an image" "$TMP/zero.json" \
	"regions[0].image.file: cannot read \"/dev/zero\": it is a character device, not a regular file"
image "$TMP/fifo-image.json" fifo 4K
refused "a FIFO as an image" "$TMP/fifo-image.json" \
	"regions[0].image.file: cannot read \"$TMP/fifo\": it is a FIFO, not a regular file"
# sparse: no disk is used, and the loader refuses it before reading
truncate -s 1073741825 "$TMP/huge.bin"
image "$TMP/huge.json" huge.bin 2G
refused "an image past 1 GiB" "$TMP/huge.json" \
	"regions[0].image.file: \"$TMP/huge.bin\" has 1073741825 bytes, more than the limit of 1073741824 (1 GiB) for an image file"
image "$TMP/small.json" huge.bin 4K
refused "an image larger than its region" "$TMP/small.json" \
	"regions[0].image.file: \"$TMP/huge.bin\" has 1073741825 bytes, more than the region's size"

# ---- --kernel ------------------------------------------------------------------
# kernel NAME FILE MESSAGE: memcored --kernel FILE exits 1 and says it.
kernel() {
	timeout -s KILL 30 "$MEMCORED" --kernel "$2" --exec quit >"$TMP/out" 2>"$TMP/err"
	check "$1: exit status 1" test $? -eq 1
	check "$1: the message" contains "$TMP/err" "memcored: --kernel: $3"
}
kernel "--kernel /dev/zero" /dev/zero \
	"cannot read /dev/zero: it is a character device, not a regular file"
kernel "--kernel FIFO" "$TMP/fifo" \
	"cannot read $TMP/fifo: it is a FIFO, not a regular file"
kernel "--kernel past 1 GiB" "$TMP/huge.bin" \
	"$TMP/huge.bin has 1073741825 bytes, more than the limit of 1073741824 (1 GiB)"

finish
