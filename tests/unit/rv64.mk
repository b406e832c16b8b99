# tests/unit/rv64.mk: the RV64 interpreter (server/riscv/rv64.c) and the
# hart run-control API (server/riscv/cpu.h), its run-state observers
# included.

UNIT_RV64_TESTS = \
	tests/unit/test_rv64_isa \
	tests/unit/test_rv64_trap \
	tests/unit/test_rv64_cpu \
	tests/unit/test_rv64_run_state \
	tests/unit/test_rv64_tlb

check_PROGRAMS += $(UNIT_RV64_TESTS)
TESTS += $(UNIT_RV64_TESTS)

UNIT_RV64_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
UNIT_RV64_LDADD = server/libmemcored.la monitor/libmonitor.la \
	memcore/libmemcore.la $(CHECK_LIBS) $(JANSSON_LIBS) -lpthread

tests_unit_test_rv64_isa_SOURCES = tests/unit/test_rv64_isa.c \
	tests/unit/test_rv64_fixture.h
tests_unit_test_rv64_isa_CFLAGS = $(UNIT_RV64_CFLAGS)
tests_unit_test_rv64_isa_LDADD = $(UNIT_RV64_LDADD)

tests_unit_test_rv64_trap_SOURCES = tests/unit/test_rv64_trap.c \
	tests/unit/test_rv64_fixture.h
tests_unit_test_rv64_trap_CFLAGS = $(UNIT_RV64_CFLAGS)
tests_unit_test_rv64_trap_LDADD = $(UNIT_RV64_LDADD)

tests_unit_test_rv64_cpu_SOURCES = tests/unit/test_rv64_cpu.c \
	tests/unit/test_rv64_fixture.h
tests_unit_test_rv64_cpu_CFLAGS = $(UNIT_RV64_CFLAGS)
tests_unit_test_rv64_cpu_LDADD = $(UNIT_RV64_LDADD)

tests_unit_test_rv64_tlb_SOURCES = tests/unit/test_rv64_tlb.c \
	tests/unit/test_rv64_fixture.h
tests_unit_test_rv64_tlb_CFLAGS = $(UNIT_RV64_CFLAGS)
tests_unit_test_rv64_tlb_LDADD = $(UNIT_RV64_LDADD)

tests_unit_test_rv64_run_state_SOURCES = tests/unit/test_rv64_run_state.c \
	tests/unit/test_rv64_fixture.h tests/unit/robust.h
tests_unit_test_rv64_run_state_CFLAGS = $(UNIT_RV64_CFLAGS)
tests_unit_test_rv64_run_state_LDADD = $(UNIT_RV64_LDADD)
