# tests/unit/robust.mk: Check programs for the promises of the lock-free
# access path (any thread, no set-up, while another thread changes the
# topology) and for sizes and addresses at 2^64.  Each program is one test
# file plus tests/unit/robust.h; they use only the public headers, except
# test_stress_readers, which inspects the FlatView it watches.

UNIT_ROBUST_TESTS = \
	tests/unit/test_stress_destroy \
	tests/unit/test_stress_finalize \
	tests/unit/test_stress_mmio_events \
	tests/unit/test_stress_coalesced_order \
	tests/unit/test_stress_readers \
	tests/unit/test_wrap \
	tests/unit/test_moved_root \
	tests/unit/test_guest_ram_shared

check_PROGRAMS += $(UNIT_ROBUST_TESTS)
TESTS += $(UNIT_ROBUST_TESTS)

UNIT_ROBUST_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
UNIT_ROBUST_LDADD = memcore/libmemcore.la $(CHECK_LIBS) -lpthread

# Readers under a writer that destroys the regions they read.
tests_unit_test_stress_destroy_SOURCES = tests/unit/test_stress_destroy.c \
	tests/unit/robust.h
tests_unit_test_stress_destroy_CFLAGS = $(UNIT_ROBUST_CFLAGS)
tests_unit_test_stress_destroy_LDADD = $(UNIT_ROBUST_LDADD)

# Finalizers on liburcu's call_rcu thread; a thread registered with
# liburcu by the embedder (uses liburcu directly).
tests_unit_test_stress_finalize_SOURCES = tests/unit/test_stress_finalize.c \
	tests/unit/robust.h
tests_unit_test_stress_finalize_CFLAGS = $(UNIT_ROBUST_CFLAGS) $(URCU_CFLAGS)
tests_unit_test_stress_finalize_LDADD = $(UNIT_ROBUST_LDADD) $(URCU_LIBS)

# MMIO without the global lock while eventfds and coalescing change.
tests_unit_test_stress_mmio_events_SOURCES = \
	tests/unit/test_stress_mmio_events.c tests/unit/robust.h
tests_unit_test_stress_mmio_events_CFLAGS = $(UNIT_ROBUST_CFLAGS)
tests_unit_test_stress_mmio_events_LDADD = $(UNIT_ROBUST_LDADD)

# Coalesced MMIO order with several threads queueing and flushing.
tests_unit_test_stress_coalesced_order_SOURCES = \
	tests/unit/test_stress_coalesced_order.c tests/unit/robust.h
tests_unit_test_stress_coalesced_order_CFLAGS = $(UNIT_ROBUST_CFLAGS)
tests_unit_test_stress_coalesced_order_LDADD = $(UNIT_ROBUST_LDADD)

# Readers on two ranges change no byte of the view they read.
tests_unit_test_stress_readers_SOURCES = tests/unit/test_stress_readers.c \
	tests/unit/robust.h
tests_unit_test_stress_readers_CFLAGS = $(UNIT_ROBUST_CFLAGS) \
	-I$(srcdir)/memcore $(URCU_CFLAGS)
tests_unit_test_stress_readers_LDADD = $(UNIT_ROBUST_LDADD) $(URCU_LIBS)

# Sizes and addresses at 2^64: constructors, resize, clipping, access,
# map/translate and find never wrap to address 0.
tests_unit_test_wrap_SOURCES = tests/unit/test_wrap.c
tests_unit_test_wrap_CFLAGS = $(UNIT_ROBUST_CFLAGS)
tests_unit_test_wrap_LDADD = $(UNIT_ROBUST_LDADD)

# Moving the region a view is rendered from re-renders it in that call.
tests_unit_test_moved_root_SOURCES = tests/unit/test_moved_root.c
tests_unit_test_moved_root_CFLAGS = $(UNIT_ROBUST_CFLAGS)
tests_unit_test_moved_root_LDADD = $(UNIT_ROBUST_LDADD)

# Debuggers reading and writing RAM a vCPU thread stores to.
tests_unit_test_guest_ram_shared_SOURCES = \
	tests/unit/test_guest_ram_shared.c tests/unit/robust.h
tests_unit_test_guest_ram_shared_CFLAGS = $(UNIT_ROBUST_CFLAGS)
tests_unit_test_guest_ram_shared_LDADD = $(UNIT_ROBUST_LDADD)
