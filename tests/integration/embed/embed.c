/*
 * tests/integration/embed/embed.c — a small embedder of libmemcore, as a
 * user writes one: it includes only <memcore/memory.h> and uses only the
 * public API.  test_install.sh builds it against an installed memcore
 * through pkg-config alone (shared, then static), runs it and compares
 * what it prints with embed.expected.
 *
 * The machine: a 2^64 container holding 64 KiB of RAM at 0x80000000 and
 * a 16-byte MMIO device at 0x10000000 whose register 0 keeps the last
 * value written and register 4 counts the writes.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <memcore/memory.h>

struct dev {
    uint32_t last;
    uint32_t writes;
};

static uint64_t dev_read(void *opaque, hwaddr addr, unsigned size)
{
    struct dev *d = opaque;

    (void)size;
    return addr == 0 ? d->last : addr == 4 ? d->writes : 0;
}

static void dev_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    struct dev *d = opaque;

    (void)size;
    if (addr == 0) {
        d->last = (uint32_t)data;
    }
    d->writes++;
}

static const MemoryRegionOps dev_ops = {
    .read = dev_read,
    .write = dev_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 4, .max_access_size = 4 },
};

static MemoryRegion sysmem, ram, mmio;
static AddressSpace as;
static struct dev dev;
static int failures;

static void expect(const char *what, uint64_t got, uint64_t want)
{
    printf("%s = 0x%" PRIx64 "%s\n", what, got, got == want ? "" : "  WRONG");
    if (got != want) {
        failures++;
    }
}

int main(void)
{
    MemTxResult r;
    uint8_t buf[8] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 };
    uint8_t back[8];

    memory_region_init(&sysmem, NULL, "system", UINT64_MAX);
    memory_region_init_ram(&ram, NULL, "ram", 0x10000, &error_abort);
    memory_region_init_io(&mmio, NULL, &dev_ops, &dev, "dev", 0x10);
    memory_region_transaction_begin();
    memory_region_add_subregion(&sysmem, 0x80000000, &ram);
    memory_region_add_subregion(&sysmem, 0x10000000, &mmio);
    memory_region_transaction_commit();
    address_space_init(&as, &sysmem, "memory");

    /* RAM through the ld/st accessors and address_space_rw. */
    address_space_stl_le(&as, 0x80000100, 0xcafef00d, MEMTXATTRS_UNSPECIFIED,
                         &r);
    expect("stl_le ram result", r, MEMTX_OK);
    expect("ldl_le ram", address_space_ldl_le(&as, 0x80000100,
                                              MEMTXATTRS_UNSPECIFIED, NULL),
           0xcafef00d);
    expect("ldub ram+1", address_space_ldub(&as, 0x80000101,
                                            MEMTXATTRS_UNSPECIFIED, NULL),
           0xf0);
    r = address_space_rw(&as, 0x80000200, MEMTXATTRS_UNSPECIFIED, buf,
                         sizeof(buf), true);
    expect("rw write ram result", r, MEMTX_OK);
    memset(back, 0, sizeof(back));
    r = address_space_rw(&as, 0x80000200, MEMTXATTRS_UNSPECIFIED, back,
                         sizeof(back), false);
    expect("rw read ram result", r, MEMTX_OK);
    expect("rw read ram matches", memcmp(buf, back, sizeof(buf)) == 0, 1);
    expect("ldq_le ram", address_space_ldq_le(&as, 0x80000200,
                                              MEMTXATTRS_UNSPECIFIED, NULL),
           0x8877665544332211ULL);

    /* MMIO: the device sees the accesses. */
    address_space_stl_le(&as, 0x10000000, 0x12345678, MEMTXATTRS_UNSPECIFIED,
                         &r);
    expect("stl_le mmio result", r, MEMTX_OK);
    expect("ldl_le mmio reg 0", address_space_ldl_le(&as, 0x10000000,
                                                     MEMTXATTRS_UNSPECIFIED,
                                                     NULL),
           0x12345678);
    r = address_space_rw(&as, 0x10000000, MEMTXATTRS_UNSPECIFIED, buf, 4,
                         true);
    expect("rw write mmio result", r, MEMTX_OK);
    expect("ldl_le mmio reg 4 (writes)",
           address_space_ldl_le(&as, 0x10000004, MEMTXATTRS_UNSPECIFIED, NULL),
           2);
    address_space_ldub(&as, 0x10000000, MEMTXATTRS_UNSPECIFIED, &r);
    expect("ldub mmio (invalid size) result", r, MEMTX_DECODE_ERROR);

    /* Nothing mapped there. */
    address_space_ldl_le(&as, 0x20000000, MEMTXATTRS_UNSPECIFIED, &r);
    expect("ldl_le unmapped result", r, MEMTX_DECODE_ERROR);

    mtree_info((fprintf_function)fprintf, stdout);

    address_space_destroy(&as);
    memory_region_del_subregion(&sysmem, &mmio);
    memory_region_del_subregion(&sysmem, &ram);
    memory_region_destroy(&mmio);
    memory_region_destroy(&ram);
    memory_region_destroy(&sysmem);
    memcore_rcu_barrier();

    printf("%s\n", failures ? "FAILED" : "done");
    return failures ? 1 : 0;
}
