# tests/unit/fuzzcore.mk: Check programs for the memory-core defects
# tests/fuzz/fuzz_core found (its reproducers are in
# tests/fuzz/regressions/core/).  Public headers only; bounded, no sleeps.

UNIT_FUZZCORE_TESTS = tests/unit/test_merge_wrap

check_PROGRAMS += $(UNIT_FUZZCORE_TESTS)
TESTS += $(UNIT_FUZZCORE_TESTS)

# Simplification adds region offsets in 65 bits (no merge across 2^64).
tests_unit_test_merge_wrap_SOURCES = tests/unit/test_merge_wrap.c
tests_unit_test_merge_wrap_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_merge_wrap_LDADD = memcore/libmemcore.la $(CHECK_LIBS)
