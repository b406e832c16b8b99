# tests/integration/rest.mk: the REST endpoint driven by curl against a
# real memcored on port 0 (tests/integration/rest_lib.sh): every endpoint
# and error status (test_rest.sh), memory reads and writes against the
# monitor's own view of the same bytes (test_rest_memory.sh), who may
# talk to it: Host, Origin, JSON-only posts, the token, --read-only,
# listening addresses (test_rest_security.sh), and the event stream
# (test_rest_events.sh).

REST_INTEGRATION_TESTS = \
	tests/integration/test_rest.sh \
	tests/integration/test_rest_memory.sh \
	tests/integration/test_rest_security.sh \
	tests/integration/test_rest_events.sh
TESTS += $(REST_INTEGRATION_TESTS)
EXTRA_DIST += $(REST_INTEGRATION_TESTS) tests/integration/rest_lib.sh
