# tests/unit/gdb.mk: Check programs for gdbstub/ — the RSP codec, and the
# packet handlers against a fake target on a real memcore address space.

GDB_UNIT_TESTS = \
	tests/unit/test_gdb_rsp \
	tests/unit/test_gdb_stub

check_PROGRAMS += $(GDB_UNIT_TESTS)
TESTS += $(GDB_UNIT_TESTS)

GDB_TEST_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) \
	-I$(srcdir)/gdbstub/include -I$(srcdir)/monitor/include
GDB_TEST_LDADD = gdbstub/libgdbstub.la monitor/libmonitor.la \
	memcore/libmemcore.la $(CHECK_LIBS)

tests_unit_test_gdb_rsp_SOURCES = tests/unit/test_gdb_rsp.c
tests_unit_test_gdb_rsp_CFLAGS = $(GDB_TEST_CFLAGS)
tests_unit_test_gdb_rsp_LDADD = $(GDB_TEST_LDADD)

tests_unit_test_gdb_stub_SOURCES = tests/unit/test_gdb_stub.c \
	tests/unit/fixtures.c tests/unit/fixtures.h
tests_unit_test_gdb_stub_CFLAGS = $(GDB_TEST_CFLAGS)
tests_unit_test_gdb_stub_LDADD = $(GDB_TEST_LDADD)
