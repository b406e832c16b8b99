/*
 * tests/unit/test_board_errors.c — bad boards and the messages a user
 * gets for them.
 *
 * Each case is a board (written with ' for " to stay readable) and the
 * exact line the loader must print for it: the JSON path of the value at
 * fault, then what is wrong.  A bad board must produce exactly the
 * expected number of messages (one per problem), must not return a board,
 * and must leave nothing in memcore.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <memcore/memory.h>

#include "../../server/board.h"
#include "check_run.h"

/* A valid address space to append to cases about regions. */
#define AS "'address-spaces': [{'name': 'memory', 'root': 'sys'}]"
#define SYS(subs) "{'name': 'sys', 'type': 'container', 'size': '16E', " \
                  "'subregions': [" subs "]}"
#define BOARD(regions) "{" AS ", 'regions': [" regions "]}"
/* A board with a ROM at 0x1000, RAM at 0x80000000 and a UART, plus @subs,
 * whose kernel-entry is @entry (JSON text). */
#define KE_REGIONS \
    "{'addr': '0x1000', 'name': 'rom', 'type': 'rom', 'size': '0x1000'}," \
    "{'addr': '0x80000000', 'name': 'ram', 'type': 'ram', 'size': '64K'}," \
    "{'addr': '0x10000000', 'name': 'uart', 'type': 'io', 'size': '0x100', " \
    "'device': {'model': 'ns16550a'}}"
#define KE(entry, subs) "{" AS ", 'regions': [" SYS(KE_REGIONS subs) "], " \
    "'kernel-entry': " entry ", 'cpus': [{'model': 'rv64'}]}"

typedef struct BadCase {
    const char *board;
    const char *message;   /* expected line, exactly */
    size_t count;          /* expected number of lines */
} BadCase;

static const BadCase cases[] = {
    /* numbers */
    { BOARD("{'name': 'sys', 'type': 'ram', 'size': '12Q'}"),
      "regions[0].size: \"12Q\" is not a size", 1 },
    { BOARD(SYS("{'addr': 0, 'name': 'r', 'type': 'ram', 'size': '12Q'}")),
      "regions[0].subregions[0].size: \"12Q\" is not a size", 1 },
    { BOARD("{'name': 'sys', 'type': 'container', 'size': '17E'}"),
      "regions[0].size: \"17E\" is larger than 2^64", 1 },
    { BOARD("{'name': 'sys', 'type': 'container', 'size': '0x10000000000000001'}"),
      "regions[0].size: \"0x10000000000000001\" is larger than 2^64", 1 },
    { BOARD("{'name': 'sys', 'type': 'container', 'size': -1}"),
      "regions[0].size: -1 is negative", 1 },
    { BOARD("{'name': 'sys', 'type': 'container', 'size': '-0x10'}"),
      "regions[0].size: \"-0x10\" is negative", 1 },
    { BOARD("{'name': 'sys', 'type': 'container', 'size': '999999999999999999999999999'}"),
      "regions[0].size: \"999999999999999999999999999\" is larger than 2^64", 1 },
    { BOARD("{'name': 'sys', 'type': 'container', 'size': 1.5}"),
      "regions[0].size: 1.5 is not a size", 1 },
    { BOARD("{'name': 'sys', 'type': 'container', 'size': ''}"),
      "regions[0].size: \"\" is not a size", 1 },
    { BOARD("{'name': 'sys', 'type': 'container', 'size': '0x1G'}"),
      "regions[0].size: \"0x1G\" is not a size", 1 },
    { BOARD("{'name': 'sys', 'type': 'container', 'size': '4KB'}"),
      "regions[0].size: \"4KB\" is not a size", 1 },
    { BOARD(SYS("{'addr': '16E', 'name': 'r', 'type': 'container', 'size': 1}")),
      "regions[0].subregions[0].addr: \"16E\" is larger than 2^64-1", 1 },
    { BOARD("{'name': 'sys', 'type': 'ram', 'size': 0}"),
      "regions[0].size: a ram region cannot be empty", 1 },
    { BOARD("{'name': 'sys', 'type': 'ram', 'size': '4K', 'fill': 256}"),
      "regions[0].fill: 256 is not a byte (0 to 255)", 1 },

    /* structure and keys */
    { BOARD(SYS("{'name': 'r', 'type': 'ram', 'size': '4K'}")),
      "regions[0].subregions[0]: missing key \"addr\" (a subregion needs "
      "its offset in the container)", 1 },
    { BOARD("{'addr': 0, 'name': 'sys', 'type': 'container', 'size': '16E'}"),
      "regions[0].addr: only a subregion has an address (this region is "
      "not inside another)", 1 },
    { BOARD("{'priority': 1, 'name': 'sys', 'type': 'container', 'size': '16E'}"),
      "regions[0].priority: only a subregion has a priority (this region "
      "is not inside another)", 1 },
    { "{" AS ", 'regions': [" SYS("") "], 'colour': 'red'}",
      "unknown key \"colour\" for a board", 1 },
    { BOARD("{'name': 'sys', 'type': 'ram', 'size': '4K', 'colour': 1}"),
      "regions[0]: unknown key \"colour\" for a ram region", 1 },
    { BOARD("{'name': 'sys', 'type': 'ram', 'size': '4K', 'target': 'x'}"),
      "regions[0]: unknown key \"target\" for a ram region", 1 },
    { BOARD("{'name': 'sys', 'type': 'io', 'size': '4K', 'readonly': true, "
            "'device': {'model': 'zero'}}"),
      "regions[0]: unknown key \"readonly\" for an io region", 1 },
    { BOARD("{'name': 'sys', 'type': 'flash', 'size': '4K'}"),
      "regions[0].type: \"flash\" is not a region type (container, ram, "
      "rom, romd, io, alias, iommu, reservation)", 1 },
    { BOARD("{'name': 'sys', 'size': '4K'}"),
      "regions[0]: missing key \"type\"", 1 },
    { BOARD("{'type': 'container', 'size': '4K', 'id': 'sys'}"),
      "regions[0]: missing key \"name\"", 1 },
    { BOARD("{'name': 'sys', 'type': 'container'}"),
      "regions[0]: missing key \"size\"", 1 },
    { BOARD("{'name': '', 'id': 'sys', 'type': 'container', 'size': 1}"),
      "regions[0].name: must not be empty", 1 },
    { BOARD(SYS("{'addr': 0, 'priority': 'high', 'name': 'r', "
                "'type': 'container', 'size': 1}")),
      "regions[0].subregions[0].priority: \"high\" is not a 32-bit integer", 1 },
    { BOARD(SYS("{'addr': 0, 'priority': 3000000000, 'name': 'r', "
                "'type': 'container', 'size': 1}")),
      "regions[0].subregions[0].priority: 3000000000 is not a 32-bit integer", 1 },
    { BOARD("{'name': 'sys', 'type': 'container', 'size': 1, 'enabled': 'yes'}"),
      "regions[0].enabled: \"yes\" is not true or false", 1 },
    { BOARD("{'name': 'sys', 'type': 'container', 'size': 1, 'subregions': {}}"),
      "regions[0].subregions: {} is not an array of regions", 1 },
    { "{" AS ", 'regions': []}",
      "regions: [] is not a non-empty array of regions", 1 },
    { "{" AS "}", "missing key \"regions\"", 1 },
    { "[1, 2]", "a board is a JSON object with \"regions\" and "
                "\"address-spaces\"", 1 },

    /* references */
    { BOARD(SYS("{'addr': 0, 'name': 'a', 'type': 'alias', 'target': 'nope', "
                "'size': '4K'}")),
      "regions[0].subregions[0].target: no region has the id \"nope\"", 1 },
    { BOARD(SYS("{'addr': 0, 'name': 'a', 'type': 'alias', 'target': 'a', "
                "'size': '4K'}")),
      "regions[0].subregions[0].target: alias cycle: a -> a", 1 },
    { BOARD(SYS("{'addr': 0, 'name': 'a', 'type': 'alias', 'target': 'b', "
                "'size': '4K'}") ", {'name': 'b', 'type': 'alias', "
                "'target': 'a', 'size': '4K'}"),
      "regions[0].subregions[0].target: alias cycle: a -> b -> a", 1 },
    { BOARD(SYS("{'addr': 0, 'name': 'win', 'type': 'alias', 'target': 'sys', "
                "'size': '4K'}")),
      "regions[0].subregions[0].target: alias cycle: sys -> win -> sys", 1 },
    { BOARD(SYS("{'addr': 0, 'name': 'dup', 'type': 'ram', 'size': '4K'},"
                "{'addr': '8K', 'name': 'dup', 'type': 'ram', 'size': '4K'},"
                "{'addr': '16K', 'name': 'w', 'type': 'alias', 'target': 'dup',"
                " 'size': '4K'}")),
      "regions[0].subregions[2].target: the id \"dup\" is ambiguous: it is "
      "used by regions[0].subregions[0] and regions[0].subregions[1] (give "
      "one of them a distinct \"id\")", 1 },
    { "{'address-spaces': [{'name': 'm', 'root': 'nope'}], 'regions': ["
      SYS("") "]}",
      "address-spaces[0].root: no region has the id \"nope\"", 1 },
    { "{'address-spaces': [{'name': 'm', 'root': 'sys'}, {'name': 'm', "
      "'root': 'sys'}], 'regions': [" SYS("") "]}",
      "address-spaces[1].name: \"m\" names another address space too", 1 },
    { "{'regions': [" SYS("") "]}", "missing key \"address-spaces\"", 1 },
    { "{'address-spaces': [{'name': 'm'}], 'regions': [" SYS("") "]}",
      "address-spaces[0]: missing key \"root\"", 1 },

    /* types and devices */
    { BOARD("{'name': 'sys', 'type': 'io', 'size': '4K'}"),
      "regions[0]: missing key \"device\" (an io region needs a device "
      "model)", 1 },
    { BOARD("{'name': 'sys', 'type': 'io', 'size': '4K', 'device': "
            "{'model': 'nvme'}}"),
      "regions[0].device.model: \"nvme\" is not a device model (unassigned, "
      "zero, ones, scratch, counter, ns16550a, sifive-test, clint)", 1 },
    { BOARD("{'name': 'sys', 'type': 'io', 'size': '4K', 'device': "
            "{'model': 'zero', 'speed': 3}}"),
      "regions[0].device: unknown key \"speed\" for the zero device model", 1 },
    { BOARD("{'name': 'sys', 'type': 'io', 'size': '4K', 'device': "
            "{'model': 'scratch', 'valid-min': 3}}"),
      "regions[0].device.valid-min: 3 is not an access size (1, 2, 4 or 8)", 1 },
    { BOARD("{'name': 'sys', 'type': 'io', 'size': '4K', 'device': "
            "{'model': 'scratch', 'valid-min': 8, 'valid-max': 2}}"),
      "regions[0].device: valid-min 8 is larger than valid-max 2", 1 },
    { BOARD("{'name': 'sys', 'type': 'io', 'size': '4K', 'device': "
            "{'model': 'scratch', 'endianness': 'middle'}}"),
      "regions[0].device.endianness: \"middle\" is not an endianness "
      "(little, big or native)", 1 },
    { BOARD("{'name': 'sys', 'type': 'io', 'size': 4, 'device': "
            "{'model': 'ns16550a'}}"),
      "regions[0].device: ns16550a needs a region of at least 8 bytes for "
      "its registers", 1 },
    { BOARD("{'name': 'sys', 'type': 'io', 'size': '64K', 'device': "
            "{'model': 'clint', 'harts': 0}}"),
      "regions[0].device.harts: 0 is out of range (1 to 4095)", 1 },
    { BOARD("{'name': 'sys', 'type': 'iommu', 'size': '4K'}"),
      "regions[0]: missing key \"target-as\"", 2 },
    { BOARD(SYS("{'addr': 0, 'name': 'a', 'type': 'alias', 'target': 'r', "
                "'size': 1, 'subregions': []}") ", {'name': 'r', "
                "'type': 'ram', 'size': '4K'}"),
      "regions[0].subregions[0].subregions: an alias cannot have subregions "
      "(map them in its target)", 1 },
    { BOARD("{'name': 'sys', 'type': 'ram', 'size': '4K', 'share': true}"),
      "regions[0].share: only makes sense with \"file\"", 1 },
    { BOARD("{'name': 'sys', 'type': 'ram', 'size': '4K', 'max-size': '2K'}"),
      "regions[0].max-size: is smaller than \"size\"", 1 },
    { BOARD("{'name': 'sys', 'type': 'rom', 'size': 4, 'image': "
            "{'hex': '01 02 03 04 05'}}"),
      "regions[0].image: 5 bytes at offset 0x0 do not fit in the region", 1 },
    { BOARD("{'name': 'sys', 'type': 'rom', 'size': '4K', 'image': "
            "{'hex': '01 02', 'offset': '0xfff'}}"),
      "regions[0].image: 2 bytes at offset 0xfff do not fit in the region",
      1 },
    /* offset + length wraps in 64 bits: still refused */
    { BOARD("{'name': 'sys', 'type': 'rom', 'size': '4K', 'image': "
            "{'hex': '01 02', 'offset': '0xffffffffffffffff'}}"),
      "regions[0].image: 2 bytes at offset 0xffffffffffffffff do not fit in "
      "the region", 1 },

    /* RAM that cannot be mapped (issue 7): rounded up to whole pages the
     * size passes 2^64, so memcore would map one page, or none, and fill
     * and image would write past it.  One message, at the size. */
    { BOARD(SYS("{'addr': 0, 'name': 'r', 'type': 'ram', "
                "'size': '0xfffffffffffff001', 'fill': 165}")),
      "regions[0].subregions[0].size: \"0xfffffffffffff001\" cannot be "
      "mapped: a ram region's size, rounded up to whole pages, must be "
      "below 2^64", 1 },
    { BOARD(SYS("{'addr': 0, 'name': 'r', 'type': 'ram', "
                "'size': '0xfffffffffffff001', "
                "'image': {'hex': '01 02 03 04 05 06 07 08', "
                "'offset': '0x1000'}}")),
      "regions[0].subregions[0].size: \"0xfffffffffffff001\" cannot be "
      "mapped: a ram region's size, rounded up to whole pages, must be "
      "below 2^64", 1 },
    { BOARD("{'name': 'sys', 'type': 'ram', 'size': '1M', "
            "'max-size': '0xfffffffffffff001'}"),
      "regions[0].max-size: \"0xfffffffffffff001\" cannot be mapped: a ram "
      "region's max-size, rounded up to whole pages, must be below 2^64", 1 },
    { BOARD("{'name': 'sys', 'type': 'ram', 'size': '1M', "
            "'max-size': '16E'}"),
      "regions[0].max-size: \"16E\" cannot be mapped: a ram region's "
      "max-size, rounded up to whole pages, must be below 2^64", 1 },
    /* a refused size is not also compared with max-size */
    { BOARD("{'name': 'sys', 'type': 'ram', 'size': '16E', "
            "'max-size': '1M'}"),
      "regions[0].size: \"16E\" cannot be mapped: a ram region's size, "
      "rounded up to whole pages, must be below 2^64", 1 },
    /* 2^64, and 2^64-1 (which the API would read as 2^64) */
    { BOARD("{'name': 'sys', 'type': 'ram', 'size': '16E', 'fill': 1}"),
      "regions[0].size: \"16E\" cannot be mapped: a ram region's size, "
      "rounded up to whole pages, must be below 2^64", 1 },
    { BOARD("{'name': 'sys', 'type': 'ram', 'size': '0x10000000000000000'}"),
      "regions[0].size: \"0x10000000000000000\" cannot be mapped: a ram "
      "region's size, rounded up to whole pages, must be below 2^64", 1 },
    { BOARD("{'name': 'sys', 'type': 'ram', 'size': '0xffffffffffffffff'}"),
      "regions[0].size: \"0xffffffffffffffff\" cannot be mapped: a ram "
      "region's size, rounded up to whole pages, must be below 2^64", 1 },
    { BOARD("{'name': 'sys', 'type': 'ram', 'size': '18446744073709551615', "
            "'readonly': true}"),
      "regions[0].size: \"18446744073709551615\" cannot be mapped: a ram "
      "region's size, rounded up to whole pages, must be below 2^64", 1 },
    { BOARD("{'name': 'sys', 'type': 'ram', 'size': '0xfffffffffffff001', "
            "'file': '/nonexistent/memcore-ram.img'}"),
      "regions[0].size: \"0xfffffffffffff001\" cannot be mapped: a ram "
      "region's size, rounded up to whole pages, must be below 2^64", 1 },
    { BOARD("{'name': 'sys', 'type': 'rom', 'size': '0xfffffffffffff001', "
            "'image': {'hex': '01'}}"),
      "regions[0].size: \"0xfffffffffffff001\" cannot be mapped: a rom "
      "region's size, rounded up to whole pages, must be below 2^64", 1 },
    { BOARD("{'name': 'sys', 'type': 'romd', 'size': '16E', 'fill': 0, "
            "'device': {'model': 'zero'}}"),
      "regions[0].size: \"16E\" cannot be mapped: a romd region's size, "
      "rounded up to whole pages, must be below 2^64", 1 },
    { BOARD("{'name': 'sys', 'type': 'rom', 'size': 4, 'image': "
            "{'hex': '0g'}}"),
      "regions[0].image.hex: is not a list of hex byte pairs (e.g. "
      "\"97 02 00 00\")", 1 },
    { BOARD("{'name': 'sys', 'type': 'rom', 'size': 4, 'image': "
            "{'hex': '00', 'file': 'x.bin'}}"),
      "regions[0].image: needs exactly one of \"file\" and \"hex\"", 1 },
    { BOARD("{'name': 'sys', 'type': 'rom', 'size': 4, 'image': "
            "{'file': '/nonexistent/memcore-test.bin'}}"),
      "regions[0].image.file: cannot read \"/nonexistent/memcore-test.bin\": "
      "No such file or directory", 1 },

    /* CPUs */
    { "{" AS ", 'regions': [" SYS("") "], 'cpus': [{'model': 'x86'}]}",
      "cpus[0].model: \"x86\" is not a CPU model (rv64)", 1 },
    { "{" AS ", 'regions': [" SYS("") "], 'cpus': [{'model': 'rv64', "
      "'address-space': 'io'}]}",
      "cpus[0].address-space: no address space is called \"io\"", 1 },
    { "{" AS ", 'regions': [" SYS("") "], 'cpus': [{'model': 'rv64', "
      "'reset-pc': '0x'}]}",
      "cpus[0].reset-pc: \"0x\" is not a number", 1 },

    /* kernel-entry: an address ... */
    { KE("true", ""), "kernel-entry: true is not an address", 1 },
    { KE("'0x'", ""), "kernel-entry: \"0x\" is not an address", 1 },
    { KE("'0x1018 '", ""), "kernel-entry: \"0x1018 \" is not an address", 1 },
    { KE("-8", ""), "kernel-entry: -8 is negative", 1 },
    { KE("'16E'", ""), "kernel-entry: \"16E\" is larger than 2^64-1", 1 },
    /* ... of 8 bytes that do not wrap ... */
    { KE("'0xfffffffffffffff9'", ""),
      "kernel-entry: the 8-byte slot at 0xfffffffffffffff9 wraps past 2^64", 1 },
    { KE("'0xffffffffffffffff'", ""),
      "kernel-entry: the 8-byte slot at 0xffffffffffffffff wraps past 2^64", 1 },
    /* ... in RAM or ROM ... */
    { KE("'0x10000000'", ""),
      "kernel-entry: 0x10000000 is not in RAM or ROM: address space "
      "\"memory\" has an io region there (\"uart\")", 1 },
    { KE("'0x5000'", ""),
      "kernel-entry: 0x5000 is not in RAM or ROM: nothing is mapped there in "
      "address space \"memory\"", 1 },
    { KE("'0xfffffffffffffff8'", ""),
      "kernel-entry: 0xfffffffffffffff8 is not in RAM or ROM: nothing is "
      "mapped there in address space \"memory\"", 1 },
    { KE("'0x3000'", ",{'addr': '0x3000', 'name': 'win', 'type': 'alias', "
         "'target': 'uart', 'size': '0x100'}"),
      "kernel-entry: 0x3000 is not in RAM or ROM: address space \"memory\" "
      "has an io region there (\"uart\")", 1 },
    { KE("'0x4000'", ",{'addr': '0x4000', 'name': 'hole', 'type': "
         "'reservation', 'size': '4K'}"),
      "kernel-entry: 0x4000 is not in RAM or ROM: address space \"memory\" "
      "has a reservation region there (\"hole\")", 1 },
    { KE("'0x4000'", ",{'addr': '0x4000', 'name': 'flash', 'type': 'romd', "
         "'size': '4K', 'device': {'model': 'zero'}}"),
      "kernel-entry: 0x4000 is not in RAM or ROM: address space \"memory\" "
      "has a romd region there (\"flash\")", 1 },
    /* a higher priority wins; among equals, the region listed later */
    { KE("'0x80000100'", ",{'addr': '0x80000100', 'priority': 1, 'name': "
         "'hole', 'type': 'io', 'size': '0x100', 'device': {'model': 'zero'}}"),
      "kernel-entry: 0x80000100 is not in RAM or ROM: address space "
      "\"memory\" has an io region there (\"hole\")", 1 },
    { KE("'0x80000100'", ",{'addr': '0x80000100', 'may-overlap': true, "
         "'name': 'hole', 'type': 'io', 'size': '0x100', 'device': "
         "{'model': 'zero'}}"),
      "kernel-entry: 0x80000100 is not in RAM or ROM: address space "
      "\"memory\" has an io region there (\"hole\")", 1 },
    { "{" AS ", 'regions': [" SYS("{'addr': '0x1000', 'name': 'rom', "
      "'type': 'rom', 'size': '0x1000', 'enabled': false}") "], "
      "'kernel-entry': '0x1018', 'cpus': [{'model': 'rv64'}]}",
      "kernel-entry: 0x1018 is not in RAM or ROM: nothing is mapped there in "
      "address space \"memory\"", 1 },
    /* ... all 8 bytes in one region */
    { KE("'0x1ffc'", ""),
      "kernel-entry: the 8-byte slot 0x1ffc-0x2003 crosses the end of \"rom\" "
      "(a rom region, seen up to 0x1fff in address space \"memory\")", 1 },
    { KE("'0x8000fff9'", ",{'addr': '0x80010000', 'name': 'ram2', 'type': "
         "'ram', 'size': '64K'}"),
      "kernel-entry: the 8-byte slot 0x8000fff9-0x80010000 crosses the end "
      "of \"ram\" (a ram region, seen up to 0x8000ffff in address space "
      "\"memory\")", 1 },
    { KE("'0x800000fc'", ",{'addr': '0x80000100', 'priority': 1, 'name': "
         "'hole', 'type': 'io', 'size': '0x100', 'device': {'model': 'zero'}}"),
      "kernel-entry: the 8-byte slot 0x800000fc-0x80000103 crosses the end "
      "of \"ram\" (a ram region, seen up to 0x800000ff in address space "
      "\"memory\")", 1 },
    /* every CPU's address space; without cpus, the first one */
    { "{'address-spaces': [{'name': 'memory', 'root': 'sys'}, "
      "{'name': 'other', 'root': 'o'}], 'regions': [" SYS(KE_REGIONS) ", "
      "{'name': 'o', 'type': 'container', 'size': '16E', 'subregions': ["
      "{'addr': 0, 'name': 'oram', 'type': 'ram', 'size': '4K'}]}], "
      "'kernel-entry': '0x1018', 'cpus': [{'model': 'rv64'}, "
      "{'model': 'rv64', 'address-space': 'other'}, {'model': 'rv64'}]}",
      "kernel-entry: 0x1018 is not in RAM or ROM: nothing is mapped there in "
      "address space \"other\"", 1 },
    { "{" AS ", 'regions': [" SYS(KE_REGIONS) "], 'kernel-entry': '0x5000'}",
      "kernel-entry: 0x5000 is not in RAM or ROM: nothing is mapped there in "
      "address space \"memory\"", 1 },
    /* where it lands is looked at only on an otherwise good board */
    { KE("'0x10000000'", ",{'addr': '0x90000000', 'name': 'big', 'type': "
         "'ram', 'size': '12Q'}"),
      "regions[0].subregions[3].size: \"12Q\" is not a size", 1 },
    { KE("'x'", ",{'addr': '0x90000000', 'name': 'big', 'type': "
         "'ram', 'size': '12Q'}"),
      "kernel-entry: \"x\" is not an address", 2 },

    /* several problems at once: every one is reported */
    { BOARD(SYS("{'addr': 0, 'name': 'a', 'type': 'ram', 'size': '12Q'},"
                "{'name': 'b', 'type': 'ram', 'size': '4K'},"
                "{'addr': 0, 'name': 'c', 'type': 'bogus', 'size': 1}")),
      "regions[0].subregions[1]: missing key \"addr\" (a subregion needs "
      "its offset in the container)", 3 },
};

static char *unquote(const char *s)
{
    char *t = strdup(s);

    ck_assert_ptr_nonnull(t);
    for (char *p = t; *p; p++) {
        if (*p == '\'') {
            *p = '"';
        }
    }
    return t;
}

START_TEST(test_bad_board)
{
    const BadCase *c = &cases[_i];
    char *json = unquote(c->board);
    size_t want = c->count;
    bool found = false;
    Diag d;
    Board *b;

    diag_init(&d);
    b = board_parse_string(json, NULL, NULL, &d);
    ck_assert_msg(b == NULL, "case %d: a bad board was accepted", _i);
    for (size_t i = 0; i < d.count; i++) {
        if (strcmp(d.msgs[i], c->message) == 0) {
            found = true;
        }
    }
    if (!found || d.count != want) {
        for (size_t i = 0; i < d.count; i++) {
            fprintf(stderr, "case %d got: %s\n", _i, d.msgs[i]);
        }
    }
    ck_assert_msg(found, "case %d: expected \"%s\"", _i, c->message);
    ck_assert_msg(d.count == want, "case %d: %zu messages, expected %zu",
                  _i, d.count, want);
    ck_assert(!d.oom);
    /* nothing was built */
    ck_assert_ptr_null(address_space_first());
    diag_free(&d);
    free(json);
}
END_TEST

START_TEST(test_syntax_error)
{
    Diag d;

    diag_init(&d);
    ck_assert_ptr_null(board_parse_string("{\"regions\": [", "b.json", NULL,
                                          &d));
    ck_assert_uint_eq(d.count, 1);
    ck_assert_msg(strncmp(d.msgs[0], "b.json:1:", 9) == 0, "got %s",
                  d.msgs[0]);
    diag_free(&d);

    diag_init(&d);
    ck_assert_ptr_null(board_parse_string("{\"a\": 1, \"a\": 2}", NULL, NULL,
                                          &d));
    ck_assert_uint_eq(d.count, 1);
    ck_assert_msg(strstr(d.msgs[0], "duplicate") != NULL, "got %s",
                  d.msgs[0]);
    diag_free(&d);
}
END_TEST

START_TEST(test_missing_file)
{
    Diag d;

    diag_init(&d);
    ck_assert_ptr_null(board_parse_file("/nonexistent/board.json", &d));
    ck_assert_uint_eq(d.count, 1);
    ck_assert_str_eq(d.msgs[0], "cannot read the board file: No such file "
                     "or directory");
    diag_free(&d);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("board_errors");
    TCase *tc = tcase_create("bad boards");

    tcase_add_loop_test(tc, test_bad_board, 0,
                        (int)(sizeof(cases) / sizeof(cases[0])));
    tcase_add_test(tc, test_syntax_error);
    tcase_add_test(tc, test_missing_file);
    suite_add_tcase(s, tc);
    return ck_run_suite(s);
}
