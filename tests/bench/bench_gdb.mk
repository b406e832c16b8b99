# tests/bench/bench_gdb.mk: gdb-multiarch's dump of 64 MiB from memcored's
# gdb stub beside QEMU 7.2's (see tests/bench/README.md).  It starts
# server/memcored, so that is built first; a BENCH_PROGS like the others.

BENCH_PROGS += tests/bench/bench_gdb_dump

tests_bench_bench_gdb_dump_SOURCES = tests/bench/bench_gdb_dump.c \
	tests/bench/gdb_ceiling.c tests/bench/gdb_ceiling.h
tests_bench_bench_gdb_dump_CPPFLAGS = $(AM_CPPFLAGS) -I$(srcdir)/gdbstub/include
tests_bench_bench_gdb_dump_LDADD = gdbstub/libgdbstub.la
EXTRA_tests_bench_bench_gdb_dump_DEPENDENCIES = server/memcored$(EXEEXT)
