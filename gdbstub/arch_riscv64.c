/*
 * gdbstub/arch_riscv64.c — the RV64 register file as gdb is told about
 * it: feature org.gnu.gdb.riscv.cpu (x0..x31 under their ABI names, then
 * pc), which is all gdb's riscv support requires; the FPU, CSR and
 * "virtual" features are optional and left out.  The register names and
 * types are the ones gdb's own riscv feature file uses.
 */
#include <gdbstub/target.h>

#define REG(n, t) "<reg name=\"" n "\" bitsize=\"64\" type=\"" t "\"/>"

static const char riscv64_xml[] =
    "<?xml version=\"1.0\"?>"
    "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">"
    "<target version=\"1.0\">"
    "<architecture>riscv:rv64</architecture>"
    "<feature name=\"org.gnu.gdb.riscv.cpu\">"
    REG("zero", "int") REG("ra", "code_ptr") REG("sp", "data_ptr")
    REG("gp", "data_ptr") REG("tp", "data_ptr") REG("t0", "int")
    REG("t1", "int") REG("t2", "int") REG("fp", "data_ptr")
    REG("s1", "int") REG("a0", "int") REG("a1", "int") REG("a2", "int")
    REG("a3", "int") REG("a4", "int") REG("a5", "int") REG("a6", "int")
    REG("a7", "int") REG("s2", "int") REG("s3", "int") REG("s4", "int")
    REG("s5", "int") REG("s6", "int") REG("s7", "int") REG("s8", "int")
    REG("s9", "int") REG("s10", "int") REG("s11", "int") REG("t3", "int")
    REG("t4", "int") REG("t5", "int") REG("t6", "int")
    REG("pc", "code_ptr")
    "</feature>"
    "</target>";

static const uint8_t riscv64_sizes[RV64_GDB_NREGS] = {
    8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
    8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
    8,
};

const GdbArch gdb_arch_riscv64 = {
    .name = "riscv:rv64",
    .target_xml = riscv64_xml,
    .nregs = RV64_GDB_NREGS,
    .reg_size = riscv64_sizes,
    .pc_regnum = RV64_GDB_REG_PC,
};
