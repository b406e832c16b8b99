# tests/unit/monitor.mk: Check programs for monitor/ — the parser and
# expressions, every command against a small machine built in the test,
# the QEMU 7.2 captures of tests/data/qemu-riscv64-virt/, and the
# socket, terminal (pseudo-terminal) and completion front-ends, and where
# memsave/pmemsave may write (test_monitor_outfile: the dump directory),
# and the caps, cancellation and escaping (test_monitor_limits).
#
# The captures are read at run time from tests/data of the source tree
# ($top_srcdir/tests/data, else TEST_DATA_DIR below); they ship with the
# tree (tests/data/data.mk), so a missing one is a failure.

MONITOR_UNIT_TESTS = \
	tests/unit/test_monitor_capture \
	tests/unit/test_monitor_parse \
	tests/unit/test_monitor_cmds \
	tests/unit/test_monitor_front \
	tests/unit/test_monitor_dirty \
	tests/unit/test_monitor_outfile \
	tests/unit/test_monitor_limits

check_PROGRAMS += $(MONITOR_UNIT_TESTS)
TESTS += $(MONITOR_UNIT_TESTS)

MONITOR_TEST_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) \
	-I$(srcdir)/monitor/include \
	-DTEST_DATA_DIR=\"$(abs_top_srcdir)/tests/data\"
MONITOR_TEST_LDADD = monitor/libmonitor.la memcore/libmemcore.la $(CHECK_LIBS)
MONITOR_TEST_FIXTURE = tests/unit/test_monitor_fixture.c \
	tests/unit/test_monitor_fixture.h

tests_unit_test_monitor_capture_SOURCES = \
	tests/unit/test_monitor_capture.c $(MONITOR_TEST_FIXTURE)
tests_unit_test_monitor_capture_CFLAGS = $(MONITOR_TEST_CFLAGS)
tests_unit_test_monitor_capture_LDADD = $(MONITOR_TEST_LDADD)

tests_unit_test_monitor_parse_SOURCES = \
	tests/unit/test_monitor_parse.c $(MONITOR_TEST_FIXTURE)
tests_unit_test_monitor_parse_CFLAGS = $(MONITOR_TEST_CFLAGS)
tests_unit_test_monitor_parse_LDADD = $(MONITOR_TEST_LDADD)

tests_unit_test_monitor_cmds_SOURCES = \
	tests/unit/test_monitor_cmds.c $(MONITOR_TEST_FIXTURE)
tests_unit_test_monitor_cmds_CFLAGS = $(MONITOR_TEST_CFLAGS)
tests_unit_test_monitor_cmds_LDADD = $(MONITOR_TEST_LDADD)

tests_unit_test_monitor_front_SOURCES = \
	tests/unit/test_monitor_front.c $(MONITOR_TEST_FIXTURE)
tests_unit_test_monitor_front_CFLAGS = $(MONITOR_TEST_CFLAGS)
tests_unit_test_monitor_front_LDADD = $(MONITOR_TEST_LDADD) -lutil

tests_unit_test_monitor_dirty_SOURCES = \
	tests/unit/test_monitor_dirty.c $(MONITOR_TEST_FIXTURE)
tests_unit_test_monitor_dirty_CFLAGS = $(MONITOR_TEST_CFLAGS)
tests_unit_test_monitor_dirty_LDADD = $(MONITOR_TEST_LDADD)

tests_unit_test_monitor_outfile_SOURCES = \
	tests/unit/test_monitor_outfile.c $(MONITOR_TEST_FIXTURE)
tests_unit_test_monitor_outfile_CFLAGS = $(MONITOR_TEST_CFLAGS)
tests_unit_test_monitor_outfile_LDADD = $(MONITOR_TEST_LDADD)

tests_unit_test_monitor_limits_SOURCES = \
	tests/unit/test_monitor_limits.c $(MONITOR_TEST_FIXTURE)
tests_unit_test_monitor_limits_CFLAGS = $(MONITOR_TEST_CFLAGS)
tests_unit_test_monitor_limits_LDADD = $(MONITOR_TEST_LDADD)
