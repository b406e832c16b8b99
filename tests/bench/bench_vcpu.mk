# tests/bench/bench_vcpu.mk: the RV64 interpreter's MIPS on an ALU loop and
# a load/store loop beside the same loops compiled natively (see
# tests/bench/README.md).  A BENCH_PROGS like the others.

BENCH_PROGS += tests/bench/bench_vcpu

tests_bench_bench_vcpu_SOURCES = tests/bench/bench_vcpu.c
tests_bench_bench_vcpu_LDADD = server/libmemcored.la monitor/libmonitor.la \
	memcore/libmemcore.la $(JANSSON_LIBS) -lpthread
