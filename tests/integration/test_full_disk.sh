#!/bin/sh
# tests/integration/test_full_disk.sh — pmemsave onto a full file system
# (issue 11): the command says why it failed (ENOSPC), removes its partial
# file, and memcored keeps serving; both for a monitor socket (any path)
# and for an HTTP client writing into --dump-dir.
#
# The full disk is a 1 MiB tmpfs mounted in a private mount namespace, so
# it vanishes with the test: the script re-runs itself under `unshare -m`
# (as root, as CI runs) or `unshare -rm` (an unprivileged user namespace).
# Where neither works the test fails, saying why: it never skips.
if [ -z "${MEMCORED_TEST_MOUNT_NS:-}" ]; then
	if [ "$(id -u)" -eq 0 ]; then ns="-m"; else ns="-rm"; fi
	if ! unshare "$ns" true 2>/dev/null; then
		echo "FAIL - cannot make a private mount namespace for a small tmpfs (unshare -m needs root, unshare -rm unprivileged user namespaces)"
		echo "0 passed, 1 failed"
		exit 1
	fi
	MEMCORED_TEST_MOUNT_NS=1 exec unshare "$ns" "${SHELL:-/bin/sh}" "$0" "$@"
fi
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/rest_lib.sh"

SMALL=$TMP/small
mkdir "$SMALL"
if ! mount -t tmpfs -o size=1m tmpfs "$SMALL"; then
	fail "mount a 1 MiB tmpfs on $SMALL"
	finish
	exit 1
fi
trap 'umount "$SMALL" 2>/dev/null; cleanup' EXIT

# ---- a monitor socket: any path ------------------------------------------------
start_rest --dump-dir "$SMALL"
"$MONCLIENT" "$MON" "pmemsave 0x80000000 0x400000 \"$SMALL/ram.bin\"" \
	'ldl_le 0x1000' >"$TMP/full.out" 2>&1
check "socket: pmemsave on a full disk says why" contains "$TMP/full.out" \
	"Error: An IO error has occurred: writing '$SMALL/ram.bin': No space left on device; the partial file was removed"
check "socket: the partial file is gone" test ! -e "$SMALL/ram.bin"
check "socket: the disk is free again" test -z "$(ls -A "$SMALL")"
check "socket: the same client is still served" contains "$TMP/full.out" \
	"0x00000297"
"$MONCLIENT" "$MON" "pmemsave 0x80000000 0x1000 \"$SMALL/small.bin\"" \
	>"$TMP/small.out" 2>&1
check "socket: a dump that fits is written" \
	test "$(wc -c <"$SMALL/small.bin")" -eq 4096
rm -f "$SMALL/small.bin"

# ---- HTTP: into --dump-dir -------------------------------------------------------
req POST /api/v1/monitor -H 'Content-Type: application/json' \
	-d '{"command": "pmemsave 0x80000000 0x400000 ram.bin"}'
check "http: the command answers 200 with its failure" test "$CODE" = 200
check "http: the error says why" contains "$TMP/body" \
	"Error: An IO error has occurred: writing 'ram.bin': No space left on device; the partial file was removed"
check "http: the partial file is gone" test ! -e "$SMALL/ram.bin"
req GET /api/v1/mtree
check "http: still served after the full disk" test "$CODE" = 200
stop_rest

finish
