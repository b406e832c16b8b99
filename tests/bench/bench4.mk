# tests/bench/bench4.mk: the benchmarks of issue 4 (see tests/bench/README.md):
# dirty-bitmap scan, address_space_map/unmap, IOMMU translate.  Like the
# others they are BENCH_PROGS: built by `make bench-build`, run by `make bench`.

BENCH_PROGS += \
	tests/bench/bench_dirty \
	tests/bench/bench_mapunmap \
	tests/bench/bench_iommu

tests_bench_bench_dirty_SOURCES = tests/bench/bench_dirty.c
tests_bench_bench_dirty_LDADD = memcore/libmemcore.la

tests_bench_bench_mapunmap_SOURCES = tests/bench/bench_mapunmap.c
tests_bench_bench_mapunmap_LDADD = memcore/libmemcore.la

tests_bench_bench_iommu_SOURCES = tests/bench/bench_iommu.c
tests_bench_bench_iommu_LDADD = memcore/libmemcore.la
