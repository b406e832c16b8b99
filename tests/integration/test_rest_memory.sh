#!/bin/sh
# tests/integration/test_rest_memory.sh — guest memory over HTTP against
# the monitor's own view of the same bytes: a 64 MiB read in one GET
# equals the image loaded and the monitor's pmemsave of it, a Range
# window, JSON hex against xp, a 1 MiB PUT read back by pmemsave, and the
# --http-max-read / --http-max-write limits.
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/rest_lib.sh"

# 64 MiB of noise, loaded at the start of RAM; the harts stay stopped so
# nothing changes it.
head -c 67108864 /dev/urandom >"$TMP/img"
start_rest -S --kernel "$TMP/img"

req GET '/api/v1/address-spaces/memory/memory?addr=0x80000000&len=0x4000000'
check "a 64 MiB read: 200" test "$CODE" = 200
check "a 64 MiB read: Content-Length" test "$(header Content-Length)" = 67108864
check "a 64 MiB read: the image's bytes" cmp -s "$TMP/img" "$TMP/body"
"$MONCLIENT" "$MON" "pmemsave 0x80000000 0x4000000 \"$TMP/pmem.bin\"" \
	>"$TMP/pmem.out" 2>&1
check "the monitor's pmemsave of the same range" cmp -s "$TMP/pmem.bin" "$TMP/body"

req GET '/api/v1/address-spaces/memory/memory?addr=0x80000000&len=0x4000000' \
	-H 'Range: bytes=1048576-2097151'
check "a Range of the 64 MiB: 206" test "$CODE" = 206
check "a Range of the 64 MiB: Content-Range" \
	test "$(header Content-Range)" = "bytes 1048576-2097151/67108864"
dd if="$TMP/img" of="$TMP/slice" bs=1048576 skip=1 count=1 2>/dev/null
check "a Range of the 64 MiB: that window's bytes" cmp -s "$TMP/slice" "$TMP/body"

"$MONCLIENT" "$MON" 'xp /8xb 0x80123456' >"$TMP/xp.out" 2>&1
want=$(sed -n 's/^0000000080123456: //p' "$TMP/xp.out" | sed 's/0x//g; s/ //g')
req GET '/api/v1/address-spaces/memory/memory?addr=0x80123456&len=8&format=hex'
check "JSON hex equals the monitor's xp" contains "$TMP/body" "\"data\":\"$want\""
check "xp printed eight bytes" test "${#want}" -eq 16

head -c 1048576 /dev/urandom >"$TMP/w.bin"
req PUT '/api/v1/address-spaces/memory/memory?addr=0x84000000' \
	--data-binary @"$TMP/w.bin"
check "a 1 MiB PUT: 200" test "$CODE" = 200
check "a 1 MiB PUT: all written" contains "$TMP/body" '{"written":"0x100000","result":"ok"}'
"$MONCLIENT" "$MON" "pmemsave 0x84000000 0x100000 \"$TMP/w.back\"" >/dev/null 2>&1
check "a 1 MiB PUT: pmemsave reads it back" cmp -s "$TMP/w.bin" "$TMP/w.back"

req GET '/api/v1/address-spaces/memory/memory?addr=0x80000000&len=0x4000001'
check "one byte over 64 MiB: 413" is_error 413 TooLarge
req POST /api/v1/address-spaces/memory/st -H 'Content-Type: application/json' \
	-d '{"addr":"0x87fff000","size":8,"value":"0x1122334455667788"}'
req PUT '/api/v1/address-spaces/memory/memory?addr=0x87fff000' \
	--data-binary @"$TMP/w.bin"
check "a PUT past the end of RAM: 422" is_error 422 DecodeError
check "a PUT past the end of RAM: names the end" \
	contains "$TMP/body" '"addr":"0x88000000"'
"$MONCLIENT" "$MON" 'xp /1xg 0x87fff000' >"$TMP/edge.out" 2>&1
check "a PUT past the end of RAM: nothing written before the end either" \
	contains "$TMP/edge.out" "0x1122334455667788"
stop_rest

# ---- smaller limits ------------------------------------------------------------
start_rest -S --http-max-read 1M --http-max-write 4K
req GET '/api/v1/address-spaces/memory/memory?addr=0x80000000&len=0x100000'
check "--http-max-read 1M: 1 MiB is fine" test "$CODE" = 200
req GET '/api/v1/address-spaces/memory/memory?addr=0x80000000&len=0x100001'
check "--http-max-read 1M: one byte more is 413" is_error 413 TooLarge
head -c 4096 /dev/urandom >"$TMP/4k"
head -c 4097 /dev/urandom >"$TMP/4k1"
req PUT '/api/v1/address-spaces/memory/memory?addr=0x80000000' \
	--data-binary @"$TMP/4k"
check "--http-max-write 4K: 4 KiB is fine" test "$CODE" = 200
req PUT '/api/v1/address-spaces/memory/memory?addr=0x80000000' \
	--data-binary @"$TMP/4k1"
check "--http-max-write 4K: one byte more is 413" is_error 413 TooLarge
req GET '/api/v1/address-spaces/memory/memory?addr=0x80000000&len=4096'
check "the refused PUT wrote nothing" cmp -s "$TMP/4k" "$TMP/body"
stop_rest

"$MEMCORED" --http-max-read 0 --exec quit >"$TMP/out" 2>"$TMP/err"
check "--http-max-read 0 is a usage error" test $? -eq 2
check "--http-max-read 0 says why" contains "$TMP/err" "--http-max-read 0"
"$MEMCORED" --http-max-conns x --exec quit >"$TMP/out" 2>"$TMP/err"
check "--http-max-conns x is a usage error" test $? -eq 2
finish
