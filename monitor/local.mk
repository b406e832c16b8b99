# monitor/: the HMP-style monitor — one command table and parser for every
# front-end, plus the terminal prompt (GNU readline) and the socket session
# loop.  Built as a convenience library that memcored and the tests link:
#   LDADD    += monitor/libmonitor.la memcore/libmemcore.la
#   CPPFLAGS += -I$(srcdir)/monitor/include
# It depends on libmemcore's public headers, libc, libm and readline only.
#
# This fragment is included first among those that build convenience
# libraries, so it initialises noinst_LTLIBRARIES; later fragments append.
noinst_LTLIBRARIES = monitor/libmonitor.la

monitor_libmonitor_la_SOURCES = \
	monitor/include/monitor/machine.h \
	monitor/include/monitor/monitor.h \
	monitor/internal.h \
	monitor/table.c \
	monitor/session.c \
	monitor/escape.c \
	monitor/parser.c \
	monitor/expr.c \
	monitor/format.c \
	monitor/cmd_help.c \
	monitor/cmd_info.c \
	monitor/cmd_dump.c \
	monitor/cmd_save.c \
	monitor/outfile.c \
	monitor/cmd_mem.c \
	monitor/cmd_region.c \
	monitor/cmd_dirty.c \
	monitor/cmd_cpu.c \
	monitor/complete.c \
	monitor/socket_session.c \
	monitor/readline_front.c
monitor_libmonitor_la_CPPFLAGS = -I$(srcdir)/monitor/include
monitor_libmonitor_la_CFLAGS = $(AM_CFLAGS)
monitor_libmonitor_la_LIBADD = $(READLINE_LIBS) -lm

EXTRA_DIST += monitor/README.md
