# web/events.mk: the event hub behind GET /api/v1/events (web/events.c,
# web/include/web/events.h) and its unit test.  A convenience library of
# its own, so that it builds before and apart from the HTTP layer:
# web/local.mk includes this fragment and links it into the web front
# (web_libweb_la_LIBADD += web/libwebevents.la); memcored and the tests
# that publish link it directly.  It depends on libc and pthreads only.
# monitor/local.mk initialises noinst_LTLIBRARIES; this fragment appends.
noinst_LTLIBRARIES += web/libwebevents.la

web_libwebevents_la_SOURCES = web/events.c web/include/web/events.h
web_libwebevents_la_CPPFLAGS = -I$(srcdir)/web/include
web_libwebevents_la_CFLAGS = $(AM_CFLAGS)

check_PROGRAMS += tests/unit/test_web_events
TESTS += tests/unit/test_web_events

tests_unit_test_web_events_SOURCES = tests/unit/test_web_events.c \
	tests/unit/robust.h
tests_unit_test_web_events_CPPFLAGS = -I$(srcdir)/web/include
tests_unit_test_web_events_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
# --wrap=malloc: the test makes the hub's event allocation fail
tests_unit_test_web_events_LDFLAGS = -Wl,--wrap=malloc
tests_unit_test_web_events_LDADD = web/libwebevents.la $(CHECK_LIBS) -lpthread

# memcored's publishers (server/web_event_source.c) on a real machine
check_PROGRAMS += tests/unit/test_web_event_source
TESTS += tests/unit/test_web_event_source

tests_unit_test_web_event_source_SOURCES = \
	tests/unit/test_web_event_source.c tests/unit/test_board_fixture.h
tests_unit_test_web_event_source_CPPFLAGS = -I$(srcdir)/web/include \
	-I$(srcdir)/monitor/include -I$(srcdir)/gdbstub/include
tests_unit_test_web_event_source_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) \
	$(JANSSON_CFLAGS)
tests_unit_test_web_event_source_LDADD = server/libmemcored.la \
	web/libwebevents.la gdbstub/libgdbstub.la monitor/libmonitor.la \
	memcore/libmemcore.la $(CHECK_LIBS) $(JANSSON_LIBS) -lpthread

# Until web/local.mk (which lists it) is merged; drop this line then.
EXTRA_DIST += web/README.md
