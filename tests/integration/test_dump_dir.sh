#!/bin/sh
# tests/integration/test_dump_dir.sh — where memsave/pmemsave may write.
# A real gdb-multiarch (-batch -nx) runs `monitor pmemsave` against
# memcored on port 0: refused without --dump-dir; with it, a new file by
# plain name lands in the directory with the right bytes, and paths, "..",
# existing files and symlinks planted in the directory are refused with
# nothing changed outside.  The local prompts (--exec, the monitor socket)
# keep QEMU's behaviour: any path, an existing file replaced; a FIFO that
# nothing reads is refused instead of hanging memcored.  A --dump-dir that
# is not a usable directory is a start error.
. "${top_srcdir:-.}/tests/integration/lib.sh"

# gdb_run OUT CMD...: one gdb session (connect, CMDs, detach).
gdb_run() {
	_out=$1
	shift
	timeout 60 gdb-multiarch -batch -nx -ex "target remote $GDB" "$@" \
		-ex detach >"$_out" 2>&1
}

# absent FILE: FILE does not exist, not even as a dangling symlink.
absent() {
	if [ -e "$1" ] || [ -L "$1" ]; then
		echo "--- $1 exists"
		return 1
	fi
}

# The 16 bytes the tests store at 0x80000000 and expect in the files.
printf '\001\002\003\004\005\006\007\010\011\012\013\014\015\016\017\020' \
	>"$TMP/want16.bin"
NAME=confine-$$.bin   # a name no other run leaves in memcored's cwd

# ---- without --dump-dir: gdb's monitor may not write files ------------------
start_server -S --monitor tcp:127.0.0.1:0 --gdb tcp:127.0.0.1:0
MON=$(listen_addr)
next_line
GDB=$(listen_addr)
gdb_run "$TMP/nodir.out" -ex "monitor pmemsave 0x80000000 16 \"$NAME\"" \
	-ex "monitor memsave 0x80000000 16 \"$TMP/abs-nodir.bin\""
check "no --dump-dir: gdb's pmemsave is refused, saying what to do" \
	contains "$TMP/nodir.out" \
	"Error: pmemsave is refused for network clients: start memcored with --dump-dir DIR"
check "no --dump-dir: gdb's memsave is refused" contains "$TMP/nodir.out" \
	"Error: memsave is refused for network clients"
check "no --dump-dir: nothing written in memcored's directory" absent "$NAME"
check "no --dump-dir: nothing written at an absolute path" \
	absent "$TMP/abs-nodir.bin"
# The monitor socket is a prompt the user opened: QEMU's behaviour.
"$MONCLIENT" "$MON" "pmemsave 0x1000 16 \"$TMP/sock.bin\"" >"$TMP/sock.out" 2>&1
check "the monitor socket still writes any path" \
	test "$(wc -c <"$TMP/sock.bin")" -eq 16
kill -TERM "$SERVER_PID"
wait_server
check "memcored exits 0" test "$STATUS" -eq 0

# ---- with --dump-dir --------------------------------------------------------
DUMPS=$TMP/dumps
mkdir "$DUMPS" "$DUMPS/sub"
echo precious >"$TMP/victim"
ln -s "$TMP/victim" "$DUMPS/link"
ln -s "$TMP/made-through-link" "$DUMPS/dangling"
echo old >"$DUMPS/old.bin"
mkfifo "$DUMPS/fifo"

umask 027   # the dump's mode is 0666 less memcored's umask
start_server -S --monitor tcp:127.0.0.1:0 --gdb tcp:127.0.0.1:0 \
	--dump-dir "$DUMPS"
umask 022
MON=$(listen_addr)
next_line
GDB=$(listen_addr)
gdb_run "$TMP/dir.out" \
	-ex 'set {long}0x80000000 = 0x0807060504030201' \
	-ex 'set {long}0x80000008 = 0x100f0e0d0c0b0a09' \
	-ex 'monitor pmemsave 0x80000000 16 "x.bin"' \
	-ex 'monitor memsave 0x80000000 16 v.bin' \
	-ex 'echo saved\n'
check "gdb's monitor pmemsave prints nothing on success" \
	sh -c '! grep -q "^Error" "$0"' "$TMP/dir.out"
check "pmemsave: the file is in the dump directory" test -f "$DUMPS/x.bin"
check "pmemsave: the right bytes" same "$TMP/want16.bin" "$DUMPS/x.bin"
check "memsave: the right bytes" same "$TMP/want16.bin" "$DUMPS/v.bin"
check "the dump's mode is 0666 less the umask" \
	test "$(stat -c %a "$DUMPS/x.bin")" = 640

gdb_run "$TMP/bad.out" \
	-ex 'monitor pmemsave 0x80000000 16 "../escaped.bin"' \
	-ex "monitor pmemsave 0x80000000 16 \"$TMP/abs.bin\"" \
	-ex 'monitor pmemsave 0x80000000 16 "sub/escaped.bin"' \
	-ex 'monitor pmemsave 0x80000000 16 ".."' \
	-ex 'monitor pmemsave 0x80000000 16 ""' \
	-ex 'monitor pmemsave 0x80000000 16 "x.bin"' \
	-ex 'monitor pmemsave 0x80000000 16 "old.bin"' \
	-ex 'monitor pmemsave 0x80000000 16 "link"' \
	-ex 'monitor pmemsave 0x80000000 16 "dangling"' \
	-ex 'monitor pmemsave 0x80000000 16 "fifo"' \
	-ex 'echo still-serving\n'
check "../x is refused" contains "$TMP/bad.out" \
	"Error: Could not open '../escaped.bin': a path, not a file name (network clients name a new file in the dump directory"
check "an absolute path is refused" contains "$TMP/bad.out" \
	"Error: Could not open '$TMP/abs.bin': a path, not a file name"
check "a/b is refused" contains "$TMP/bad.out" \
	"Error: Could not open 'sub/escaped.bin': a path, not a file name"
check ".. is refused" contains "$TMP/bad.out" \
	"Error: Could not open '..': a file name starting with '.'"
check "an empty name is refused" contains "$TMP/bad.out" \
	"Error: Could not open '': an empty file name"
check "a file just written is not replaced" contains "$TMP/bad.out" \
	"Error: Could not open 'x.bin': File exists (network clients never replace a file in the dump directory)"
for n in old.bin link dangling fifo; do
	check "$n in the dump directory is not written" contains "$TMP/bad.out" \
		"Error: Could not open '$n': File exists"
done
check "gdb is still served after the refusals" contains "$TMP/bad.out" \
	"still-serving"
check "nothing next to the dump directory" absent "$TMP/escaped.bin"
check "nothing at the absolute path" absent "$TMP/abs.bin"
check "nothing in a subdirectory" absent "$DUMPS/sub/escaped.bin"
check "x.bin keeps its bytes" same "$TMP/want16.bin" "$DUMPS/x.bin"
check "an existing file keeps its bytes" sh -c \
	'[ "$(cat "$0")" = old ]' "$DUMPS/old.bin"
check "the symlink's target keeps its bytes" sh -c \
	'[ "$(cat "$0")" = precious ]' "$TMP/victim"
check "a dangling symlink creates nothing" absent "$TMP/made-through-link"
check "the dump directory holds only what was there and the two dumps" \
	sh -c '[ "$(ls -A "$0" | tr "\n" " ")" = "dangling fifo link old.bin sub v.bin x.bin " ]' \
	"$DUMPS"
# The local prompt of the same memcored is not confined.
"$MONCLIENT" "$MON" "pmemsave 0x80000000 16 \"$TMP/sock2.bin\"" \
	>"$TMP/sock2.out" 2>&1
check "the monitor socket writes outside the dump directory" \
	same "$TMP/want16.bin" "$TMP/sock2.bin"
kill -TERM "$SERVER_PID"
wait_server
check "memcored exits 0 after the refusals" test "$STATUS" -eq 0

# ---- the local prompt (--exec): QEMU's behaviour ----------------------------
echo "a longer file than sixteen bytes" >"$TMP/local.bin"
"$MEMCORED" -S --dump-dir "$DUMPS" \
	--exec 'stq_le 0x80000000 0x0807060504030201' \
	--exec 'stq_le 0x80000008 0x100f0e0d0c0b0a09' \
	--exec "pmemsave 0x80000000 16 \"$TMP/local.bin\"" \
	>"$TMP/exec.out" 2>&1
check "--exec writes an absolute path, even with --dump-dir" test $? -eq 0
check "--exec replaces an existing file" same "$TMP/want16.bin" "$TMP/local.bin"
mkfifo "$TMP/nobody-reads"
timeout 20 "$MEMCORED" -S --exec "pmemsave 0x80000000 16 \"$TMP/nobody-reads\"" \
	>"$TMP/fifo.out" 2>&1
check "a FIFO nobody reads: refused at once (exit 1, no hang)" test $? -eq 1
check "a FIFO nobody reads: says so" contains "$TMP/fifo.out" \
	"Error: Could not open '$TMP/nobody-reads': No such device or address (a FIFO that no process reads)"

# ---- --dump-dir must be a usable directory ----------------------------------
echo not-a-dir >"$TMP/plain"
"$MEMCORED" --dump-dir "$TMP/plain" --exec 'info status' >"$TMP/o" 2>"$TMP/e"
check "--dump-dir FILE: exit 2" test $? -eq 2
check "--dump-dir FILE: not a directory" contains "$TMP/e" \
	"memcored: --dump-dir $TMP/plain: not a directory"
"$MEMCORED" --dump-dir "$TMP/missing" --exec 'info status' >"$TMP/o" 2>"$TMP/e"
check "--dump-dir MISSING: exit 2" test $? -eq 2
check "--dump-dir MISSING: says so" contains "$TMP/e" \
	"memcored: --dump-dir $TMP/missing: No such file or directory"
"$MEMCORED" --dump-dir "" --exec 'info status' >"$TMP/o" 2>"$TMP/e"
check "--dump-dir '': exit 2" test $? -eq 2
# A directory memcored may not create files in.  root may write almost
# anywhere, and running memcored as another user fails when the build
# lives under a private directory (CI's mktemp -d), so as root the
# directory is /proc/self, where even root cannot create a file.
mkdir "$TMP/locked"
if [ "$(id -u)" -eq 0 ]; then
	LOCKED=/proc/self
	WHY="Operation not permitted"
else
	LOCKED=$TMP/locked
	WHY="Permission denied"
	chmod 555 "$LOCKED"
fi
"$MEMCORED" --dump-dir "$LOCKED" --exec 'info status' >"$TMP/o" 2>"$TMP/e"
rc=$?
chmod 755 "$TMP/locked"
check "--dump-dir READ-ONLY-DIR: exit 2" test "$rc" -eq 2
check "--dump-dir READ-ONLY-DIR: says so" contains "$TMP/e" \
	"memcored: --dump-dir $LOCKED: cannot create files in it: $WHY"

finish
