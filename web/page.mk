# web/page.mk: the web page memcored serves at / (see web/README.md, "The
# page").  web/page/* is turned into C arrays at build time by
# web/gen_assets.sh; web/assets.c is generated in the build directory and
# never shipped, so a read-only source tree (make distcheck) builds it too.
#
# The page is a convenience library of its own that the HTTP front links:
#   LIBADD/LDADD += web/libwebpage.la
#   CPPFLAGS     += -I$(srcdir)/web/include      (for <web/assets.h>)

# Every file of the page, in the order the table lists them.  A file added
# to web/page/ must be added here (test_page_assets checks that the page's
# references all resolve).
WEB_PAGE_FILES = \
	web/page/index.html \
	web/page/page.css \
	web/page/app.js \
	web/page/aliases.js \
	web/page/api.js \
	web/page/events.js \
	web/page/hexview.js \
	web/page/mapbar.js \
	web/page/num.js \
	web/page/tree.js \
	web/page/favicon.svg

noinst_LTLIBRARIES += web/libwebpage.la
web_libwebpage_la_SOURCES = \
	web/include/web/assets.h \
	web/assets_table.h \
	web/asset_find.c
nodist_web_libwebpage_la_SOURCES = web/assets.c
web_libwebpage_la_CPPFLAGS = -I$(srcdir)/web/include -I$(srcdir)/web
web_libwebpage_la_CFLAGS = $(AM_CFLAGS)

web/assets.c: $(WEB_PAGE_FILES:%=$(srcdir)/%) $(srcdir)/web/gen_assets.sh \
		$(srcdir)/web/page.mk
	$(AM_V_GEN)$(MKDIR_P) web && \
	$(SHELL) $(srcdir)/web/gen_assets.sh $(srcdir) $(WEB_PAGE_FILES) >$@.tmp && \
	mv -f $@.tmp $@

CLEANFILES += web/assets.c web/assets.c.tmp
EXTRA_DIST += $(WEB_PAGE_FILES) web/gen_assets.sh

# The compiled-in files against their sources, and the page's rules (no
# inline script or style, every reference resolves).
check_PROGRAMS += tests/unit/test_page_assets
TESTS += tests/unit/test_page_assets
tests_unit_test_page_assets_SOURCES = tests/unit/test_page_assets.c
tests_unit_test_page_assets_CPPFLAGS = -I$(srcdir)/web/include
tests_unit_test_page_assets_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_page_assets_LDADD = web/libwebpage.la $(CHECK_LIBS)

# The page in headless Chromium, against a running memcored.
TESTS += tests/integration/test_web_page.sh
EXTRA_DIST += tests/integration/test_web_page.sh \
	tests/integration/web_page_driver.py
CLEANFILES += tests/integration/test_web_page.png \
	tests/integration/test_web_page-dark.png \
	tests/integration/test_web_page-token.png
