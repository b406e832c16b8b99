# tests/fuzz/fuzz_core.mk: the memory core's fuzz target (fuzz_core.c and
# its reference model core_model.c; see tests/fuzz/README.md), built the
# two ways fuzz.mk builds the others: replay_core (gcc, make check) and
# fuzz_core (clang + libFuzzer, make fuzz).

check_PROGRAMS += tests/fuzz/replay_core
tests_fuzz_replay_core_SOURCES = tests/fuzz/fuzz_core.c \
	tests/fuzz/core_model.c tests/fuzz/core_model.h tests/fuzz/replay_main.c
tests_fuzz_replay_core_CFLAGS = $(AM_CFLAGS)
tests_fuzz_replay_core_LDADD = memcore/libmemcore.la

EXTRA_DIST += tests/fuzz/core.dict tests/fuzz/gen_core_seeds.py

FUZZ_CORE_OBJS = $(patsubst %.c,$(FUZZ_OBJDIR)/%.o, \
	$(filter %.c,$(memcore_libmemcore_la_SOURCES)))

tests/fuzz/fuzz_core: $(srcdir)/tests/fuzz/fuzz_core.c \
		$(srcdir)/tests/fuzz/core_model.c $(srcdir)/tests/fuzz/core_model.h \
		$(FUZZ_CORE_OBJS)
	$(AM_V_CCLD)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer \
		$(srcdir)/tests/fuzz/fuzz_core.c $(srcdir)/tests/fuzz/core_model.c \
		$(FUZZ_CORE_OBJS) $(URCU_LIBS) -pthread -o $@
