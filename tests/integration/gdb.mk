# tests/integration/gdb.mk: memcored's gdb stub driven by a real
# gdb-multiarch (test_gdb_session.sh) and by raw protocol bytes
# (test_gdb_raw.sh, through tests/integration/rspclient).  Both start
# memcored on port 0 and read the addresses it prints.  test_gdb_watch.sh:
# watch and rwatch fired by the monitor's accesses.  test_gdb_guest.sh:
# gdb-multiarch debugging tests/guests/debugme.c as one would under QEMU,
# on the virt board and on the two-hart tests/boards/virt-2harts.json.
# test_dump_dir.sh: where gdb's `monitor pmemsave` may write (--dump-dir)
# and the local prompts' QEMU behaviour.  test_read_only.sh: --read-only
# seen from gdb and the monitor.

check_PROGRAMS += tests/integration/rspclient
tests_integration_rspclient_SOURCES = tests/integration/rspclient.c

GDB_INTEGRATION_TESTS = \
	tests/integration/test_gdb_session.sh \
	tests/integration/test_gdb_watch.sh \
	tests/integration/test_gdb_debug_reads.sh \
	tests/integration/test_gdb_raw.sh \
	tests/integration/test_guest.sh \
	tests/integration/test_gdb_guest.sh \
	tests/integration/test_dump_dir.sh \
	tests/integration/test_read_only.sh
TESTS += $(GDB_INTEGRATION_TESTS)
EXTRA_DIST += $(GDB_INTEGRATION_TESTS) tests/boards/virt-2harts.json
