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

# make fuzz: fuzz.mk's rule links every helper into every target, so the
# model is one more helper (its names all start with cm_).
FUZZ_TARGETS += core
FUZZ_HELPER_SRCS += tests/fuzz/core_model.c
