#!/bin/sh
# tests/integration/test_install.sh — memcore as a user installs and
# embeds it.
#
#  * `make install DESTDIR=STAGE` of this build tree installs exactly:
#    memcored, libmemcore (shared and static), its public headers under
#    $(includedir)/memcore/, memcore.pc and the man pages — no helper
#    library (libmonitor, libmemcored);
#  * libmemcore.so exports exactly the functions and variables the
#    installed headers declare (tests/integration/public_decls.awk reads
#    them from the preprocessed headers): nothing internal (mc_* ...),
#    nothing missing;
#  * tests/integration/embed/embed.c, built against STAGE through
#    pkg-config only (PKG_CONFIG_PATH and PKG_CONFIG_SYSROOT_DIR into
#    STAGE; no -I or -L of the source or build tree), runs and prints
#    embed.expected, linked with the shared library and again statically
#    (`pkg-config --static`);
#  * `make uninstall DESTDIR=STAGE` removes every file it installed.
#
# The embedder is compiled with the build's CC, CFLAGS and LDFLAGS (which
# carry -fsanitize=... under --enable-sanitizers/--enable-tsan, whose
# libmemcore needs the sanitizer runtime).  A sanitizer cannot link a
# fully static program, so there the static build links libmemcore and
# liburcu statically (-Wl,-Bstatic) and libc and the sanitizer runtime
# dynamically; otherwise it is `cc -static`.
#
# The build tree's configuration (MAKE, CC, CFLAGS, LDFLAGS and the
# installation directories) comes from the environment that
# tests/integration/install.mk gives the tests.
. "${top_srcdir:-.}/tests/integration/lib.sh"

for v in MAKE CC bindir includedir libdir pkgconfigdir mandir; do
	eval "val=\${$v-}"
	if [ -z "$val" ]; then
		echo "FAIL - \$$v is not set: run this test through make check"
		exit 1
	fi
done

# matches STRING REGEX: expr's anchored match, quietly.
matches() { expr "$1" : "$2" >/dev/null; }

STAGE=$TMP/stage
EMBED=$top_srcdir/tests/integration/embed
VERSION=$(sed -n 's/^AC_INIT(\[memcore\], *\[\([^]]*\)\].*/\1/p' "$top_srcdir/configure.ac")

# submake TARGET: make TARGET DESTDIR=STAGE in the build tree, as its own
# make (not a job of the make check that runs this test).
submake() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		$MAKE -C "$top_builddir" "$1" DESTDIR="$STAGE" >"$TMP/$1.log" 2>&1
}

# ---- make install ------------------------------------------------------------
submake install
status=$?
check "make install DESTDIR=... exits 0" test $status -eq 0
if [ $status -ne 0 ]; then
	tail -n 30 "$TMP/install.log"
	finish
	exit
fi

(cd "$STAGE" && find . ! -type d | sed 's|^\.||' | LC_ALL=C sort) >"$TMP/installed"
cat "$TMP/installed"

# What must be there; the shared library's versioned names are checked
# below, from its SONAME.
{
	echo "$bindir/memcored"
	for h in "$top_srcdir"/memcore/include/memcore/*.h; do
		echo "$includedir/memcore/${h##*/}"
	done
	echo "$libdir/libmemcore.a"
	echo "$libdir/libmemcore.la"
	echo "$libdir/libmemcore.so"
	echo "$pkgconfigdir/memcore.pc"
	for m in "$top_srcdir"/man/*.[0-9]; do
		s=${m##*.}
		echo "$mandir/man$s/${m##*/}"
	done
} | LC_ALL=C sort >"$TMP/expected"
grep -v "^$libdir/libmemcore\.so\..*" "$TMP/installed" >"$TMP/installed-unversioned"
check "installed: memcored, libmemcore, its headers, memcore.pc, the man pages and nothing else" \
	same "$TMP/expected" "$TMP/installed-unversioned"
check "no helper library is installed (libmonitor, libmemcored)" \
	test -z "$(grep -E 'libmonitor|libmemcored' "$TMP/installed")"

LIB=$STAGE$libdir
soname=$(readelf -d "$LIB/libmemcore.so" 2>/dev/null |
	sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
check "libmemcore.so has a SONAME libmemcore.so.N (from -version-info)" \
	matches "$soname" 'libmemcore\.so\.[0-9][0-9]*$'
check "$soname is installed, a link to the library" test -L "$LIB/$soname"
real=$(readlink -f "$LIB/libmemcore.so")
check "libmemcore.so and $soname lead to one file $soname.*" \
	test "$real" = "$(readlink -f "$LIB/$soname")" -a -f "$real"
case ${real##*/} in
"$soname".*) pass "the library file is named ${real##*/}" ;;
*) fail "the library file is named ${real##*/}, not $soname.*" ;;
esac

# ---- pkg-config --------------------------------------------------------------
# Only the staging tree's memcore.pc; liburcu's comes from the system.
PKG_CONFIG_PATH=$STAGE$pkgconfigdir
PKG_CONFIG_SYSROOT_DIR=$STAGE
export PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR
pkg-config --modversion memcore >"$TMP/modversion" 2>&1
check "pkg-config --modversion memcore: $VERSION" test "$(cat "$TMP/modversion")" = "$VERSION"
cflags=$(pkg-config --cflags memcore)
libs=$(pkg-config --libs memcore)
slibs=$(pkg-config --static --libs memcore)
echo "pkg-config --cflags memcore: $cflags"
echo "pkg-config --libs memcore: $libs"
echo "pkg-config --static --libs memcore: $slibs"
case " $cflags " in
*" -I$STAGE$includedir "*) pass "--cflags has -I$STAGE$includedir" ;;
*) fail "--cflags lacks -I$STAGE$includedir: $cflags" ;;
esac
case " $libs " in
*" -L$LIB -lmemcore "*) pass "--libs is -L$LIB -lmemcore" ;;
*) fail "--libs lacks -L$LIB -lmemcore: $libs" ;;
esac
case "$cflags $slibs" in
*"$top_srcdir"* | *"$top_builddir"*)
	fail "pkg-config points into the source or build tree: $cflags $slibs" ;;
*) pass "pkg-config points neither into the source nor the build tree" ;;
esac
check "memcore.pc: no Requires (the headers need nothing)" \
	test -z "$(pkg-config --print-requires memcore)"
check "memcore.pc: liburcu in Requires.private" \
	matches "$(pkg-config --print-requires-private memcore)" 'liburcu'
case " $slibs " in
*" -lurcu"*) pass "--static --libs names liburcu" ;;
*) fail "--static --libs does not name liburcu: $slibs" ;;
esac

# ---- exported symbols = the headers' declarations --------------------------
for h in "$STAGE$includedir"/memcore/*.h; do
	echo "#include <memcore/${h##*/}>"
done >"$TMP/all-headers.c"
# shellcheck disable=SC2086 # word splitting of flags is intended
$CC $CFLAGS $cflags -E "$TMP/all-headers.c" >"$TMP/all-headers.i" 2>"$TMP/cpp.err"
check "the installed headers preprocess" test $? -eq 0
# The public headers include no liburcu header (no line marker names
# one), which is why liburcu is in Requires.private: embedders need it
# only to link libmemcore.a.
check "the installed headers include no liburcu header" \
	test -z "$(grep '^# [0-9]* "[^"]*urcu' "$TMP/all-headers.i")"
awk -f "$top_srcdir/tests/integration/public_decls.awk" "$TMP/all-headers.i" \
	2>"$TMP/unparsed" | LC_ALL=C sort -u >"$TMP/declared"
check "every declaration in the headers is understood" same /dev/null "$TMP/unparsed"
ndecl=$(wc -l <"$TMP/declared")
check "the headers declare the API ($ndecl functions and variables, memory_region_init and error_abort among them)" \
	test "$ndecl" -gt 100 -a -n "$(grep -x memory_region_init "$TMP/declared")" \
	-a -n "$(grep -x error_abort "$TMP/declared")"
nm -D --defined-only "$LIB/libmemcore.so" >"$TMP/nm" 2>&1
check "nm -D --defined-only libmemcore.so works" test $? -eq 0
# Symbol type A is the version node (MEMCORE_0), not a symbol.
awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }' "$TMP/nm" |
	LC_ALL=C sort -u >"$TMP/exported"
comm -13 "$TMP/declared" "$TMP/exported" >"$TMP/extra"
comm -23 "$TMP/declared" "$TMP/exported" >"$TMP/missing"
check "libmemcore.so exports nothing the headers do not declare" same /dev/null "$TMP/extra"
check "libmemcore.so exports everything the headers declare" same /dev/null "$TMP/missing"
check "no mc_* symbol is exported" test -z "$(grep '^mc_' "$TMP/exported")"

# ---- an embedder, shared -----------------------------------------------------
# shellcheck disable=SC2086
$CC $CFLAGS -std=c11 -Wall -Wextra -Werror -o "$TMP/embed" "$EMBED/embed.c" \
	$cflags $libs $LDFLAGS >"$TMP/cc.log" 2>&1
status=$?
cat "$TMP/cc.log"
check "embed.c builds with \$(pkg-config --cflags --libs memcore), warning-free" \
	test $status -eq 0
LD_LIBRARY_PATH=$LIB ldd "$TMP/embed" >"$TMP/ldd" 2>&1
check "embed uses the staged libmemcore" contains "$TMP/ldd" "$LIB/$soname"
LD_LIBRARY_PATH=$LIB "$TMP/embed" >"$TMP/out" 2>"$TMP/err"
status=$?
cat "$TMP/err"
check "embed (shared) exits 0" test $status -eq 0
check "embed (shared) prints embed.expected" same "$EMBED/embed.expected" "$TMP/out"

# ---- memcore(3)'s example ------------------------------------------------------
# The EXAMPLES section carries man_example.c and its output verbatim (groff
# escapes undone); the program builds through pkg-config and prints that.
man_block() { # man_block N: the Nth .EX block after the example marker
	sed -n '/^\.\\" example: tests\/integration\/embed\/man_example.c/,$p' \
		"$top_srcdir/man/memcore.3" |
		awk -v want="$1" '/^\.EX$/ { n++; on = (n == want); next }
			/^\.EE$/ { on = 0; next } on' |
		sed -e 's/^\\&//' -e 's/\\e/\\/g'
}
man_block 1 >"$TMP/man_example.c"
check "memcore(3)'s example is man_example.c" \
	same "$EMBED/man_example.c" "$TMP/man_example.c"
man_block 2 >"$TMP/man_example.out"
# (the page leaves out the blank line mtree_info ends with)
awk 'NF { last = NR } { line[NR] = $0 }
	END { for (i = 1; i <= last; i++) print line[i] }' \
	"$EMBED/man_example.expected" >"$TMP/man_example.want"
check "memcore(3) shows man_example.expected as its output" \
	same "$TMP/man_example.want" "$TMP/man_example.out"
# shellcheck disable=SC2086
$CC $CFLAGS -std=c11 -Wall -Wextra -Werror -o "$TMP/man_example" \
	"$EMBED/man_example.c" $cflags $libs $LDFLAGS >"$TMP/cc2.log" 2>&1
status=$?
cat "$TMP/cc2.log"
check "memcore(3)'s example builds with pkg-config, warning-free" \
	test $status -eq 0
LD_LIBRARY_PATH=$LIB "$TMP/man_example" >"$TMP/out2" 2>"$TMP/err2"
status=$?
cat "$TMP/err2"
check "memcore(3)'s example exits 0" test $status -eq 0
check "memcore(3)'s example prints what the page says" \
	same "$EMBED/man_example.expected" "$TMP/out2"

# ---- an embedder, static -----------------------------------------------------
case " $CFLAGS $LDFLAGS " in
*" -fsanitize="*)
	how="libmemcore and liburcu static (-Wl,-Bstatic), libc and the sanitizer runtime shared"
	# shellcheck disable=SC2086
	$CC $CFLAGS -std=c11 -o "$TMP/embed-static" "$EMBED/embed.c" \
		$cflags $LDFLAGS -Wl,-Bstatic \
		$(pkg-config --static --libs-only-L --libs-only-l memcore) \
		-Wl,-Bdynamic $(pkg-config --static --libs-only-other memcore) \
		>"$TMP/cc.log" 2>&1
	;;
*)
	how="cc -static"
	# shellcheck disable=SC2086
	$CC $CFLAGS -std=c11 -static -o "$TMP/embed-static" "$EMBED/embed.c" \
		$cflags $slibs $LDFLAGS >"$TMP/cc.log" 2>&1
	;;
esac
status=$?
cat "$TMP/cc.log"
check "embed.c links statically with \$(pkg-config --static --libs memcore) ($how)" \
	test $status -eq 0
readelf -d "$TMP/embed-static" >"$TMP/dyn" 2>&1
check "embed-static needs no libmemcore.so" test -z "$(grep 'NEEDED.*libmemcore' "$TMP/dyn")"
# No LD_LIBRARY_PATH: nothing to find.
"$TMP/embed-static" >"$TMP/out" 2>"$TMP/err"
status=$?
cat "$TMP/err"
check "embed (static) exits 0" test $status -eq 0
check "embed (static) prints embed.expected" same "$EMBED/embed.expected" "$TMP/out"

# ---- make uninstall ----------------------------------------------------------
submake uninstall
status=$?
check "make uninstall DESTDIR=... exits 0" test $status -eq 0
[ $status -eq 0 ] || tail -n 30 "$TMP/uninstall.log"
(cd "$STAGE" && find . ! -type d) >"$TMP/left"
check "make uninstall removes every installed file" same /dev/null "$TMP/left"
# Automake's uninstall removes files, never directories: the empty
# directories of the installation stay.
ndirs=$(find "$STAGE" -mindepth 1 -type d | wc -l)
echo "# after make uninstall, $ndirs empty directories remain (automake removes no directory)"

finish
