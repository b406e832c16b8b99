# tests/unit/core.mk: Check programs for the core of libmemcore —
# rendering (conformance cases A of memcore/SEMANTICS.md), translate and
# where direct accesses stop (B), memory_region_find (D) and lifetimes
# (RCU, owners, scale).  Each program is one test file plus the shared
# fixtures (tests/unit/fixtures.c).

UNIT_CORE_TESTS = \
	tests/unit/test_render \
	tests/unit/test_translate \
	tests/unit/test_find \
	tests/unit/test_lifetime \
	tests/unit/test_render_random \
	tests/unit/test_seed_internal \
	tests/unit/test_locking \
	tests/unit/test_inspect

check_PROGRAMS += $(UNIT_CORE_TESTS)
TESTS += $(UNIT_CORE_TESTS)
EXTRA_DIST += tests/unit/README.md tests/unit/check_run.h

UNIT_CORE_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
UNIT_CORE_LDADD = memcore/libmemcore.la $(CHECK_LIBS)
UNIT_CORE_FIXTURES = tests/unit/fixtures.c tests/unit/fixtures.h

tests_unit_test_render_SOURCES = tests/unit/test_render.c $(UNIT_CORE_FIXTURES)
tests_unit_test_render_CFLAGS = $(UNIT_CORE_CFLAGS)
tests_unit_test_render_LDADD = $(UNIT_CORE_LDADD)

tests_unit_test_translate_SOURCES = tests/unit/test_translate.c $(UNIT_CORE_FIXTURES)
tests_unit_test_translate_CFLAGS = $(UNIT_CORE_CFLAGS)
tests_unit_test_translate_LDADD = $(UNIT_CORE_LDADD)

tests_unit_test_find_SOURCES = tests/unit/test_find.c $(UNIT_CORE_FIXTURES)
tests_unit_test_find_CFLAGS = $(UNIT_CORE_CFLAGS)
tests_unit_test_find_LDADD = $(UNIT_CORE_LDADD)

tests_unit_test_lifetime_SOURCES = tests/unit/test_lifetime.c $(UNIT_CORE_FIXTURES)
tests_unit_test_lifetime_CFLAGS = $(UNIT_CORE_CFLAGS)
tests_unit_test_lifetime_LDADD = $(UNIT_CORE_LDADD)

tests_unit_test_render_random_SOURCES = tests/unit/test_render_random.c
tests_unit_test_render_random_CFLAGS = $(UNIT_CORE_CFLAGS)
tests_unit_test_render_random_LDADD = $(UNIT_CORE_LDADD)

tests_unit_test_seed_internal_SOURCES = tests/unit/test_seed_internal.c
tests_unit_test_seed_internal_CFLAGS = $(UNIT_CORE_CFLAGS)
tests_unit_test_seed_internal_LDADD = $(UNIT_CORE_LDADD)

tests_unit_test_locking_SOURCES = tests/unit/test_locking.c
tests_unit_test_locking_CFLAGS = $(UNIT_CORE_CFLAGS)
tests_unit_test_locking_LDADD = $(UNIT_CORE_LDADD) -lpthread

tests_unit_test_inspect_SOURCES = tests/unit/test_inspect.c $(UNIT_CORE_FIXTURES)
tests_unit_test_inspect_CFLAGS = $(UNIT_CORE_CFLAGS)
tests_unit_test_inspect_LDADD = $(UNIT_CORE_LDADD)
