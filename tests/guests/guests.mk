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
