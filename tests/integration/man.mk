# tests/integration/man.mk: the manual pages render cleanly, and the
# options of memcored's table, --help and memcored(1) agree.

check_PROGRAMS += tests/integration/optlist
tests_integration_optlist_SOURCES = tests/integration/optlist.c
tests_integration_optlist_CFLAGS = $(AM_CFLAGS) -I$(srcdir)/server
tests_integration_optlist_LDADD = server/libmemcored.la gdbstub/libgdbstub.la \
	monitor/libmonitor.la memcore/libmemcore.la $(JANSSON_LIBS)

TESTS += tests/integration/test_man.sh
EXTRA_DIST += tests/integration/test_man.sh
