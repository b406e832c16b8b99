# tests/integration/faults.mk: fault injection (issue 11) — hostile HTTP
# and gdb clients (http_faults.py, gdb_faults.py) and the LeakSanitizer
# run over every front-end.  The monitor's own faults are elsewhere.

FAULT_TESTS = \
	tests/integration/test_faults_http.sh \
	tests/integration/test_faults_gdb.sh \
	tests/integration/test_faults_leak.sh
TESTS += $(FAULT_TESTS)
EXTRA_DIST += $(FAULT_TESTS) tests/integration/faults.mk \
	tests/integration/http_faults.py tests/integration/gdb_faults.py
