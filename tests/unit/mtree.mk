# tests/unit/mtree.mk: Check programs for mtree_info / mtree_info_flags.
#
# test_mtree checks the output formats (memcore/SEMANTICS.md, "mtree
# output") on small trees (conformance cases 31, 57-62); test_mtree_virt
# rebuilds the riscv64-virt machine of tests/data/qemu-riscv64-virt/ and
# compares its output with the real QEMU 7.2 captures there.  It finds
# them through $top_srcdir/tests/data, else TEST_DATA_DIR below; they ship
# with the tree (tests/data/data.mk), so a missing one is a failure.

UNIT_MTREE_TESTS = tests/unit/test_mtree tests/unit/test_mtree_virt

check_PROGRAMS += $(UNIT_MTREE_TESTS)
TESTS += $(UNIT_MTREE_TESTS)

tests_unit_test_mtree_SOURCES = tests/unit/test_mtree.c \
	tests/unit/fixtures.c tests/unit/fixtures.h
tests_unit_test_mtree_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_mtree_LDADD = memcore/libmemcore.la $(CHECK_LIBS)

tests_unit_test_mtree_virt_SOURCES = tests/unit/test_mtree_virt.c
tests_unit_test_mtree_virt_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) \
	$(JANSSON_CFLAGS) \
	-DTEST_DATA_DIR='"$(abs_top_srcdir)/tests/data"'
tests_unit_test_mtree_virt_LDADD = memcore/libmemcore.la $(CHECK_LIBS) \
	$(JANSSON_LIBS)
