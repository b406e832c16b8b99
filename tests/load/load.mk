# tests/load/load.mk: the mixed load test (tests/load/README.md).
# memcored_load is memcored (server/main.c, unchanged) plus a thread that
# toggles the load board's window in transactions (load_toggler.c, hooked
# in through the linker's --wrap).  `make check` runs test_load.sh for
# LOAD_SECONDS (default 12 there); `make check-load` runs it for 60 s.

check_PROGRAMS += tests/load/memcored_load
tests_load_memcored_load_SOURCES = server/main.c tests/load/load_toggler.c
tests_load_memcored_load_CPPFLAGS = $(server_memcored_CPPFLAGS) \
	-I$(srcdir)/server
tests_load_memcored_load_CFLAGS = $(server_memcored_CFLAGS)
tests_load_memcored_load_LDFLAGS = \
	-Wl,--wrap=machine_create -Wl,--wrap=machine_destroy
tests_load_memcored_load_LDADD = $(server_memcored_LDADD)

LOAD_TESTS = tests/load/test_load.sh
TESTS += $(LOAD_TESTS)

EXTRA_DIST += $(LOAD_TESTS) tests/load/README.md tests/load/load.mk \
	tests/load/load.json tests/load/layouts.py tests/load/rest_check.lua \
	tests/load/gdb_reader.py tests/load/monitor_reader.py

# The full run: 60 s unless LOAD_SECONDS says otherwise.
check-load: tests/load/memcored_load tests/guests/checksum.elf \
		tests/integration/monclient
	LOAD_SECONDS=$${LOAD_SECONDS:-60} top_srcdir='$(abs_top_srcdir)' \
		top_builddir='$(abs_top_builddir)' \
		$(SHELL) $(srcdir)/tests/load/test_load.sh

.PHONY: check-load
