# tests/bench/bench.mk: the benchmarks (see tests/bench/README.md).
# They go in BENCH_PROGS, which the top Makefile.am makes EXTRA_PROGRAMS:
# `make bench-build` builds them (CI does, without running them), `make
# bench` builds and runs them, never `make` or `make check`.

BENCH_PROGS += \
	tests/bench/bench_access \
	tests/bench/bench_commit \
	tests/bench/bench_map

tests_bench_bench_access_SOURCES = tests/bench/bench_access.c
tests_bench_bench_access_CFLAGS = $(AM_CFLAGS) $(URCU_CFLAGS)
tests_bench_bench_access_LDADD = memcore/libmemcore.la $(URCU_LIBS) \
	$(PTHREAD_LIBS)

tests_bench_bench_commit_SOURCES = tests/bench/bench_commit.c
tests_bench_bench_commit_LDADD = memcore/libmemcore.la

# bench_map compares with Unicorn 2 when configure found it (HAVE_UNICORN
# is then also defined for the compiler); without it, memcore runs alone.
tests_bench_bench_map_SOURCES = tests/bench/bench_map.c
tests_bench_bench_map_CFLAGS = $(AM_CFLAGS)
tests_bench_bench_map_LDADD = memcore/libmemcore.la
if HAVE_UNICORN
tests_bench_bench_map_CFLAGS += $(UNICORN_CFLAGS)
tests_bench_bench_map_LDADD += $(UNICORN_LIBS)
endif

EXTRA_DIST += tests/bench/README.md
EXTRA_DIST += tests/bench/bench_util.h
