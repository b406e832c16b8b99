# memcore/: libmemcore — the memory API.  Depends on liburcu and libc only.
lib_LTLIBRARIES += memcore/libmemcore.la

memcore_libmemcore_la_SOURCES = \
	memcore/internal.h memcore/guest_ram.h \
	memcore/lock.c \
	memcore/rcu.c \
	memcore/misuse.c \
	memcore/settings.c \
	memcore/alloc.c \
	memcore/object.c \
	memcore/region.c \
	memcore/child_index.c \
	memcore/ramblock.c \
	memcore/dirty.c \
	memcore/flatview.c \
	memcore/dispatch.c \
	memcore/render.c \
	memcore/transaction.c \
	memcore/listener.c \
	memcore/address_space.c \
	memcore/access.c \
	memcore/rw.c \
	memcore/ldst.c \
	memcore/find.c \
	memcore/coalesced.c \
	memcore/ioeventfd.c \
	memcore/iommu.c \
	memcore/map.c \
	memcore/watch.c \
	memcore/mtree_internal.h \
	memcore/mtree_dispatch.c \
	memcore/inspect.c \
	memcore/mtree.c
memcore_libmemcore_la_CFLAGS = $(AM_CFLAGS) -D_LGPL_SOURCE -ftls-model=initial-exec $(URCU_CFLAGS)
memcore_libmemcore_la_LIBADD = $(URCU_LIBS) -lpthread
# -version-info CURRENT:REVISION:AGE (libtool's rules, not the package
# version): bump REVISION for a release that changes no interface; on an
# interface change reset REVISION, bump CURRENT, and bump AGE when nothing
# was removed or changed incompatibly (else reset it to 0).  0:0:0 gives
# libmemcore.so.0.
# The version script exports exactly the public API (see its comment).
memcore_libmemcore_la_LDFLAGS = -version-info 0:0:0 \
	-Wl,--version-script=$(srcdir)/memcore/libmemcore.map
EXTRA_memcore_libmemcore_la_DEPENDENCIES = memcore/libmemcore.map

memcoreincludedir = $(includedir)/memcore
memcoreinclude_HEADERS = \
	memcore/include/memcore/types.h \
	memcore/include/memcore/memory.h \
	memcore/include/memcore/memcore.h

dist_man_MANS += man/memcore.3
EXTRA_DIST += memcore/README.md memcore/libmemcore.map

# memcore.pc (from memcore.pc.in by configure): pkg-config --cflags --libs
# memcore for embedders.
pkgconfigdir = $(libdir)/pkgconfig
pkgconfig_DATA = memcore/memcore.pc
