# tests/: Check unit tests (tests/unit), integration tests, benchmarks
# (tests/bench, built by `make bench-build`, run by `make bench`).  Each group keeps its own
# fragment so that the people writing them do not collide.
include $(srcdir)/tests/unit/core.mk
include $(srcdir)/tests/unit/access.mk
include $(srcdir)/tests/unit/mtree.mk
include $(srcdir)/tests/bench/bench.mk
include $(srcdir)/tests/unit/monitor.mk
include $(srcdir)/tests/unit/server.mk
include $(srcdir)/tests/integration/integration.mk
include $(srcdir)/tests/unit/iommu_dirty.mk
include $(srcdir)/tests/bench/bench4.mk
include $(srcdir)/tests/bench/bench_monitor.mk
include $(srcdir)/tests/fuzz/fuzz.mk
include $(srcdir)/tests/fuzz/fuzz_core.mk
include $(srcdir)/tests/unit/fuzzcore.mk
include $(srcdir)/tests/unit/robust.mk
include $(srcdir)/tests/data/data.mk
include $(srcdir)/tests/unit/watch.mk
include $(srcdir)/tests/integration/install.mk
include $(srcdir)/tests/unit/gdb.mk
include $(srcdir)/tests/unit/review.mk
include $(srcdir)/tests/unit/corefix2.mk
include $(srcdir)/tests/integration/gdb.mk
include $(srcdir)/tests/bench/bench_gdb.mk
include $(srcdir)/tests/integration/man.mk
include $(srcdir)/tests/unit/rv64.mk
include $(srcdir)/tests/bench/bench_vcpu.mk
include $(srcdir)/tests/bench/bench_http.mk
include $(srcdir)/tests/guests/guests.mk
include $(srcdir)/tests/unit/web.mk
include $(srcdir)/tests/integration/rest.mk
include $(srcdir)/tests/load/load.mk
include $(srcdir)/tests/integration/faults.mk
