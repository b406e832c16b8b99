# tests/fuzz/fuzz.mk: fuzz targets for the board loader, the monitor, the
# gdb stub and the REST handlers (see tests/fuzz/README.md).
#
# FUZZ_TARGETS names them: target NAME is tests/fuzz/fuzz_NAME.c, its seeds
# are tests/fuzz/corpus/NAME/, its reproducers tests/fuzz/regressions/NAME/,
# its dictionary tests/fuzz/NAME.dict.  A fragment included after this one
# adds a target with one line, `FUZZ_TARGETS += NAME` (plus its replay_NAME
# program below, and its helpers in FUZZ_HELPER_SRCS if it has any).
#
# Two ways to build a target:
#  * replay_NAME: the target plus a plain main() (replay_main.c), built like
#    every other test (gcc, the libtool libraries, ASan/UBSan under
#    --enable-sanitizers).  test_replay.sh runs them over the seed corpora
#    and the crash reproducers in `make check`.
#  * `make fuzz`: fuzz_NAME built by clang with
#    -fsanitize=fuzzer,address,undefined from the library sources directly
#    (objects in tests/fuzz/obj/, never the gcc-built libtool objects),
#    then each is run for FUZZ_SECONDS on a copy of its corpus
#    (run_fuzz.sh; FUZZ_JOBS of them at once).

FUZZ_TARGETS = board monitor rsp web
# The longest input libFuzzer makes for a target (1024 when not named):
# `FUZZ_MAXLEN += NAME=BYTES` next to `FUZZ_TARGETS += NAME`.
FUZZ_MAXLEN = board=8192 rsp=4096 web=8192

# ---- replay programs (make check) ----------------------------------------

FUZZ_REPLAY_PROGS = tests/fuzz/replay_board tests/fuzz/replay_monitor \
	tests/fuzz/replay_rsp tests/fuzz/replay_web
check_PROGRAMS += $(FUZZ_REPLAY_PROGS)
TESTS += tests/fuzz/test_replay.sh
# test_replay.sh replays every target of FUZZ_TARGETS (expanded when the
# tests run, so a later `FUZZ_TARGETS += NAME` counts).
AM_TESTS_ENVIRONMENT += FUZZ_TARGETS='$(FUZZ_TARGETS)'; export FUZZ_TARGETS;

FUZZ_REPLAY_CPPFLAGS = -I$(srcdir)/monitor/include
FUZZ_REPLAY_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
FUZZ_REPLAY_LDADD = server/libmemcored.la monitor/libmonitor.la \
	memcore/libmemcore.la $(JANSSON_LIBS) $(READLINE_LIBS)
FUZZ_COMMON_SRCS = tests/fuzz/replay_main.c \
	tests/fuzz/scratch_dir.c tests/fuzz/scratch_dir.h \
	tests/fuzz/view_check.c tests/fuzz/view_check.h

tests_fuzz_replay_board_SOURCES = tests/fuzz/fuzz_board.c \
	$(FUZZ_COMMON_SRCS)
tests_fuzz_replay_board_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS)
tests_fuzz_replay_board_CFLAGS = $(FUZZ_REPLAY_CFLAGS)
tests_fuzz_replay_board_LDADD = $(FUZZ_REPLAY_LDADD)

tests_fuzz_replay_monitor_SOURCES = tests/fuzz/fuzz_monitor.c \
	tests/fuzz/fuzz_machine.c tests/fuzz/fuzz_machine.h $(FUZZ_COMMON_SRCS)
tests_fuzz_replay_monitor_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS)
tests_fuzz_replay_monitor_CFLAGS = $(FUZZ_REPLAY_CFLAGS)
tests_fuzz_replay_monitor_LDADD = $(FUZZ_REPLAY_LDADD)

tests_fuzz_replay_rsp_SOURCES = tests/fuzz/fuzz_rsp.c tests/fuzz/replay_main.c
tests_fuzz_replay_rsp_CPPFLAGS = -I$(srcdir)/gdbstub/include \
	-I$(srcdir)/monitor/include
tests_fuzz_replay_rsp_CFLAGS = $(AM_CFLAGS)
tests_fuzz_replay_rsp_LDADD = gdbstub/libgdbstub.la monitor/libmonitor.la \
	memcore/libmemcore.la $(READLINE_LIBS)

tests_fuzz_replay_web_SOURCES = tests/fuzz/fuzz_web.c \
	tests/fuzz/web_machine.c tests/fuzz/web_machine.h \
	tests/fuzz/fuzz_machine.c tests/fuzz/fuzz_machine.h \
	tests/fuzz/view_check.c tests/fuzz/view_check.h tests/fuzz/replay_main.c
tests_fuzz_replay_web_CPPFLAGS = -I$(srcdir)/web/include \
	-I$(srcdir)/monitor/include
tests_fuzz_replay_web_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
tests_fuzz_replay_web_LDADD = web/libweb.la server/libmemcored.la \
	monitor/libmonitor.la memcore/libmemcore.la $(JANSSON_LIBS) \
	$(MHD_LIBS) $(READLINE_LIBS)

EXTRA_DIST += tests/fuzz/README.md tests/fuzz/test_replay.sh \
	tests/fuzz/run_fuzz.sh tests/fuzz/board.dict tests/fuzz/monitor.dict \
	tests/fuzz/rsp.dict tests/fuzz/web.dict \
	tests/fuzz/corpus tests/fuzz/regressions

# ---- make fuzz (clang + libFuzzer) ----------------------------------------

FUZZ_SECONDS = 60
# How many targets run at once (each one process; CI has 2 cores).
FUZZ_JOBS = 1
FUZZ_CC = clang
FUZZ_SANITIZE = -fsanitize=address,undefined -fno-sanitize-recover=undefined
# No -Werror: clang warns about things gcc does not, and a fuzzing run
# should not stop at a warning (fix it in `make` with gcc instead).
FUZZ_CFLAGS = -std=gnu11 -g -O1 -fno-omit-frame-pointer -Wall -Wextra \
	-pthread -D_GNU_SOURCE -D_LGPL_SOURCE \
	-I$(srcdir)/memcore/include -I$(srcdir)/monitor/include \
	-I$(srcdir)/gdbstub/include -I$(srcdir)/web/include -I$(srcdir)/web \
	$(URCU_CFLAGS) $(JANSSON_CFLAGS) $(FUZZ_SANITIZE)
FUZZ_LIBS = $(URCU_LIBS) $(JANSSON_LIBS) $(READLINE_LIBS) -lm -pthread

FUZZ_OBJDIR = tests/fuzz/obj
# The sockets are left out: server/http_front.c and web/http_server.c
# (libmicrohttpd), server/web_event_source.c (wires the two); the
# targets call the handler layer directly.
FUZZ_LIB_SRCS = $(filter-out server/http_front.c server/web_event_source.c \
	web/http_server.c, \
	$(filter %.c,$(memcore_libmemcore_la_SOURCES) \
	$(monitor_libmonitor_la_SOURCES) $(gdbstub_libgdbstub_la_SOURCES) \
	$(server_libmemcored_la_SOURCES) $(web_libweb_la_SOURCES) \
	$(web_libwebevents_la_SOURCES) $(web_libwebpage_la_SOURCES)))
# Generated in the build directory (web/local.mk, web/page.mk).
FUZZ_GEN_SRCS = web/openapi_json.c web/assets.c
# Every target links all of them; a target's own helpers go here.
FUZZ_HELPER_SRCS = tests/fuzz/scratch_dir.c tests/fuzz/view_check.c \
	tests/fuzz/fuzz_machine.c tests/fuzz/web_machine.c
FUZZ_LIB_OBJS = $(patsubst %.c,$(FUZZ_OBJDIR)/%.o,$(FUZZ_LIB_SRCS) \
	$(FUZZ_GEN_SRCS) $(FUZZ_HELPER_SRCS))
FUZZ_BINS = $(FUZZ_TARGETS:%=tests/fuzz/fuzz_%)

# Library code gets coverage instrumentation but no libFuzzer main().
$(FUZZ_OBJDIR)/%.o: $(srcdir)/%.c
	@mkdir -p $(@D)
	$(AM_V_CC)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP \
		-c $< -o $@

$(FUZZ_GEN_SRCS:%.c=$(FUZZ_OBJDIR)/%.o): $(FUZZ_OBJDIR)/%.o: %.c
	@mkdir -p $(@D)
	$(AM_V_CC)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP \
		-c $< -o $@

-include $(FUZZ_LIB_OBJS:.o=.d)

$(FUZZ_BINS): tests/fuzz/fuzz_%: $(srcdir)/tests/fuzz/fuzz_%.c \
		$(FUZZ_LIB_OBJS)
	$(AM_V_CCLD)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer \
		$(srcdir)/tests/fuzz/fuzz_$*.c $(FUZZ_LIB_OBJS) $(FUZZ_LIBS) -o $@

fuzz:
	@$(SHELL) $(srcdir)/tests/fuzz/run_fuzz.sh probe '$(FUZZ_CC)'
	@$(MAKE) $(AM_MAKEFLAGS) $(FUZZ_BINS)
	@FUZZ_SECONDS='$(FUZZ_SECONDS)' FUZZ_JOBS='$(FUZZ_JOBS)' \
		FUZZ_MAXLEN='$(FUZZ_MAXLEN)' \
		$(SHELL) $(srcdir)/tests/fuzz/run_fuzz.sh \
		run $(srcdir)/tests/fuzz tests/fuzz $(FUZZ_TARGETS)

clean-fuzz:
	rm -rf $(FUZZ_OBJDIR) tests/fuzz/runs
	rm -f $(FUZZ_BINS)

clean-local: clean-fuzz

.PHONY: fuzz clean-fuzz
