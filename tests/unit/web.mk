# tests/unit/web.mk: Check programs for web/ (the REST endpoint): the
# parsers and checks on their own, every endpoint and error through the
# handler layer on the monitor tests' virt machine, the security rules,
# the OpenAPI document against the route table, and the libmicrohttpd
# transport with real sockets (streams, suspend/resume, shutdown,
# readers racing topology changes).

WEB_UNIT_TESTS = \
	tests/unit/test_web_parse \
	tests/unit/test_web_api \
	tests/unit/test_web_security \
	tests/unit/test_web_openapi \
	tests/unit/test_web_server \
	tests/unit/test_web_oom

check_PROGRAMS += $(WEB_UNIT_TESTS)
TESTS += $(WEB_UNIT_TESTS)

WEB_TEST_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(JANSSON_CFLAGS) \
	$(MHD_CFLAGS) -I$(srcdir)/web/include -I$(srcdir)/monitor/include \
	-DTEST_DATA_DIR=\"$(abs_top_srcdir)/tests/data\"
WEB_TEST_LDADD = web/libweb.la monitor/libmonitor.la memcore/libmemcore.la \
	$(CHECK_LIBS) $(JANSSON_LIBS) $(MHD_LIBS)
WEB_TEST_FIXTURE = tests/unit/test_web_fixture.c \
	tests/unit/test_web_fixture.h \
	tests/unit/test_monitor_fixture.c tests/unit/test_monitor_fixture.h

tests_unit_test_web_parse_SOURCES = tests/unit/test_web_parse.c
tests_unit_test_web_parse_CFLAGS = $(WEB_TEST_CFLAGS)
tests_unit_test_web_parse_LDADD = $(WEB_TEST_LDADD)

tests_unit_test_web_api_SOURCES = tests/unit/test_web_api.c \
	$(WEB_TEST_FIXTURE)
tests_unit_test_web_api_CFLAGS = $(WEB_TEST_CFLAGS)
tests_unit_test_web_api_LDADD = $(WEB_TEST_LDADD)

tests_unit_test_web_security_SOURCES = tests/unit/test_web_security.c \
	$(WEB_TEST_FIXTURE)
tests_unit_test_web_security_CFLAGS = $(WEB_TEST_CFLAGS)
tests_unit_test_web_security_LDADD = $(WEB_TEST_LDADD)

tests_unit_test_web_openapi_SOURCES = tests/unit/test_web_openapi.c
tests_unit_test_web_openapi_CFLAGS = $(WEB_TEST_CFLAGS)
tests_unit_test_web_openapi_LDADD = $(WEB_TEST_LDADD)

tests_unit_test_web_server_SOURCES = tests/unit/test_web_server.c \
	$(WEB_TEST_FIXTURE)
tests_unit_test_web_server_CFLAGS = $(WEB_TEST_CFLAGS)
tests_unit_test_web_server_LDADD = $(WEB_TEST_LDADD)

# --wrap: the test makes the handler layer's allocations fail one by one
tests_unit_test_web_oom_SOURCES = tests/unit/test_web_oom.c \
	$(WEB_TEST_FIXTURE)
tests_unit_test_web_oom_CFLAGS = $(WEB_TEST_CFLAGS)
tests_unit_test_web_oom_LDFLAGS = \
	-Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc
tests_unit_test_web_oom_LDADD = $(WEB_TEST_LDADD)
