# tests/unit/access.mk: Check programs for the access path (rw, ld/st),
# listeners, transactions and the concurrent-reader stress test.  Each
# program is one test file plus the shared fixtures (tests/unit/fixtures.c).

UNIT_ACCESS_TESTS = \
	tests/unit/test_access \
	tests/unit/test_ldst \
	tests/unit/test_listener \
	tests/unit/test_transaction \
	tests/unit/test_stress

check_PROGRAMS += $(UNIT_ACCESS_TESTS)
TESTS += $(UNIT_ACCESS_TESTS)

UNIT_ACCESS_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
UNIT_ACCESS_LDADD = memcore/libmemcore.la $(CHECK_LIBS)
UNIT_ACCESS_FIXTURES = tests/unit/fixtures.c tests/unit/fixtures.h

tests_unit_test_access_SOURCES = tests/unit/test_access.c $(UNIT_ACCESS_FIXTURES)
tests_unit_test_access_CFLAGS = $(UNIT_ACCESS_CFLAGS)
tests_unit_test_access_LDADD = $(UNIT_ACCESS_LDADD)

tests_unit_test_ldst_SOURCES = tests/unit/test_ldst.c $(UNIT_ACCESS_FIXTURES)
tests_unit_test_ldst_CFLAGS = $(UNIT_ACCESS_CFLAGS)
tests_unit_test_ldst_LDADD = $(UNIT_ACCESS_LDADD)

tests_unit_test_listener_SOURCES = tests/unit/test_listener.c $(UNIT_ACCESS_FIXTURES)
tests_unit_test_listener_CFLAGS = $(UNIT_ACCESS_CFLAGS)
tests_unit_test_listener_LDADD = $(UNIT_ACCESS_LDADD)

tests_unit_test_transaction_SOURCES = tests/unit/test_transaction.c $(UNIT_ACCESS_FIXTURES)
tests_unit_test_transaction_CFLAGS = $(UNIT_ACCESS_CFLAGS)
tests_unit_test_transaction_LDADD = $(UNIT_ACCESS_LDADD)

# The stress test runs its own reader and writer threads.
tests_unit_test_stress_SOURCES = tests/unit/test_stress.c $(UNIT_ACCESS_FIXTURES)
tests_unit_test_stress_CFLAGS = $(UNIT_ACCESS_CFLAGS) $(PTHREAD_CFLAGS)
tests_unit_test_stress_LDADD = $(UNIT_ACCESS_LDADD) $(PTHREAD_LIBS)
