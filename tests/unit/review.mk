# tests/unit/review.mk: Check programs for defects two hostile reviews
# found (their reproducers became these tests).  Public headers only;
# the multi-threaded ones follow robust.h's rules (iteration counts and a
# wall-clock bound, no sleeps, failures reported by the main thread), so
# that they stay bounded and race-free under ASan and TSan.

UNIT_REVIEW_TESTS = \
	tests/unit/test_find_as_destroy \
	tests/unit/test_ram_ptr_size \
	tests/unit/test_map_destroy \
	tests/unit/test_watch_pieces

check_PROGRAMS += $(UNIT_REVIEW_TESTS)
TESTS += $(UNIT_REVIEW_TESTS)

UNIT_REVIEW_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
UNIT_REVIEW_LDADD = memcore/libmemcore.la $(CHECK_LIBS) -lpthread

# memory_region_find racing address_space_destroy and the reuse of the
# address space's storage.
tests_unit_test_find_as_destroy_SOURCES = \
	tests/unit/test_find_as_destroy.c tests/unit/robust.h
tests_unit_test_find_as_destroy_CFLAGS = $(UNIT_REVIEW_CFLAGS)
tests_unit_test_find_as_destroy_LDADD = $(UNIT_REVIEW_LDADD)

# memory_region_init_ram_ptr refuses sizes that cannot be backed.
tests_unit_test_ram_ptr_size_SOURCES = tests/unit/test_ram_ptr_size.c
tests_unit_test_ram_ptr_size_CFLAGS = $(UNIT_REVIEW_CFLAGS)
tests_unit_test_ram_ptr_size_LDADD = $(UNIT_REVIEW_LDADD)

# A direct mapping keeps its RAM block past memory_region_destroy.
tests_unit_test_map_destroy_SOURCES = tests/unit/test_map_destroy.c \
	tests/unit/robust.h
tests_unit_test_map_destroy_CFLAGS = $(UNIT_REVIEW_CFLAGS)
tests_unit_test_map_destroy_LDADD = $(UNIT_REVIEW_LDADD)

# Watchpoints spanning MMIO, RAM and holes; every view; once per access.
tests_unit_test_watch_pieces_SOURCES = tests/unit/test_watch_pieces.c
tests_unit_test_watch_pieces_CFLAGS = $(UNIT_REVIEW_CFLAGS)
tests_unit_test_watch_pieces_LDADD = $(UNIT_REVIEW_LDADD)
