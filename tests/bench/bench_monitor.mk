# tests/bench/bench_monitor.mk: issue 3's benchmark of memcored's monitor
# over a socket beside QEMU 7.2 (see tests/bench/README.md).  It starts
# server/memcored, so that is built first; like the other benchmarks it is
# a BENCH_PROGS, built by `make bench-build` and run by `make bench`.

BENCH_PROGS += tests/bench/bench_monitor

tests_bench_bench_monitor_SOURCES = tests/bench/bench_monitor.c \
	tests/bench/monitor_conn.c tests/bench/monitor_conn.h
EXTRA_tests_bench_bench_monitor_DEPENDENCIES = server/memcored$(EXEEXT)
