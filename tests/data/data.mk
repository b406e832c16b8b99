# tests/data/data.mk: reference data read by the tests (see
# tests/data/README.md).  Every file is listed so that `make dist` carries
# it and an unpacked tarball passes `make check` with nothing beside it.

EXTRA_DIST += tests/data/README.md

# QEMU 7.2 captures of `qemu-system-riscv64 -M virt` and that machine as a
# memcored board.
EXTRA_DIST += \
	tests/data/qemu-riscv64-virt/board.json \
	tests/data/qemu-riscv64-virt/cmdline.txt \
	tests/data/qemu-riscv64-virt/err-gpa2hva-mmio.txt \
	tests/data/qemu-riscv64-virt/err-gpa2hva-unmapped.txt \
	tests/data/qemu-riscv64-virt/err-info-mtree-extra-arg.txt \
	tests/data/qemu-riscv64-virt/err-info-mtree-z.txt \
	tests/data/qemu-riscv64-virt/err-memsave-badpath.txt \
	tests/data/qemu-riscv64-virt/err-pmemsave-badpath.txt \
	tests/data/qemu-riscv64-virt/err-pmemsave-noargs.txt \
	tests/data/qemu-riscv64-virt/err-pmemsave-quoted-abs-path.txt \
	tests/data/qemu-riscv64-virt/err-pmemsave-unquoted-abs-path.txt \
	tests/data/qemu-riscv64-virt/err-unknown-cmd.txt \
	tests/data/qemu-riscv64-virt/err-unknown-info.txt \
	tests/data/qemu-riscv64-virt/err-x-4xw-ffffffffffff0000.txt \
	tests/data/qemu-riscv64-virt/err-xp-4xw-ffffffffffff0000.txt \
	tests/data/qemu-riscv64-virt/err-xp-badexpr.txt \
	tests/data/qemu-riscv64-virt/err-xp-badfmt-q.txt \
	tests/data/qemu-riscv64-virt/err-xp-badfmt-z.txt \
	tests/data/qemu-riscv64-virt/err-xp-badnum.txt \
	tests/data/qemu-riscv64-virt/err-xp-noaddr.txt \
	tests/data/qemu-riscv64-virt/err-xp-noslash.txt \
	tests/data/qemu-riscv64-virt/gpa2hva-0.txt \
	tests/data/qemu-riscv64-virt/help-gpa2hva.txt \
	tests/data/qemu-riscv64-virt/help-gva2gpa.txt \
	tests/data/qemu-riscv64-virt/help-info-mtree-line.txt \
	tests/data/qemu-riscv64-virt/help-info-mtree.txt \
	tests/data/qemu-riscv64-virt/help-info.txt \
	tests/data/qemu-riscv64-virt/help-memsave.txt \
	tests/data/qemu-riscv64-virt/help-pmemsave.txt \
	tests/data/qemu-riscv64-virt/help-x.txt \
	tests/data/qemu-riscv64-virt/help-xp.txt \
	tests/data/qemu-riscv64-virt/info-mtree-D.txt \
	tests/data/qemu-riscv64-virt/info-mtree-d.txt \
	tests/data/qemu-riscv64-virt/info-mtree-f-D.txt \
	tests/data/qemu-riscv64-virt/info-mtree-f-d.txt \
	tests/data/qemu-riscv64-virt/info-mtree-f-o.txt \
	tests/data/qemu-riscv64-virt/info-mtree-f.txt \
	tests/data/qemu-riscv64-virt/info-mtree-o-D.txt \
	tests/data/qemu-riscv64-virt/info-mtree-o.txt \
	tests/data/qemu-riscv64-virt/info-mtree.txt \
	tests/data/qemu-riscv64-virt/info-ramblock.txt \
	tests/data/qemu-riscv64-virt/memsave-ok.txt \
	tests/data/qemu-riscv64-virt/pmemsave-ok.txt \
	tests/data/qemu-riscv64-virt/session.txt \
	tests/data/qemu-riscv64-virt/x-16xb-0.txt \
	tests/data/qemu-riscv64-virt/x-4i-1000.txt \
	tests/data/qemu-riscv64-virt/x-4i-pc.txt \
	tests/data/qemu-riscv64-virt/x-8xw-fffffff0.txt \
	tests/data/qemu-riscv64-virt/xp-16cb-0.txt \
	tests/data/qemu-riscv64-virt/xp-16xb-0.txt \
	tests/data/qemu-riscv64-virt/xp-20xw-0.txt \
	tests/data/qemu-riscv64-virt/xp-2xg-0.txt \
	tests/data/qemu-riscv64-virt/xp-3xw-0x1002.txt \
	tests/data/qemu-riscv64-virt/xp-4dw-0.txt \
	tests/data/qemu-riscv64-virt/xp-4ow-0.txt \
	tests/data/qemu-riscv64-virt/xp-4uw-0.txt \
	tests/data/qemu-riscv64-virt/xp-4xh-0.txt \
	tests/data/qemu-riscv64-virt/xp-4xw-80000000.txt \
	tests/data/qemu-riscv64-virt/xp-4xw-e0000000.txt \
	tests/data/qemu-riscv64-virt/xp-4xw-pc.txt \
	tests/data/qemu-riscv64-virt/xp-8xw-1000.txt \
	tests/data/qemu-riscv64-virt/xp-8xw-fffffff0.txt \
	tests/data/qemu-riscv64-virt/xp-9xg-0.txt \
	tests/data/qemu-riscv64-virt/xp-after-16xb-0.txt \
	tests/data/qemu-riscv64-virt/xp-default-0.txt
