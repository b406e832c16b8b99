# tests/integration/install.mk: test_install.sh installs this build tree
# into a staging directory (make install DESTDIR=...), checks what is
# installed and what libmemcore.so exports, builds and runs an embedder
# (tests/integration/embed/) against it through pkg-config, shared and
# static, and uninstalls.

TESTS += tests/integration/test_install.sh

# The test runs `make install` of this tree and compiles the embedder the
# way the build compiles (CC, CFLAGS and LDFLAGS: under --enable-sanitizers
# or --enable-tsan libmemcore needs the sanitizer runtime); it looks for
# the installed files in the configured directories.
AM_TESTS_ENVIRONMENT += \
	MAKE='$(MAKE)'; CC='$(CC)'; CFLAGS='$(CFLAGS)'; LDFLAGS='$(LDFLAGS)'; \
	bindir='$(bindir)'; includedir='$(includedir)'; libdir='$(libdir)'; \
	pkgconfigdir='$(pkgconfigdir)'; mandir='$(mandir)'; \
	export MAKE CC CFLAGS LDFLAGS bindir includedir libdir pkgconfigdir \
	mandir;

EXTRA_DIST += tests/integration/test_install.sh \
	tests/integration/public_decls.awk \
	tests/integration/embed/embed.c \
	tests/integration/embed/embed.expected \
	tests/integration/embed/man_example.c \
	tests/integration/embed/man_example.expected
