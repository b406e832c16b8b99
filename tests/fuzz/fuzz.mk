# tests/fuzz/fuzz.mk: fuzz targets for the board loader, the monitor and
# the gdb stub (see tests/fuzz/README.md).
#
# Two ways to build a target:
#  * replay_board / replay_monitor: the target plus a plain main()
#    (replay_main.c), built like every other test (gcc, the libtool
#    libraries, ASan/UBSan under --enable-sanitizers).  test_replay.sh runs
#    them over the seed corpora and the crash reproducers in `make check`.
#  * `make fuzz`: fuzz_board / fuzz_monitor built by clang with
#    -fsanitize=fuzzer,address,undefined from the library sources directly
#    (objects in tests/fuzz/obj/, never the gcc-built libtool objects),
#    then each is run for FUZZ_SECONDS on a copy of its corpus.

# ---- replay programs (make check) ----------------------------------------

FUZZ_REPLAY_PROGS = tests/fuzz/replay_board tests/fuzz/replay_monitor \
	tests/fuzz/replay_rsp
check_PROGRAMS += $(FUZZ_REPLAY_PROGS)
TESTS += tests/fuzz/test_replay.sh

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
	$(FUZZ_COMMON_SRCS)
tests_fuzz_replay_monitor_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS)
tests_fuzz_replay_monitor_CFLAGS = $(FUZZ_REPLAY_CFLAGS)
tests_fuzz_replay_monitor_LDADD = $(FUZZ_REPLAY_LDADD)

tests_fuzz_replay_rsp_SOURCES = tests/fuzz/fuzz_rsp.c tests/fuzz/replay_main.c
tests_fuzz_replay_rsp_CPPFLAGS = -I$(srcdir)/gdbstub/include \
	-I$(srcdir)/monitor/include
tests_fuzz_replay_rsp_CFLAGS = $(AM_CFLAGS)
tests_fuzz_replay_rsp_LDADD = gdbstub/libgdbstub.la monitor/libmonitor.la \
	memcore/libmemcore.la $(READLINE_LIBS)

EXTRA_DIST += tests/fuzz/README.md tests/fuzz/test_replay.sh \
	tests/fuzz/run_fuzz.sh tests/fuzz/board.dict tests/fuzz/monitor.dict \
	tests/fuzz/rsp.dict \
	tests/fuzz/corpus tests/fuzz/regressions

# ---- make fuzz (clang + libFuzzer) ----------------------------------------

FUZZ_SECONDS = 60
FUZZ_CC = clang
FUZZ_SANITIZE = -fsanitize=address,undefined -fno-sanitize-recover=undefined
# No -Werror: clang warns about things gcc does not, and a fuzzing run
# should not stop at a warning (fix it in `make` with gcc instead).
FUZZ_CFLAGS = -std=gnu11 -g -O1 -fno-omit-frame-pointer -Wall -Wextra \
	-pthread -D_GNU_SOURCE -D_LGPL_SOURCE \
	-I$(srcdir)/memcore/include -I$(srcdir)/monitor/include \
	-I$(srcdir)/gdbstub/include $(URCU_CFLAGS) $(JANSSON_CFLAGS) $(FUZZ_SANITIZE)
FUZZ_LIBS = $(URCU_LIBS) $(JANSSON_LIBS) $(READLINE_LIBS) -lm -pthread

FUZZ_OBJDIR = tests/fuzz/obj
# server/http_front.c and server/web_event_source.c wire web/, which no
# target here drives.
FUZZ_LIB_SRCS = $(filter-out server/http_front.c server/web_event_source.c, \
	$(filter %.c,$(memcore_libmemcore_la_SOURCES) \
	$(monitor_libmonitor_la_SOURCES) $(gdbstub_libgdbstub_la_SOURCES) \
	$(server_libmemcored_la_SOURCES)))
FUZZ_LIB_OBJS = $(patsubst %.c,$(FUZZ_OBJDIR)/%.o,$(FUZZ_LIB_SRCS) \
	tests/fuzz/scratch_dir.c tests/fuzz/view_check.c)

# Library code gets coverage instrumentation but no libFuzzer main().
$(FUZZ_OBJDIR)/%.o: $(srcdir)/%.c
	@mkdir -p $(@D)
	$(AM_V_CC)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP \
		-c $< -o $@

-include $(FUZZ_LIB_OBJS:.o=.d)

tests/fuzz/fuzz_board: $(srcdir)/tests/fuzz/fuzz_board.c $(FUZZ_LIB_OBJS)
	$(AM_V_CCLD)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer \
		$(srcdir)/tests/fuzz/fuzz_board.c $(FUZZ_LIB_OBJS) $(FUZZ_LIBS) -o $@

tests/fuzz/fuzz_monitor: $(srcdir)/tests/fuzz/fuzz_monitor.c $(FUZZ_LIB_OBJS)
	$(AM_V_CCLD)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer \
		$(srcdir)/tests/fuzz/fuzz_monitor.c $(FUZZ_LIB_OBJS) $(FUZZ_LIBS) -o $@

tests/fuzz/fuzz_rsp: $(srcdir)/tests/fuzz/fuzz_rsp.c $(FUZZ_LIB_OBJS)
	$(AM_V_CCLD)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer \
		$(srcdir)/tests/fuzz/fuzz_rsp.c $(FUZZ_LIB_OBJS) $(FUZZ_LIBS) -o $@

fuzz:
	@$(SHELL) $(srcdir)/tests/fuzz/run_fuzz.sh probe '$(FUZZ_CC)'
	@$(MAKE) $(AM_MAKEFLAGS) tests/fuzz/fuzz_board tests/fuzz/fuzz_monitor \
		tests/fuzz/fuzz_rsp tests/fuzz/fuzz_core
	@FUZZ_SECONDS='$(FUZZ_SECONDS)' $(SHELL) $(srcdir)/tests/fuzz/run_fuzz.sh \
		run $(srcdir)/tests/fuzz tests/fuzz

clean-fuzz:
	rm -rf $(FUZZ_OBJDIR) tests/fuzz/runs
	rm -f tests/fuzz/fuzz_board tests/fuzz/fuzz_monitor tests/fuzz/fuzz_rsp \
		tests/fuzz/fuzz_core

clean-local: clean-fuzz

.PHONY: fuzz clean-fuzz
