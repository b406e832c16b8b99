# server/: memcored — options, board loader, built-in boards, device
# models, front-end threads.  Everything but main.c is a convenience
# library so that the unit tests can drive the board loader directly:
#   LDADD += server/libmemcored.la monitor/libmonitor.la memcore/libmemcore.la
# monitor/local.mk initialises noinst_LTLIBRARIES; this fragment appends.
noinst_LTLIBRARIES += server/libmemcored.la

server_libmemcored_la_SOURCES = \
	server/diag.c server/diag.h \
	server/numparse.c server/numparse.h \
	server/board.h server/board_internal.h server/board_check.h \
	server/board_check.c \
	server/board_parse.c \
	server/board_refs.c \
	server/board_index.c server/board_index.h \
	server/board_graph.c \
	server/board_iommu.c \
	server/board_file.c \
	server/file_read.c server/file_read.h \
	server/board_build.c \
	server/board_builtin.c \
	server/devices/device.c server/devices/device.h \
	server/devices/unassigned.c \
	server/devices/zero.c \
	server/devices/ones.c \
	server/devices/scratch.c \
	server/devices/counter.c \
	server/devices/ns16550a.c server/devices/ns16550a.h \
	server/devices/sifive_test.c \
	server/devices/clint.c server/devices/clint.h \
	server/devices/iommu_static.c server/devices/iommu_static.h \
	server/machine.c server/machine.h \
	server/uart_log.c server/uart_log.h \
	server/shutdown.c server/shutdown.h \
	server/kernel.c server/kernel.h \
	server/listen.c server/listen.h \
	server/monitor_front.c server/monitor_front.h \
	server/gdb_front.c server/gdb_front.h \
	server/http_front.c server/http_front.h \
	server/gdb_watch.c server/gdb_watch.h \
	server/gdb_mem_target.c server/gdb_mem_target.h \
	server/gdb_cpu_target.c server/gdb_cpu_target.h \
	server/web_event_source.c server/web_event_source.h \
	server/options.c server/options.h \
	server/dump_dir.c server/dump_dir.h \
	server/riscv/rv64.c server/riscv/rv64.h \
	server/riscv/cpu.c server/riscv/cpu.h \
	server/riscv/tlb.c server/riscv/tlb.h
server_libmemcored_la_CPPFLAGS = -I$(srcdir)/monitor/include \
	-I$(srcdir)/gdbstub/include -I$(srcdir)/web/include
server_libmemcored_la_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
server_libmemcored_la_LIBADD = $(JANSSON_LIBS)

bin_PROGRAMS += server/memcored
server_memcored_SOURCES = server/main.c
server_memcored_CPPFLAGS = -I$(srcdir)/monitor/include \
	-I$(srcdir)/gdbstub/include -I$(srcdir)/web/include
server_memcored_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
server_memcored_LDADD = server/libmemcored.la gdbstub/libgdbstub.la \
	web/libweb.la web/libwebevents.la monitor/libmonitor.la \
	memcore/libmemcore.la $(JANSSON_LIBS) $(MHD_LIBS) $(READLINE_LIBS)

dist_man_MANS += man/memcored.1 man/memcored-board.5
EXTRA_DIST += server/README.md
