# tests/unit/iommu_dirty.mk: Check programs for the rest of memory.h
# (issue 4), each in the section of memcore/SEMANTICS.md named here, with
# its conformance cases: IOMMUs (cases 32-35), ioeventfds (cases 54, 71),
# coalesced MMIO (case 72), dirty logging (cases 75-78), map, unmap and
# the bounce buffer (cases 79-82), resizeable RAM and RAM from file
# (cases 83-84).  Each program is one test file plus the shared fixtures
# (tests/unit/fixtures.c).

UNIT_ISSUE4_TESTS = \
	tests/unit/test_iommu \
	tests/unit/test_ioeventfd \
	tests/unit/test_coalesced \
	tests/unit/test_dirty \
	tests/unit/test_map \
	tests/unit/test_ramfile

check_PROGRAMS += $(UNIT_ISSUE4_TESTS)
TESTS += $(UNIT_ISSUE4_TESTS)

UNIT_ISSUE4_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
UNIT_ISSUE4_LDADD = memcore/libmemcore.la $(CHECK_LIBS)
UNIT_ISSUE4_FIXTURES = tests/unit/fixtures.c tests/unit/fixtures.h

tests_unit_test_iommu_SOURCES = tests/unit/test_iommu.c $(UNIT_ISSUE4_FIXTURES)
tests_unit_test_iommu_CFLAGS = $(UNIT_ISSUE4_CFLAGS)
tests_unit_test_iommu_LDADD = $(UNIT_ISSUE4_LDADD)

tests_unit_test_ioeventfd_SOURCES = tests/unit/test_ioeventfd.c $(UNIT_ISSUE4_FIXTURES)
tests_unit_test_ioeventfd_CFLAGS = $(UNIT_ISSUE4_CFLAGS)
tests_unit_test_ioeventfd_LDADD = $(UNIT_ISSUE4_LDADD)

tests_unit_test_coalesced_SOURCES = tests/unit/test_coalesced.c $(UNIT_ISSUE4_FIXTURES)
tests_unit_test_coalesced_CFLAGS = $(UNIT_ISSUE4_CFLAGS)
tests_unit_test_coalesced_LDADD = $(UNIT_ISSUE4_LDADD)

tests_unit_test_dirty_SOURCES = tests/unit/test_dirty.c $(UNIT_ISSUE4_FIXTURES)
tests_unit_test_dirty_CFLAGS = $(UNIT_ISSUE4_CFLAGS)
tests_unit_test_dirty_LDADD = $(UNIT_ISSUE4_LDADD)

tests_unit_test_map_SOURCES = tests/unit/test_map.c $(UNIT_ISSUE4_FIXTURES)
tests_unit_test_map_CFLAGS = $(UNIT_ISSUE4_CFLAGS)
tests_unit_test_map_LDADD = $(UNIT_ISSUE4_LDADD)

tests_unit_test_ramfile_SOURCES = tests/unit/test_ramfile.c $(UNIT_ISSUE4_FIXTURES)
tests_unit_test_ramfile_CFLAGS = $(UNIT_ISSUE4_CFLAGS)
tests_unit_test_ramfile_LDADD = $(UNIT_ISSUE4_LDADD)
