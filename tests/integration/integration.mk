# tests/integration/integration.mk: shell tests that start a real
# memcored (port 0, address read from its output) and talk to it with
# tests/integration/monclient.  Each prints "N passed, N failed".

check_PROGRAMS += tests/integration/monclient tests/integration/blockcmp \
	tests/integration/burst
tests_integration_monclient_SOURCES = tests/integration/monclient.c
tests_integration_burst_SOURCES = tests/integration/burst.c
tests_integration_blockcmp_SOURCES = tests/integration/blockcmp.c

INTEGRATION_TESTS = \
	tests/integration/test_cli.sh \
	tests/integration/test_monitor_sockets.sh \
	tests/integration/test_exposure.sh \
	tests/integration/test_connection_burst.sh \
	tests/integration/test_qemu_board.sh \
	tests/integration/test_exec_commands.sh \
	tests/integration/test_moved_root.sh \
	tests/integration/test_resize_wrap.sh \
	tests/integration/test_monitor_limits.sh \
	tests/integration/test_full_disk.sh \
	tests/integration/test_board_files.sh
TESTS += $(INTEGRATION_TESTS)
TEST_EXTENSIONS = .sh
SH_LOG_COMPILER = $(SHELL)

EXTRA_DIST += $(INTEGRATION_TESTS) tests/integration/lib.sh \
	tests/integration/limits_driver.py tests/boards/zero-16e.json \
	tests/boards/tiny.json tests/boards/tiny-bios.bin tests/boards/tiny.mtree \
	tests/boards/bad-alias-cycle.json tests/boards/bad-alias-cycle.expected \
	tests/boards/bad-duplicate-id.json tests/boards/bad-duplicate-id.expected \
	tests/boards/bad-many.json tests/boards/bad-many.expected \
	tests/boards/bad-size.json tests/boards/bad-size.expected \
	tests/boards/bad-syntax.json tests/boards/bad-syntax.expected \
	tests/boards/bad-ram-wraps-fill.json \
	tests/boards/bad-ram-wraps-fill.expected \
	tests/boards/bad-ram-wraps-image.json \
	tests/boards/bad-ram-wraps-image.expected \
	tests/boards/bad-max-size-wraps.json \
	tests/boards/bad-max-size-wraps.expected \
	tests/boards/bad-ram-2-64.json tests/boards/bad-ram-2-64.expected \
	tests/boards/bad-image-too-big.json \
	tests/boards/bad-image-too-big.expected \
	tests/boards/huge-ram.json tests/boards/edge-fill.json \
	tests/boards/counter.json \
	tests/boards/bad-alias-65.json tests/boards/bad-alias-65.expected \
	tests/boards/bad-alias-dag.json tests/boards/bad-alias-dag.expected
