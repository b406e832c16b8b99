# tests/guests/guests.mk: bare-metal RV64IM guests for the integration
# tests, built by `make check` (check_DATA) with riscv64-unknown-elf-gcc
# (configure checks for it), linked at 0x80000000 for the virt board.

GUEST_CFLAGS = -march=rv64im_zicsr -mabi=lp64 -mcmodel=medany -nostdlib \
	-ffreestanding -O1 -g -Wall -Wextra -Werror \
	-Wl,--no-warn-rwx-segments -T $(srcdir)/tests/guests/guest.ld
GUEST_SOURCES = tests/guests/start.S tests/guests/hello.c \
	tests/guests/guest.ld

tests/guests/hello.elf: $(GUEST_SOURCES)
	@$(MKDIR_P) tests/guests
	$(AM_V_CC)$(RISCV_CC) $(GUEST_CFLAGS) -o $@ \
		$(srcdir)/tests/guests/start.S $(srcdir)/tests/guests/hello.c

check_DATA = tests/guests/hello.elf
CLEANFILES += tests/guests/hello.elf
EXTRA_DIST += $(GUEST_SOURCES) tests/guests/guests.mk

# debugme.elf: the program test_gdb_guest.sh debugs with gdb-multiarch,
# built -O0 so that every local and argument lives where gdb looks, and
# started by start_smp.S (hart 1 waits for main() to wake it).
DEBUGME_FILES = tests/guests/start_smp.S tests/guests/debugme.c

tests/guests/debugme.elf: $(DEBUGME_FILES) tests/guests/guest.ld
	@$(MKDIR_P) tests/guests
	$(AM_V_CC)$(RISCV_CC) $(GUEST_CFLAGS) -O0 -o $@ \
		$(srcdir)/tests/guests/start_smp.S $(srcdir)/tests/guests/debugme.c

check_DATA += tests/guests/debugme.elf
CLEANFILES += tests/guests/debugme.elf
EXTRA_DIST += $(DEBUGME_FILES)

# checksum.elf: the guest of the load test (tests/load/): checks a RAM
# buffer it filled, round after round, and counts what it found at a
# fixed address.
CHECKSUM_FILES = tests/guests/start.S tests/guests/checksum.c

tests/guests/checksum.elf: $(CHECKSUM_FILES) tests/guests/guest.ld
	@$(MKDIR_P) tests/guests
	$(AM_V_CC)$(RISCV_CC) $(GUEST_CFLAGS) -O2 -o $@ \
		$(srcdir)/tests/guests/start.S $(srcdir)/tests/guests/checksum.c

check_DATA += tests/guests/checksum.elf
CLEANFILES += tests/guests/checksum.elf
EXTRA_DIST += tests/guests/checksum.c
