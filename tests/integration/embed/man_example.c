/* A 64 KiB RAM and a one-register device on a bus; a CPU-like reader. */
#include <inttypes.h>
#include <stdio.h>
#include <memcore/memory.h>

static uint64_t reg;

static uint64_t dev_read(void *opaque, hwaddr addr, unsigned size)
{
    (void)opaque, (void)addr, (void)size;
    return reg;
}

static void dev_write(void *opaque, hwaddr addr, uint64_t v, unsigned size)
{
    (void)opaque, (void)addr, (void)size;
    reg = v;
}

static const MemoryRegionOps dev_ops = {
    .read = dev_read,
    .write = dev_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 4, .max_access_size = 4 },
};

int main(void)
{
    MemoryRegion sys, ram, dev;
    AddressSpace as;

    memory_region_init(&sys, NULL, "system", UINT64_MAX);
    memory_region_init_ram(&ram, NULL, "ram", 0x10000, &error_abort);
    memory_region_init_io(&dev, NULL, &dev_ops, NULL, "dev", 4);
    memory_region_add_subregion(&sys, 0x80000000, &ram);
    memory_region_add_subregion(&sys, 0x10000000, &dev);
    address_space_init(&as, &sys, "cpu");

    address_space_stl_le(&as, 0x80000010, 0xcafe, MEMTXATTRS_UNSPECIFIED,
                         NULL);
    address_space_stl_le(&as, 0x10000000, 42, MEMTXATTRS_UNSPECIFIED, NULL);
    printf("ram: 0x%" PRIx32 ", dev: %" PRIu32 "\n",
           address_space_ldl_le(&as, 0x80000010, MEMTXATTRS_UNSPECIFIED,
                                NULL),
           address_space_ldl_le(&as, 0x10000000, MEMTXATTRS_UNSPECIFIED,
                                NULL));
    mtree_info(fprintf, stdout);

    address_space_destroy(&as);
    memory_region_del_subregion(&sys, &dev);
    memory_region_del_subregion(&sys, &ram);
    memory_region_destroy(&dev);
    memory_region_destroy(&ram);
    memory_region_destroy(&sys);
    memcore_rcu_barrier(); /* the regions' storage may go now */
    return 0;
}
