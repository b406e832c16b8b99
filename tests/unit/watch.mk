# tests/unit/watch.mk: memcore's watchpoints (memcore.h, Watchpoints),
# through the public headers only.

check_PROGRAMS += tests/unit/test_watch
TESTS += tests/unit/test_watch

tests_unit_test_watch_SOURCES = tests/unit/test_watch.c
tests_unit_test_watch_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_watch_LDADD = memcore/libmemcore.la $(CHECK_LIBS) -lpthread
