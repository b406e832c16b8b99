# gdbstub/: the GDB Remote Serial Protocol stub (see gdbstub/README.md).
# A convenience library that memcored and the tests link:
#   LDADD    += gdbstub/libgdbstub.la monitor/libmonitor.la memcore/libmemcore.la
#   CPPFLAGS += -I$(srcdir)/gdbstub/include -I$(srcdir)/monitor/include
# It depends on libmemcore's public API and the monitor's command table
# (for `monitor CMD`) only; the machine it debugs comes in through
# gdbstub/include/gdbstub/target.h.
# monitor/local.mk initialises noinst_LTLIBRARIES; this fragment appends.
noinst_LTLIBRARIES += gdbstub/libgdbstub.la

gdbstub_libgdbstub_la_SOURCES = \
	gdbstub/include/gdbstub/rsp.h \
	gdbstub/include/gdbstub/stub.h \
	gdbstub/include/gdbstub/target.h \
	gdbstub/internal.h \
	gdbstub/rsp.c \
	gdbstub/stub.c \
	gdbstub/memmap.c \
	gdbstub/arch_riscv64.c
gdbstub_libgdbstub_la_CPPFLAGS = -I$(srcdir)/gdbstub/include \
	-I$(srcdir)/monitor/include
gdbstub_libgdbstub_la_CFLAGS = $(AM_CFLAGS)

EXTRA_DIST += gdbstub/README.md
