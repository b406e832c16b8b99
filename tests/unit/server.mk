# tests/unit/server.mk: Check programs for memcored's board loader and
# device models.  They call the loader directly (server/libmemcored.la).

UNIT_BOARD_TESTS = \
	tests/unit/test_board_errors \
	tests/unit/test_board_sizes \
	tests/unit/test_board_load \
	tests/unit/test_board_devices \
	tests/unit/test_board_kernel \
	tests/unit/test_board_iommu \
	tests/unit/test_board_limits \
	tests/unit/test_board_index

check_PROGRAMS += $(UNIT_BOARD_TESTS)
TESTS += $(UNIT_BOARD_TESTS)

UNIT_BOARD_CPPFLAGS = -I$(srcdir)/monitor/include
UNIT_BOARD_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(JANSSON_CFLAGS)
UNIT_BOARD_LDADD = server/libmemcored.la monitor/libmonitor.la \
	memcore/libmemcore.la $(CHECK_LIBS) $(JANSSON_LIBS)
UNIT_BOARD_FIXTURE = tests/unit/test_board_fixture.h

tests_unit_test_board_errors_SOURCES = tests/unit/test_board_errors.c
tests_unit_test_board_errors_CPPFLAGS = $(UNIT_BOARD_CPPFLAGS)
tests_unit_test_board_errors_CFLAGS = $(UNIT_BOARD_CFLAGS)
tests_unit_test_board_errors_LDADD = $(UNIT_BOARD_LDADD)

tests_unit_test_board_sizes_SOURCES = tests/unit/test_board_sizes.c \
	$(UNIT_BOARD_FIXTURE)
tests_unit_test_board_sizes_CPPFLAGS = $(UNIT_BOARD_CPPFLAGS)
tests_unit_test_board_sizes_CFLAGS = $(UNIT_BOARD_CFLAGS)
tests_unit_test_board_sizes_LDADD = $(UNIT_BOARD_LDADD)

tests_unit_test_board_load_SOURCES = tests/unit/test_board_load.c \
	$(UNIT_BOARD_FIXTURE)
tests_unit_test_board_load_CPPFLAGS = $(UNIT_BOARD_CPPFLAGS)
tests_unit_test_board_load_CFLAGS = $(UNIT_BOARD_CFLAGS)
tests_unit_test_board_load_LDADD = $(UNIT_BOARD_LDADD)

tests_unit_test_board_devices_SOURCES = tests/unit/test_board_devices.c \
	$(UNIT_BOARD_FIXTURE)
tests_unit_test_board_devices_CPPFLAGS = $(UNIT_BOARD_CPPFLAGS)
tests_unit_test_board_devices_CFLAGS = $(UNIT_BOARD_CFLAGS)
tests_unit_test_board_devices_LDADD = $(UNIT_BOARD_LDADD)

tests_unit_test_board_kernel_SOURCES = tests/unit/test_board_kernel.c \
	$(UNIT_BOARD_FIXTURE)
tests_unit_test_board_kernel_CPPFLAGS = $(UNIT_BOARD_CPPFLAGS)
tests_unit_test_board_kernel_CFLAGS = $(UNIT_BOARD_CFLAGS)
tests_unit_test_board_kernel_LDADD = $(UNIT_BOARD_LDADD)

tests_unit_test_board_iommu_SOURCES = tests/unit/test_board_iommu.c \
	$(UNIT_BOARD_FIXTURE)
tests_unit_test_board_iommu_CPPFLAGS = $(UNIT_BOARD_CPPFLAGS)
tests_unit_test_board_iommu_CFLAGS = $(UNIT_BOARD_CFLAGS)
tests_unit_test_board_iommu_LDADD = $(UNIT_BOARD_LDADD)

tests_unit_test_board_limits_SOURCES = tests/unit/test_board_limits.c \
	$(UNIT_BOARD_FIXTURE)
tests_unit_test_board_limits_CPPFLAGS = $(UNIT_BOARD_CPPFLAGS)
tests_unit_test_board_limits_CFLAGS = $(UNIT_BOARD_CFLAGS)
tests_unit_test_board_limits_LDADD = $(UNIT_BOARD_LDADD)

# The index is compiled in, so that its malloc and realloc can be made
# to fail.
tests_unit_test_board_index_SOURCES = tests/unit/test_board_index.c \
	server/board_index.c server/board_index.h
tests_unit_test_board_index_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_board_index_LDFLAGS = -Wl,--wrap=malloc -Wl,--wrap=realloc
tests_unit_test_board_index_LDADD = $(CHECK_LIBS)
