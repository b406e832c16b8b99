#!/usr/bin/env python3
"""tests/fuzz/gen_core_seeds.py — writes the seed corpus of fuzz_core
(tests/fuzz/corpus/core/): one small program per operation and a few
classic topologies, in fuzz_core.c's byte encoding, and the reproducers of
what it found (tests/fuzz/regressions/core/).  Run it from the source tree
after changing that encoding:

    python3 tests/fuzz/gen_core_seeds.py
"""
import os
import sys

# Step opcodes (fuzz_core.c, LLVMFuzzerTestOneInput).
CREATE, EXTRA, ADD, DEL, ENABLE, READONLY, SETADDR, SETOFF, SETSIZE = 0, 1, 2, 3, 4, 5, 6, 7, 8
BEGIN, COMMIT, DESTROY, READ, WRITE, LD, ST = 9, 10, 11, 12, 13, 14, 15
KIND = {"container": 0, "ram": 1, "rom": 2, "io": 3, "alias": 4}
# Index in fuzz_core.c's size_tab / ram_size_tab / addr_tab.
SIZE = {0: 0, 1: 1, 2: 2, 3: 3, 8: 4, 0x10: 5, 0x100: 6, 0x7ff: 7, 0x800: 8,
        0xfff: 9, 0x1000: 10, 0x1001: 11, 0x2000: 12, 0x10000: 13,
        1 << 63: 14, "2^64": 15}
RAMSIZE = {1: 0, 3: 1, 0x10: 2, 0x100: 3, 0x800: 4, 0x1000: 5, 0x1801: 6,
           0x3000: 7}
ADDR = {0: 0, 0x800: 1, 0x1000: 2, 0xfff: 3, 0x10000: 4, 0x1234: 5,
        1 << 32: 6, 1 << 63: 7, -0x1000: 8, -0x800: 9, -0x10: 10, -8: 11,
        -1: 12, -0x2000: 13, (1 << 63) - 0x800: 14, 0x400: 15}


def addr(a, nudge=0):
    """An address operand: a table entry plus a signed byte."""
    if a in ADDR and -128 <= nudge < 128:
        return [ADDR[a] | (0x10 if nudge else 0), nudge & 0xff]
    return [0xc0] + list((a & (2**64 - 1)).to_bytes(8, "big"))


def create(slot, kind, size, extra=0, alias_off=None):
    tab = RAMSIZE if kind in ("ram", "rom") else SIZE
    out = [CREATE, slot, KIND[kind] | (extra << 3), tab[size]]
    if kind == "alias":
        out += addr(alias_off or 0)
    return out


def add(sub, cont, at, prio=0, nudge=0):
    return [ADD, sub, cont, prio + 2] + addr(at, nudge)


def rw(op, at, length_code, space=0, nudge=0, seed=0):
    return [op, (seed << 1) | space] + addr(at, nudge) + [length_code]


def ldst(op, at, n, be=False, space=0, nudge=0):
    log = {1: 0, 2: 1, 4: 2, 8: 3}[n]
    return [op, log | (4 if be else 0) | (space << 3)] + addr(at, nudge)


def write_rom(at, n19, space=0, nudge=0):
    """cpu_physical_memory_write_rom of n19 * 19 bytes."""
    return [EXTRA, 0, space] + addr(at, nudge) + [n19]


def find(slot, at, size, nudge=0):
    return [EXTRA, 1, slot] + addr(at, nudge) + [SIZE[size]]


def translate(at, size, write=False, space=0, nudge=0):
    """address_space_translate and address_space_access_valid."""
    return [EXTRA, 2, space | (2 if write else 0)] + addr(at, nudge) + [SIZE[size]]


def map_unmap(at, size, write=False, thirds=3, space=0, nudge=0):
    """address_space_map, then unmap with thirds/3 of the length used."""
    return [EXTRA, 3, space | (2 if write else 0) | (thirds << 2)] + addr(at, nudge) + [SIZE[size]]


def all_accesses(at, nudge=0, space=0):
    out = []
    for code in (0, 3, 5, 7, 0x81, 0x9f):
        out += rw(READ, at, code, space, nudge) + rw(WRITE, at, code, space, nudge, 3)
    for n in (1, 2, 4, 8):
        for be in (False, True):
            out += ldst(LD, at, n, be, space, nudge) + ldst(ST, at, n, be, space, nudge)
    return out


SEEDS = {
    # One RAM at 0x1000 and every access around its edges.
    "ram-accesses": [0x00] + create(2, "ram", 0x1000) + add(2, 0, 0x1000)
    + all_accesses(0x1000, -3) + all_accesses(0x1000) + all_accesses(0x1000, 0x7f)
    + all_accesses(0x800, 0x7f),
    # ROM: writes refused, reads direct.
    "rom": [0x00] + create(2, "rom", 0x800) + add(2, 0, 0x800)
    + all_accesses(0x800) + all_accesses(0x1000, -4),
    # Every device kind next to RAM, accessed across the seam.
    "io-kinds": [0x00] + sum((create(2 + i, "io", 0x10, i) + add(2 + i, 0, 0x1000, 0, 16 * i)
                              for i in range(6)), [])
    + all_accesses(0x1000, 3) + all_accesses(0x1000, 0x1e) + all_accesses(0x1000, 0x4c),
    # Small devices and RAM in one page (subpages).
    "subpage": [0x00] + create(2, "io", 3, 0) + add(2, 0, 0x1000)
    + create(3, "ram", 3) + add(3, 0, 0x1000, 0, 3) + create(4, "io", 0x10, 3)
    + add(4, 0, 0x1000, 0, 6) + all_accesses(0x1000) + all_accesses(0x1000, 5),
    # Priorities: docs/memory.txt's example, container B over C.
    "priority": [0x00] + create(2, "container", 0x2000) + create(3, "io", 0x1000)
    + create(4, "ram", 0x1000) + create(5, "io", 0x7ff, 1)
    + add(3, 2, 0) + add(4, 2, 0x1000) + add(2, 0, 0x2000, 2) + add(5, 0, 0, 1)
    + all_accesses(0x2000, -8) + all_accesses(0x2000, 0x7f),
    # Equal priority: the newest wins; set_address re-inserts.
    "equal-priority": [0x00] + create(2, "ram", 0x1801) + create(3, "ram", 0x1801)
    + add(2, 0, 0) + add(3, 0, 0x800) + [SETADDR, 2] + addr(0x400)
    + [DEL, 2] + add(2, 0, 0) + all_accesses(0x800, -1),
    # Alias of alias, offsets adding up; set_alias_offset.
    "alias-chain": [0x00] + create(2, "ram", 0x3000) + create(3, "alias", 0x2000, 2, 0x800)
    + create(4, "alias", 0x1000, 3, 0x400) + add(4, 0, 0x10000)
    + all_accesses(0x10000) + [SETOFF, 3] + addr(0x1000) + [SETOFF, 4] + addr(-8)
    + all_accesses(0x10000, 4),
    # Disabled regions hide nothing; readonly inherited through a container.
    "enable-readonly": [0x00] + create(2, "container", 0x2000) + create(3, "ram", 0x1000)
    + create(4, "io", 0x2000, 2) + add(3, 2, 0x800) + add(2, 0, 0, 1) + add(4, 0, 0)
    + [ENABLE, 2] + all_accesses(0x800) + [ENABLE, 2 | 8] + [READONLY, 2 | 8]
    + all_accesses(0x1000) + [READONLY, 3 | 8] + all_accesses(0x1000) + [READONLY, 3]
    + [READONLY, 2],
    # Transactions, nested, with accesses inside seeing the old view.
    "transaction": [0x00] + create(2, "ram", 0x1000) + create(3, "io", 0x1000, 1)
    + [BEGIN] + add(2, 0, 0x1000) + [BEGIN] + add(3, 0, 0x1000, 1) + all_accesses(0x1000)
    + [COMMIT] + all_accesses(0x1000) + [COMMIT] + all_accesses(0x1000)
    + [BEGIN, DEL, 3, ENABLE, 2] + all_accesses(0x1000) + [COMMIT],
    # The last bytes below 2^64, and accesses crossing it.
    "top-of-space": [0x00] + create(2, "ram", 0x1000) + add(2, 0, -0x1000)
    + create(3, "io", "2^64", 5) + add(3, 1, -0x800) + all_accesses(-0x10, 8)
    + all_accesses(-8) + all_accesses(-1) + all_accesses(-0x800, -1, 1) + all_accesses(-4, 0, 1),
    # Container clipping, 2^64-sized regions, set_size.
    "clipping": [0x03] + create(2, "container", 0x1000) + create(3, "ram", 0x3000)
    + add(3, 2, 0x800) + add(2, 1, 0x1000) + add(1, 0, 0x10000)
    + all_accesses(0x11000, 0x7f, 0) + all_accesses(0x1800, 0x7f, 1)
    + [SETSIZE, 2, SIZE[0x2000]] + all_accesses(0x12000, -2)
    + [SETSIZE, 1, SIZE["2^64"]] + [SETADDR, 1] + addr(-0x1000) + all_accesses(0)
    + [SETADDR, 0] + addr(0x1000) + all_accesses(0x1000),
    # An alias placed low with a large offset (negative base).
    "alias-negative-base": [0x00] + create(2, "io", "2^64", 0)
    + create(3, "alias", 0x1000, 2, -0x800) + add(3, 0, 0x400) + all_accesses(0x400)
    + all_accesses(0xc00, -2),
    # A terminating region with children, children of negative priority.
    "io-with-children": [0x00] + create(2, "io", 0x2000, 1) + create(3, "ram", 0x100)
    + add(3, 2, 0x100, -2) + add(2, 0, 0x1000) + all_accesses(0x1100, -2)
    + all_accesses(0x1200, -1),
    # Destroy and re-create a slot; destroy a container that holds regions.
    "destroy": [0x00] + create(2, "container", 0x1000) + create(3, "ram", 0x100)
    + add(3, 2, 0) + add(2, 0, 0) + all_accesses(0) + [DEL, 2, DESTROY, 2]
    + all_accesses(0) + create(2, "io", 0x100, 4) + add(2, 0, 0) + add(3, 0, 0x100)
    + all_accesses(0xfe) + [DEL, 3, DESTROY, 3] + all_accesses(0x100),
    # Root 1 shown in root 0 through an alias, then moved.
    # The loader's write: into ROM too, past devices and holes.
    "write-rom": [0x00] + create(2, "rom", 0x100) + add(2, 0, 0x1000)
    + create(3, "io", 0x10, 1) + add(3, 0, 0x1000, 1, 0x7f) + create(4, "ram", 0x10)
    + add(4, 0, 0x10c0) + write_rom(0x1000, 12, 0, -2) + write_rom(-8, 1)
    + write_rom(-0x10, 0) + all_accesses(0x1000, 0x7f),
    # memory_region_find through containers, hidden regions, an alias.
    "find": [0x00] + create(2, "container", 0x2000) + create(3, "ram", 0x1000)
    + create(4, "io", 0x100, 0) + create(5, "alias", 0x800, 3, 0x400)
    + add(3, 2, 0x800) + add(4, 2, 0x1000, 1) + add(2, 0, 0x10000) + add(5, 0, 0x400)
    + find(2, 0, 0x2000) + find(2, 0x900, 0x1000) + find(3, 0x100, 0x1000)
    + find(3, 0, 0x10) + find(5, 0, 0x10) + find(4, 0x10, 1) + find(0, 0x400, 0x100)
    + [READONLY, 2 | 8] + find(3, 0, 0x100) + find(1, 0, "2^64") + find(0, -1, 1),
    # Translate: RAM clamped to its dispatch piece, devices not, 2^64.
    "translate": [0x00] + create(2, "ram", 0x3000) + add(2, 0, 0x1800)
    + create(3, "io", 0x100, 4) + add(3, 0, 0x10000) + create(4, "rom", 0x10)
    + add(4, 0, 0x1000, 0, 0x10)
    + sum((translate(a, sz, w, 0, n) for (a, n) in ((0x1800, 0), (0x1800, 0x7f),
                                                 (0x2000, 0), (0x1000, 0x10),
                                                 (0x10000, 2), (0x10000, 3), (-1, 0),
                                                 (-0x10, 0), (0, 0))
           for sz in (1, 8, 0x1000, 0x10000, "2^64") for w in (False, True)), []),
    # Map: RAM directly (over two aliases of one RAM), the rest bounced.
    "map": [0x00] + create(2, "ram", 0x3000) + create(3, "alias", 0x1000, 2, 0)
    + create(4, "alias", 0x2000, 2, 0x1000) + add(3, 0, 0x10000) + add(4, 0, 0x11000)
    + create(5, "io", 0x100, 1) + add(5, 0, 0x20000) + create(6, "rom", 0x100)
    + add(6, 0, 0x30000) + [READONLY, 4 | 8]
    + sum((map_unmap(a, sz, w, t, 0, n) for (a, n) in ((0x10000, 0), (0x10000, 0x7f),
                                                     (0x20000, 0), (0x30000, 0),
                                                     (0x20000, 0x7f), (-1, 0))
           for sz in (8, 0x1000, 0x10000) for w in (False, True) for t in (1, 3)), [])
    + all_accesses(0x10ffe),
    "second-space": [0x01] + create(2, "ram", 0x800) + add(2, 1, 0x1000)
    + create(3, "alias", 0x10000, 1, 0) + add(3, 0, 0x20000)
    + all_accesses(0x21000) + all_accesses(0x1000, 0, 1) + [SETADDR, 1] + addr(0x100)
    + all_accesses(0x21100) + [ENABLE, 1] + all_accesses(0x21100),
}


# Findings, each fixed in memcore (tests/fuzz/README.md, "Reproducers kept").
REGRESSIONS = {
    # A 2^64-byte device's last 0x800 bytes through an alias at 0, the
    # device itself from 0x800: simplification summed the offsets in 64
    # bits and merged the two into one range.
    "merge-wraps-offset": [0x00] + create(2, "io", "2^64", 0)
    + create(3, "alias", 0x1000, 2, -0x800) + add(3, 0, 0) + add(2, 0, 0x800)
    + all_accesses(0x7fc) + [DEL, 3] + add(3, 0, 0),
}


def write(out, progs):
    os.makedirs(out, exist_ok=True)
    for name, prog in progs.items():
        with open(os.path.join(out, name + ".bin"), "wb") as f:
            f.write(bytes(prog))


def main():
    top = sys.argv[1] if len(sys.argv) > 1 else "tests/fuzz"
    write(os.path.join(top, "corpus", "core"), SEEDS)
    write(os.path.join(top, "regressions", "core"), REGRESSIONS)


if __name__ == "__main__":
    main()
