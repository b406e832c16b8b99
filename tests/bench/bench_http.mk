# tests/bench/bench_http.mk: memcored's HTTP front under wrk beside a bare
# libmicrohttpd + jansson server, http_peer (see tests/bench/README.md).
# bench_http starts server/memcored and tests/bench/http_peer, so both are
# built first.  http_peer is a server, not a benchmark: it is an
# EXTRA_PROGRAMS of its own, so `make bench` does not run it by itself,
# and bench-build builds it through bench_http's dependencies.

BENCH_PROGS += tests/bench/bench_http
EXTRA_PROGRAMS += tests/bench/http_peer
CLEANFILES += tests/bench/http_peer$(EXEEXT)

tests_bench_bench_http_SOURCES = tests/bench/bench_http.c \
	tests/bench/bench_child.c tests/bench/bench_child.h \
	tests/bench/http_get.c tests/bench/http_get.h \
	tests/bench/wrk_run.c tests/bench/wrk_run.h
tests_bench_bench_http_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
# web/'s default pool size, which the peer is given
tests_bench_bench_http_CPPFLAGS = $(AM_CPPFLAGS) -I$(srcdir)/web/include \
	-I$(srcdir)/monitor/include
tests_bench_bench_http_LDADD = $(JANSSON_LIBS)
EXTRA_tests_bench_bench_http_DEPENDENCIES = server/memcored$(EXEEXT) \
	tests/bench/http_peer$(EXEEXT)

tests_bench_http_peer_SOURCES = tests/bench/http_peer.c
tests_bench_http_peer_CFLAGS = $(AM_CFLAGS) $(MHD_CFLAGS) $(JANSSON_CFLAGS)
tests_bench_http_peer_LDADD = $(MHD_LIBS) $(JANSSON_LIBS)
