/*
 * server/board_builtin.c — the built-in boards, as board descriptions.
 *
 * Built-in boards are data, parsed by the same loader as --board FILE,
 * so `memcored --print-board NAME` prints exactly what memcored builds and
 * a user can start from a copy.  Keep them valid JSON in the format of
 * memcored-board(5); tests/integration checks the round trip.
 *
 * virt — a RISC-V "virt"-like machine (the default): a boot ROM at 0x1000
 *   holding QEMU's reset vector, byte for byte (auipc t0,0; addi a2,t0,40;
 *   csrr a0,mhartid; ld a1,32(t0); ld t0,24(t0); jr t0), then the 64-bit
 *   start address at 0x1018 (0x80000000; "kernel-entry" makes --kernel
 *   store its entry point there) and the FDT address at 0x1020 (0: there
 *   is no device tree); sifive-test at 0x100000, a CLINT at 0x2000000,
 *   an ns16550a UART at 0x10000000 and 128 MiB of RAM at 0x80000000
 *   holding an idle loop (wfi; j .-4) until --kernel replaces it.  A second address space,
 *   "dma", is what a bus-master device would see: its root is the IOMMU
 *   virt.iommu (4 GiB of IOVA space), which maps IOVA 0-16M read-write
 *   onto RAM at 0x84000000 and IOVA 16M-16M+64K read-only onto the start
 *   of RAM (where --kernel puts the image); every other IOVA faults.
 *
 * pc — a PC-like map that shows the memory API at work: 4 GiB of pc.ram
 *   split around the PCI hole by the aliases ram-below-4g and
 *   ram-above-4g, a "pci" container under everything at priority -1, VGA
 *   memory, option ROM and BIOS inside it (with the isa-bios alias of the
 *   BIOS's last 128 KiB below 1 MiB), SMRAM and PAM aliases (the RAM side
 *   of each PAM pair disabled), and an I/O address space whose root
 *   answers unmapped ports with all ones.  It has no CPU.
 */
#include <stddef.h>
#include <string.h>

#include "board.h"

static const char virt_json[] =
    "{\n"
    "  \"name\": \"virt\",\n"
    "  \"address-spaces\": [\n"
    "    {\"name\": \"memory\", \"root\": \"system\"},\n"
    "    {\"name\": \"dma\", \"root\": \"virt.iommu\"}\n"
    "  ],\n"
    "  \"regions\": [\n"
    "    {\"name\": \"system\", \"type\": \"container\", \"size\": \"16E\", \"subregions\": [\n"
    "      {\"addr\": \"0x1000\", \"name\": \"riscv_virt_board.mrom\", \"type\": \"rom\",\n"
    "       \"size\": \"0xf000\", \"owner\": \"/machine/virt\",\n"
    "       \"image\": {\"hex\": \"97 02 00 00  13 86 82 02  73 25 40 f1  83 b5 02 02  83 b2 82 01  67 80 02 00  00 00 00 80 00 00 00 00  00 00 00 00 00 00 00 00\"}},\n"
    "      {\"addr\": \"0x100000\", \"name\": \"riscv.sifive.test\", \"type\": \"io\",\n"
    "       \"size\": \"0x1000\", \"owner\": \"/machine/test\",\n"
    "       \"device\": {\"model\": \"sifive-test\"}},\n"
    "      {\"addr\": \"0x2000000\", \"name\": \"riscv.sifive.clint\", \"type\": \"io\",\n"
    "       \"size\": \"0x10000\", \"owner\": \"/machine/clint\",\n"
    "       \"device\": {\"model\": \"clint\", \"harts\": 1}},\n"
    "      {\"addr\": \"0x10000000\", \"name\": \"serial\", \"type\": \"io\",\n"
    "       \"size\": \"0x100\", \"owner\": \"/machine/serial\",\n"
    "       \"device\": {\"model\": \"ns16550a\"}},\n"
    "      {\"addr\": \"0x80000000\", \"name\": \"riscv_virt_board.ram\", \"type\": \"ram\",\n"
    "       \"size\": \"128M\", \"owner\": \"/machine/virt\",\n"
    "       \"image\": {\"hex\": \"73 00 50 10  6f f0 df ff\"}}\n"
    "    ]},\n"
    "    {\"name\": \"virt.iommu\", \"type\": \"iommu\", \"size\": \"4G\",\n"
    "     \"owner\": \"/machine/iommu\", \"target-as\": \"memory\", \"page-size\": \"4K\",\n"
    "     \"mappings\": [\n"
    "      {\"iova\": \"0x0\", \"translated\": \"0x84000000\", \"size\": \"16M\", \"perm\": \"rw\"},\n"
    "      {\"iova\": \"0x1000000\", \"translated\": \"0x80000000\", \"size\": \"64K\", \"perm\": \"ro\"}\n"
    "    ]}\n"
    "  ],\n"
    "  \"kernel-entry\": \"0x1018\",\n"
    "  \"cpus\": [\n"
    "    {\"model\": \"rv64\", \"address-space\": \"memory\", \"reset-pc\": \"0x1000\"}\n"
    "  ]\n"
    "}\n";

static const char pc_json[] =
    "{\n"
    "  \"name\": \"pc\",\n"
    "  \"address-spaces\": [\n"
    "    {\"name\": \"memory\", \"root\": \"system\"},\n"
    "    {\"name\": \"I/O\", \"root\": \"io\"}\n"
    "  ],\n"
    "  \"regions\": [\n"
    "    {\"name\": \"system\", \"type\": \"container\", \"size\": \"16E\", \"subregions\": [\n"
    "      {\"addr\": \"0\", \"name\": \"ram-below-4g\", \"type\": \"alias\",\n"
    "       \"target\": \"pc.ram\", \"offset\": \"0\", \"size\": \"3G\"},\n"
    "      {\"addr\": \"0x100000000\", \"name\": \"ram-above-4g\", \"type\": \"alias\",\n"
    "       \"target\": \"pc.ram\", \"offset\": \"3G\", \"size\": \"1G\"},\n"
    "      {\"addr\": \"0\", \"priority\": -1, \"name\": \"pci\", \"type\": \"container\",\n"
    "       \"size\": \"16E\", \"owner\": \"/machine/i440fx\", \"subregions\": [\n"
    "        {\"addr\": \"0xa0000\", \"priority\": 1, \"name\": \"vga-lowmem\", \"type\": \"io\",\n"
    "         \"size\": \"128K\", \"owner\": \"/machine/vga\",\n"
    "         \"device\": {\"model\": \"scratch\"}},\n"
    "        {\"addr\": \"0xc0000\", \"priority\": 1, \"name\": \"pc.rom\", \"type\": \"rom\",\n"
    "         \"size\": \"128K\", \"fill\": 255, \"owner\": \"/machine/fw\"},\n"
    "        {\"addr\": \"0xe0000\", \"priority\": 1, \"name\": \"isa-bios\", \"type\": \"alias\",\n"
    "         \"target\": \"pc.bios\", \"offset\": \"0x20000\", \"size\": \"128K\",\n"
    "         \"readonly\": true, \"owner\": \"/machine/fw\"},\n"
    "        {\"addr\": \"0xfffc0000\", \"name\": \"pc.bios\", \"type\": \"rom\",\n"
    "         \"size\": \"256K\", \"fill\": 255, \"owner\": \"/machine/fw\",\n"
    "         \"image\": {\"hex\": \"ea 5b e0 00 f0\", \"offset\": \"0x3fff0\"}}\n"
    "      ]},\n"
    "      {\"addr\": \"0xa0000\", \"priority\": 1, \"name\": \"smram-region\",\n"
    "       \"type\": \"alias\", \"target\": \"pci\", \"offset\": \"0xa0000\", \"size\": \"128K\",\n"
    "       \"owner\": \"/machine/i440fx\"},\n"
    "      {\"addr\": \"0xc0000\", \"priority\": 1, \"name\": \"pam-ram\", \"type\": \"alias\",\n"
    "       \"target\": \"pc.ram\", \"offset\": \"0xc0000\", \"size\": \"16K\",\n"
    "       \"enabled\": false, \"owner\": \"/machine/i440fx\"},\n"
    "      {\"addr\": \"0xc0000\", \"priority\": 1, \"name\": \"pam-pci\", \"type\": \"alias\",\n"
    "       \"target\": \"pci\", \"offset\": \"0xc0000\", \"size\": \"16K\",\n"
    "       \"owner\": \"/machine/i440fx\"},\n"
    "      {\"addr\": \"0xc4000\", \"priority\": 1, \"name\": \"pam-ram\", \"type\": \"alias\",\n"
    "       \"target\": \"pc.ram\", \"offset\": \"0xc4000\", \"size\": \"16K\",\n"
    "       \"enabled\": false, \"owner\": \"/machine/i440fx\"},\n"
    "      {\"addr\": \"0xc4000\", \"priority\": 1, \"name\": \"pam-pci\", \"type\": \"alias\",\n"
    "       \"target\": \"pci\", \"offset\": \"0xc4000\", \"size\": \"16K\",\n"
    "       \"owner\": \"/machine/i440fx\"},\n"
    "      {\"addr\": \"0xf0000\", \"priority\": 1, \"name\": \"pam-ram\", \"type\": \"alias\",\n"
    "       \"target\": \"pc.ram\", \"offset\": \"0xf0000\", \"size\": \"64K\",\n"
    "       \"enabled\": false, \"owner\": \"/machine/i440fx\"},\n"
    "      {\"addr\": \"0xf0000\", \"priority\": 1, \"name\": \"pam-pci\", \"type\": \"alias\",\n"
    "       \"target\": \"pci\", \"offset\": \"0xf0000\", \"size\": \"64K\",\n"
    "       \"owner\": \"/machine/i440fx\"},\n"
    "      {\"addr\": \"0xfec00000\", \"name\": \"ioapic\", \"type\": \"io\", \"size\": \"4K\",\n"
    "       \"owner\": \"/machine/ioapic\", \"device\": {\"model\": \"scratch\",\n"
    "       \"valid-min\": 4, \"valid-max\": 4}},\n"
    "      {\"addr\": \"0xfed00000\", \"name\": \"hpet\", \"type\": \"io\", \"size\": \"1K\",\n"
    "       \"owner\": \"/machine/hpet\", \"device\": {\"model\": \"counter\"}}\n"
    "    ]},\n"
    "    {\"name\": \"io\", \"type\": \"io\", \"size\": \"64K\", \"device\": {\"model\": \"ones\"},\n"
    "     \"subregions\": [\n"
    "      {\"addr\": \"0x70\", \"name\": \"rtc\", \"type\": \"io\", \"size\": \"2\",\n"
    "       \"owner\": \"/machine/rtc\", \"device\": {\"model\": \"scratch\"}},\n"
    "      {\"addr\": \"0x3f8\", \"name\": \"serial\", \"type\": \"io\", \"size\": \"8\",\n"
    "       \"owner\": \"/machine/serial\", \"device\": {\"model\": \"ns16550a\"}}\n"
    "    ]},\n"
    "    {\"name\": \"pc.ram\", \"type\": \"ram\", \"size\": \"4G\", \"owner\": \"/machine/ram\"}\n"
    "  ]\n"
    "}\n";

static const char *const names[] = { "virt", "pc", NULL };

const char *board_builtin_json(const char *name)
{
    if (strcmp(name, "virt") == 0) {
        return virt_json;
    }
    if (strcmp(name, "pc") == 0) {
        return pc_json;
    }
    return NULL;
}

const char *const *board_builtin_names(void)
{
    return names;
}
