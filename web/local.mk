# web/: the REST endpoint (see web/README.md).  A convenience library
# that memcored and the tests link:
#   LDADD    += web/libweb.la monitor/libmonitor.la memcore/libmemcore.la
#   CPPFLAGS += -I$(srcdir)/web/include -I$(srcdir)/monitor/include
# It depends on libmemcore's public API, the monitor's command table,
# libmicrohttpd and jansson only; server/http_front.c wires it.
# monitor/local.mk initialises noinst_LTLIBRARIES; this fragment appends.
noinst_LTLIBRARIES += web/libweb.la

# The event hub behind GET /api/v1/events, a library of its own.
include $(srcdir)/web/events.mk

web_libweb_la_SOURCES = \
	web/include/web/api.h \
	web/include/web/http_server.h \
	web/include/web/assets.h \
	web/include/web/events.h \
	web/internal.h \
	web/api.c \
	web/parse.c \
	web/security.c \
	web/reply.c \
	web/routes.c \
	web/memaccess.c \
	web/h_topology.c \
	web/h_memory.c \
	web/h_monitor.c \
	web/h_events.c \
	web/h_openapi.c \
	web/h_page.c \
	web/http_server.c
# Until branch wip-page is merged: the lead replaces this line with
# "include $(srcdir)/web/page.mk" and removes web/assets_placeholder.c.
web_libweb_la_SOURCES += web/assets_placeholder.c
nodist_web_libweb_la_SOURCES = web/openapi_json.c
web_libweb_la_CPPFLAGS = -I$(srcdir)/web/include -I$(srcdir)/monitor/include
web_libweb_la_CFLAGS = $(AM_CFLAGS) $(MHD_CFLAGS) $(JANSSON_CFLAGS)
web_libweb_la_LIBADD = web/libwebevents.la $(MHD_LIBS) $(JANSSON_LIBS)

# The OpenAPI document is compiled in from its JSON source.
web/openapi_json.c: $(srcdir)/web/openapi.json $(srcdir)/web/embed_text.sh
	@$(MKDIR_P) web
	$(AM_V_GEN)$(SHELL) $(srcdir)/web/embed_text.sh web_openapi_json \
		$(srcdir)/web/openapi.json >$@.tmp && mv $@.tmp $@
CLEANFILES += web/openapi_json.c

EXTRA_DIST += web/README.md web/openapi.json web/embed_text.sh
