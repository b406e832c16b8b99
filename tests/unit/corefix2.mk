# tests/unit/corefix2.mk: Check programs for map/unmap, dirty and resize
# defects a third review found (its reproducers became these tests).
# Public headers only; bounded, no sleeps.

UNIT_COREFIX2_TESTS = \
	tests/unit/test_unmap_clamp \
	tests/unit/test_resize_destroyed \
	tests/unit/test_unmap_exact

check_PROGRAMS += $(UNIT_COREFIX2_TESTS)
TESTS += $(UNIT_COREFIX2_TESTS)

UNIT_COREFIX2_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
UNIT_COREFIX2_LDADD = memcore/libmemcore.la $(CHECK_LIBS) -lpthread

# Unmap's access_len and memory_region_set_dirty/reset_dirty keep to the
# mapping and to the region's RAM block.
tests_unit_test_unmap_clamp_SOURCES = tests/unit/test_unmap_clamp.c
tests_unit_test_unmap_clamp_CFLAGS = $(UNIT_COREFIX2_CFLAGS)
tests_unit_test_unmap_clamp_LDADD = $(UNIT_COREFIX2_LDADD)

# memory_region_ram_resize of a destroyed region (mapped or not): misuse.
tests_unit_test_resize_destroyed_SOURCES = tests/unit/test_resize_destroyed.c
tests_unit_test_resize_destroyed_CFLAGS = $(UNIT_COREFIX2_CFLAGS)
tests_unit_test_resize_destroyed_LDADD = $(UNIT_COREFIX2_LDADD)

# Unmap releases exactly its mapping: double unmap with another mapping
# of the block outstanding; overlapping init_ram_ptr regions.
tests_unit_test_unmap_exact_SOURCES = tests/unit/test_unmap_exact.c
tests_unit_test_unmap_exact_CFLAGS = $(UNIT_COREFIX2_CFLAGS)
tests_unit_test_unmap_exact_LDADD = $(UNIT_COREFIX2_LDADD)
