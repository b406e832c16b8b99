#!/bin/sh
# tests/integration/test_gdb_raw.sh — memcored's gdb stub spoken to over
# a raw socket (tests/integration/rspclient): bad checksums, garbage,
# binary escapes, run-length encoding, oversize packets and lengths,
# no-ack mode, Ctrl-C, unknown and malformed packets — and after each,
# the stub still answers.
. "${top_srcdir:-.}/tests/integration/lib.sh"
RSPCLIENT=${RSPCLIENT:-$top_builddir/tests/integration/rspclient}

nocpu_virt "$TMP/virt-nocpu.json"
start_server --board "$TMP/virt-nocpu.json" --monitor tcp:127.0.0.1:0 --gdb tcp:127.0.0.1:0
next_line
check "prints where gdb listens" \
	sh -c 'echo "$0" | grep -Eq "^gdb: listening on 127\.0\.0\.1:[1-9][0-9]*$"' "$LINE"
GDB=$(listen_addr)

"$RSPCLIENT" "$GDB" \
	'2:@p:qSupported:swbreak+' \
	'1:$g#00' \
	'2:@p:m1000,4' \
	'0:garbage\xff\xfe\x7f' \
	'2:@p:m1000,4' \
	'1:$m1000,4#zz' \
	'2:@p:X80000000,4:}\x03}\x04}]}\x0a' \
	'2:@p:m80000000,4' \
	'2:@p:M80000010,4:aaab*!' \
	'2:@p:m80000010,4' \
	'2:@big:M80000000,100000:300000' \
	'2:@p:m80000000,4' \
	'2:@p:m0,4' \
	'2:@p:mzz' \
	'2:@p:qNoSuchThing' \
	'2:@p:QStartNoAckMode' \
	'0:+' \
	'1:@p:qC' \
	'0:$g#00' \
	'1:@p:c' \
	'0:\x03' \
	'1:@p:?' \
	'1:@p:m80000000,4' \
	'1:@p:D' >"$TMP/raw.out" 2>&1
check "raw session ends cleanly" test $? -eq 0
cat >"$TMP/raw.want" <<'WANT'
+
$PacketSize=40000;QStartNoAckMode+;qXfer:features:read+;qXfer:memory-map:read+;swbreak+;hwbreak+;vContSupported+
-
+
$97020000
+
$97020000
-
+
$OK
+
$23247d2a
+
$OK
+
$aaabbbbb
+
$E01
+
$23247d2a
+
$E14
+
$E01
+
$
+
$OK
$QC1
$T05thread:1;
$T05thread:1;
$23247d2a
$OK
WANT
check "raw: every answer as the protocol says" same "$TMP/raw.want" "$TMP/raw.out"

# A huge length is answered with what one packet holds.
"$RSPCLIENT" "$GDB" '2:@p:m80000000,ffffffff' '2:@p:m0,ffffffffffffffffff' \
	'2:@p:qC' >"$TMP/long.out" 2>&1
check "raw: a huge m length is cut to one packet" test \
	"$(sed -n 2p "$TMP/long.out" | wc -c)" -eq $((0x40000 + 2))
check "raw: a 65-bit length is malformed" test "$(sed -n 4p "$TMP/long.out")" = '$E01'
check "raw: the stub still answers, and a dropped connection frees it" \
	test "$(sed -n 6p "$TMP/long.out")" = '$QC1'

kill -TERM "$SERVER_PID"
wait_server
check "raw: SIGTERM exits 0" test "$STATUS" -eq 0

finish
