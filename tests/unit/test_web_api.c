/*
 * tests/unit/test_web_api.c — every endpoint of rest.md through the
 * handler layer (web_handle), on the monitor tests' virt machine: the
 * JSON each answers, and every error status with its class.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <memcore/memcore.h>

#include "test_web_fixture.h"
#include "check_run.h"

/* The array element of @arr whose @key is @value, or NULL. */
static json_t *find_by(json_t *arr, const char *key, const char *value)
{
    size_t i;
    json_t *o;

    json_array_foreach(arr, i, o) {
        json_t *v = json_object_get(o, key);
        if (json_is_string(v) && strcmp(json_string_value(v), value) == 0) {
            return o;
        }
    }
    return NULL;
}

/* ---- address spaces, tree, flat view, find --------------------------------- */

START_TEST(address_spaces_lists_every_one)
{
    WfResp r = wf_get("/api/v1/address-spaces");
    json_t *j;

    ck_assert_uint_eq(r.status, 200);
    ck_assert_str_eq(wf_header(&r, "Content-Type"), "application/json");
    j = wf_json(&r);
    ck_assert_uint_eq(json_array_size(j), 4);
    ck_assert_str_eq(wf_str(find_by(j, "name", "memory"), "root"), "system");
    ck_assert_str_eq(wf_str(find_by(j, "name", "cpu-memory-0"), "root"),
                     "system");
    ck_assert_str_eq(wf_str(find_by(j, "name", "I/O"), "root"), "io");
    ck_assert_str_eq(wf_str(find_by(j, "name", "gpex-root"), "root"),
                     "bus master container");
    json_decref(j);
    wf_free(&r);
}
END_TEST

START_TEST(tree_is_info_mtree_as_json)
{
    WfResp r = wf_get("/api/v1/address-spaces/memory/tree");
    json_t *j, *kids, *rom, *ram;

    ck_assert_uint_eq(r.status, 200);
    j = wf_json(&r);
    ck_assert_str_eq(wf_str(j, "name"), "system");
    ck_assert_str_eq(wf_str(j, "start"), "0x0");
    ck_assert_str_eq(wf_str(j, "end"), "0xffffffffffffffff");
    ck_assert_str_eq(wf_str(j, "size"), "0x10000000000000000");
    ck_assert_str_eq(wf_str(j, "type"), "i/o");
    ck_assert_str_eq(wf_str(j, "kind"), "container");
    kids = json_object_get(j, "subregions");
    ck_assert_uint_eq(json_array_size(kids), 8);
    /* info mtree's order: by address */
    rom = json_array_get(kids, 0);
    ck_assert_str_eq(wf_str(rom, "name"), "riscv_virt_board.mrom");
    ck_assert_str_eq(wf_str(rom, "type"), "rom");
    ck_assert_str_eq(wf_str(rom, "addr"), "0x1000");
    ck_assert_str_eq(wf_str(rom, "start"), "0x1000");
    ck_assert_str_eq(wf_str(rom, "end"), "0xffff");
    ck_assert(json_is_true(json_object_get(rom, "readonly")));
    ck_assert_int_eq(json_integer_value(json_object_get(rom, "priority")), 0);
    ram = json_array_get(kids, 7);
    ck_assert_str_eq(wf_str(ram, "name"), "riscv_virt_board.ram");
    ck_assert_str_eq(wf_str(ram, "type"), "ram");
    ck_assert_str_eq(wf_str(ram, "start"), "0x80000000");
    ck_assert_str_eq(wf_str(ram, "end"), "0x87ffffff");
    ck_assert_str_eq(wf_str(ram, "size"), "0x8000000");
    ck_assert(json_is_true(json_object_get(ram, "enabled")));
    ck_assert_uint_eq(json_array_size(json_object_get(ram, "subregions")), 0);
    ck_assert_ptr_null(json_object_get(ram, "alias"));
    json_decref(j);
    wf_free(&r);
}
END_TEST

START_TEST(tree_shows_disabled_aliases)
{
    WfResp r = wf_get("/api/v1/address-spaces/gpex-root/tree");
    json_t *j, *alias;

    ck_assert_uint_eq(r.status, 200);
    j = wf_json(&r);
    alias = json_array_get(json_object_get(j, "subregions"), 0);
    ck_assert_str_eq(wf_str(alias, "name"), "bus master");
    ck_assert_str_eq(wf_str(alias, "kind"), "alias");
    ck_assert(json_is_false(json_object_get(alias, "enabled")));
    ck_assert_str_eq(wf_str(json_object_get(alias, "alias"), "target"),
                     "system");
    ck_assert_str_eq(wf_str(json_object_get(alias, "alias"), "offset"),
                     "0x0");
    json_decref(j);
    wf_free(&r);
}
END_TEST

START_TEST(names_in_paths_are_url_decoded)
{
    WfResp r = wf_get("/api/v1/address-spaces/I%2FO/tree");
    json_t *j;

    ck_assert_uint_eq(r.status, 200);
    j = wf_json(&r);
    ck_assert_str_eq(wf_str(j, "name"), "io");
    json_decref(j);
    wf_free(&r);
    r = wf_get("/api/v1/regions/platform%20bus");
    ck_assert_uint_eq(r.status, 200);
    wf_free(&r);
}
END_TEST

START_TEST(unknown_address_space_is_404)
{
    static const char *const paths[] = {
        "/api/v1/address-spaces/nope/tree",
        "/api/v1/address-spaces/nope/flatview",
        "/api/v1/address-spaces/nope/find?addr=0",
        "/api/v1/address-spaces/nope/memory?addr=0&len=1",
        "/api/v1/address-spaces/nope/ld?addr=0&size=1",
        "/api/v1/address-spaces/I/O/tree",
    };

    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        WfResp r = wf_get(paths[i]);
        wf_expect_error(&r, 404, "NotFound");
        wf_free(&r);
    }
}
END_TEST

START_TEST(a_tree_too_deep_is_refused_whole)
{
    static MemoryRegion chain[300];
    WfResp r;

    memory_region_transaction_begin();
    for (int i = 0; i < 300; i++) {
        memory_region_init(&chain[i], NULL, "deep", 0x1000);
        if (i) {
            memory_region_add_subregion(&chain[i - 1], 0, &chain[i]);
        }
    }
    memory_region_add_subregion(&tm.io, 0x8000, &chain[0]);
    memory_region_transaction_commit();
    r = wf_get("/api/v1/address-spaces/I%2FO/tree");
    wf_expect_error(&r, 500, "InternalError");
    ck_assert(strstr(r.body, "deeper than 255 levels") != NULL);
    wf_free(&r);
}
END_TEST

START_TEST(flatview_in_address_order)
{
    WfResp r = wf_get("/api/v1/address-spaces/memory/flatview");
    json_t *j, *o;
    size_t i;
    uint64_t prev = 0;
    bool first = true;

    ck_assert_uint_eq(r.status, 200);
    j = wf_json(&r);
    ck_assert_uint_ge(json_array_size(j), 7);
    json_array_foreach(j, i, o) {
        uint64_t start = strtoull(wf_str(o, "start"), NULL, 16);
        ck_assert(first || start > prev);
        prev = start;
        first = false;
    }
    o = find_by(j, "region", "riscv_virt_board.ram");
    ck_assert_str_eq(wf_str(o, "start"), "0x80000000");
    ck_assert_str_eq(wf_str(o, "end"), "0x87ffffff");
    ck_assert_str_eq(wf_str(o, "type"), "ram");
    ck_assert_str_eq(wf_str(o, "offset_in_region"), "0x0");
    ck_assert(json_is_false(json_object_get(o, "readonly")));
    o = find_by(j, "region", "riscv_virt_board.mrom");
    ck_assert_str_eq(wf_str(o, "type"), "rom");
    ck_assert(json_is_true(json_object_get(o, "readonly")));
    o = find_by(j, "region", "virt.flash0");
    ck_assert_str_eq(wf_str(o, "type"), "romd");
    ck_assert(json_is_true(json_object_get(o, "romd")));
    json_decref(j);
    wf_free(&r);
}
END_TEST

START_TEST(find_is_memory_region_find)
{
    WfResp r = wf_get("/api/v1/address-spaces/memory/find?addr=0x80001000"
                      "&size=0x10");
    json_t *j;

    ck_assert_uint_eq(r.status, 200);
    j = wf_json(&r);
    ck_assert_str_eq(wf_str(j, "region"), "riscv_virt_board.ram");
    ck_assert_str_eq(wf_str(j, "type"), "ram");
    ck_assert_str_eq(wf_str(j, "offset_within_region"), "0x1000");
    ck_assert_str_eq(wf_str(j, "offset_within_address_space"),
                     "0x80001000");
    ck_assert_str_eq(wf_str(j, "size"), "0x10");
    ck_assert(json_is_false(json_object_get(j, "readonly")));
    json_decref(j);
    wf_free(&r);

    r = wf_get("/api/v1/address-spaces/memory/find?addr=2147483648");
    ck_assert_uint_eq(r.status, 200);
    j = wf_json(&r);
    ck_assert_str_eq(wf_str(j, "size"), "0x1");
    json_decref(j);
    wf_free(&r);

    r = wf_get("/api/v1/address-spaces/memory/find?addr=0x7000000");
    wf_expect_error(&r, 404, "NotFound");
    wf_free(&r);
    r = wf_get("/api/v1/address-spaces/memory/find?addr=0x1g");
    wf_expect_error(&r, 400, "InvalidParameter");
    wf_free(&r);
    r = wf_get("/api/v1/address-spaces/memory/find");
    wf_expect_error(&r, 400, "InvalidParameter");
    wf_free(&r);
    r = wf_get("/api/v1/address-spaces/memory/find?addr=0&size=0");
    wf_expect_error(&r, 400, "InvalidParameter");
    wf_free(&r);
}
END_TEST

/* ---- regions -------------------------------------------------------------- */

START_TEST(regions_lists_the_board_names)
{
    WfResp r = wf_get("/api/v1/regions");
    json_t *j, *o;
    size_t i, twins = 0;

    ck_assert_uint_eq(r.status, 200);
    j = wf_json(&r);
    ck_assert_uint_eq(json_array_size(j), 14);
    json_array_foreach(j, i, o) {
        twins += strcmp(wf_str(o, "id"), "twin") == 0;
    }
    ck_assert_uint_eq(twins, 2);
    o = find_by(j, "id", "scratch");
    ck_assert_str_eq(wf_str(o, "name"), "scratch");
    ck_assert_str_eq(wf_str(o, "kind"), "io");
    ck_assert_str_eq(wf_str(o, "container"), "system");
    ck_assert_str_eq(wf_str(o, "root"), "system");
    ck_assert_str_eq(wf_str(o, "start"), "0x3000000");
    ck_assert_str_eq(wf_str(o, "end"), "0x30000ff");
    ck_assert_uint_eq(json_array_size(json_object_get(o, "address_spaces")),
                      2);
    /* not mapped anywhere: no container, its own root */
    o = find_by(j, "id", "io");
    ck_assert(json_is_null(json_object_get(o, "container")));
    ck_assert_str_eq(json_string_value(json_array_get(
                         json_object_get(o, "address_spaces"), 0)), "I/O");
    json_decref(j);
    wf_free(&r);
}
END_TEST

START_TEST(region_by_name)
{
    WfResp r = wf_get("/api/v1/regions/system");
    json_t *j, *kids;

    ck_assert_uint_eq(r.status, 200);
    j = wf_json(&r);
    ck_assert_str_eq(wf_str(j, "id"), "system");
    kids = json_object_get(j, "subregions");
    ck_assert_uint_eq(json_array_size(kids), 8);
    ck_assert_str_eq(json_string_value(json_array_get(kids, 0)),
                     "riscv_virt_board.mrom");
    json_decref(j);
    wf_free(&r);

    r = wf_get("/api/v1/regions/twin");
    wf_expect_error(&r, 400, "InvalidParameter");
    wf_free(&r);
    r = wf_get("/api/v1/regions/nope");
    wf_expect_error(&r, 404, "NotFound");
    wf_free(&r);
}
END_TEST

/* ---- mtree and monitor ------------------------------------------------------- */

static void expect_mtree(const char *query, const char *line)
{
    char target[128];
    char *want = tm_run(line, NULL);
    WfResp r;

    snprintf(target, sizeof(target), "/api/v1/mtree%s", query);
    r = wf_get(target);
    ck_assert_uint_eq(r.status, 200);
    ck_assert_str_eq(wf_header(&r, "Content-Type"),
                     "text/plain; charset=utf-8");
    ck_assert_str_eq(r.body, want);
    free(want);
    wf_free(&r);
}

START_TEST(mtree_is_the_monitors_text)
{
    expect_mtree("", "info mtree");
    expect_mtree("?flat=1", "info mtree -f");
    expect_mtree("?flat=1&dispatch=1", "info mtree -f -d");
    expect_mtree("?owner=1&disabled=1", "info mtree -o -D");
    expect_mtree("?flat=0&owner=0", "info mtree");
}
END_TEST

START_TEST(mtree_bad_flags)
{
    WfResp r = wf_get("/api/v1/mtree?flat=yes");

    wf_expect_error(&r, 400, "InvalidParameter");
    wf_free(&r);
    r = wf_get("/api/v1/mtree?flatt=1");
    wf_expect_error(&r, 400, "InvalidParameter");
    wf_free(&r);
}
END_TEST

START_TEST(monitor_runs_a_command)
{
    char *want = tm_run("info mtree -f", NULL);
    WfResp r = wf_post_json("/api/v1/monitor",
                            "{\"command\": \"info mtree -f\"}");
    json_t *j;

    ck_assert_uint_eq(r.status, 200);
    j = wf_json(&r);
    ck_assert_str_eq(wf_str(j, "output"), want);
    ck_assert(json_is_false(json_object_get(j, "failed")));
    json_decref(j);
    wf_free(&r);
    free(want);

    r = wf_post_json("/api/v1/monitor", "{\"command\": \"frobnicate\"}");
    ck_assert_uint_eq(r.status, 200);
    j = wf_json(&r);
    ck_assert(strstr(wf_str(j, "output"), "unknown command") != NULL);
    ck_assert(json_is_true(json_object_get(j, "failed")));
    json_decref(j);
    wf_free(&r);
}
END_TEST

START_TEST(monitor_writes_through_the_command_table)
{
    uint8_t b = 0;
    WfResp r = wf_post_json("/api/v1/monitor",
                            "{\"command\": \"stb 0x80000010 0x5a\"}");

    ck_assert_uint_eq(r.status, 200);
    wf_free(&r);
    address_space_read(&tm.as_memory, 0x80000010, MEMTXATTRS_UNSPECIFIED, &b,
                       1);
    ck_assert_uint_eq(b, 0x5a);
}
END_TEST

START_TEST(monitor_bad_bodies)
{
    static const char *const bad[] = {
        "{}", "{\"command\": 3}", "{\"command\": \"info\\nquit\"}",
        "{\"command\": \"info mtree\", \"extra\": 1}", "[\"info\"]",
        "{\"command\": ", "{\"command\": \"a\", \"command\": \"b\"}",
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        WfResp r = wf_post_json("/api/v1/monitor", bad[i]);
        wf_expect_error(&r, 400, "InvalidParameter");
        wf_free(&r);
    }
}
END_TEST

/* ---- memory --------------------------------------------------------------- */

static void put_bytes(uint64_t addr, const void *data, size_t len)
{
    char target[128];
    WfResp r;

    snprintf(target, sizeof(target),
             "/api/v1/address-spaces/memory/memory?addr=0x%llx",
             (unsigned long long)addr);
    r = wf_do("PUT", target, data, len, NULL);
    ck_assert_msg(r.status == 200, "PUT: %u %s", r.status, r.body);
    wf_free(&r);
}

START_TEST(memory_put_then_get)
{
    const uint8_t data[16] = "0123456789abcdef";
    WfResp r;
    json_t *j;

    r = wf_do("PUT", "/api/v1/address-spaces/memory/memory?addr=0x80000100",
              data, sizeof(data), NULL);
    ck_assert_uint_eq(r.status, 200);
    j = wf_json(&r);
    ck_assert_str_eq(wf_str(j, "written"), "0x10");
    ck_assert_str_eq(wf_str(j, "result"), "ok");
    json_decref(j);
    wf_free(&r);

    r = wf_get("/api/v1/address-spaces/memory/memory?addr=0x80000100"
               "&len=16");
    ck_assert_uint_eq(r.status, 200);
    ck_assert_str_eq(wf_header(&r, "Content-Type"),
                     "application/octet-stream");
    ck_assert_uint_eq(r.len, 16);
    ck_assert(memcmp(r.body, data, 16) == 0);
    ck_assert_str_eq(wf_header(&r, "Accept-Ranges"), "bytes");
    wf_free(&r);

    /* the same bytes through the other address space on the root */
    r = wf_get("/api/v1/address-spaces/cpu-memory-0/memory?addr=2147483904"
               "&len=4");
    ck_assert_uint_eq(r.len, 4);
    ck_assert(memcmp(r.body, "0123", 4) == 0);
    wf_free(&r);
}
END_TEST

START_TEST(memory_as_hex_json)
{
    static const char *const acc[] = { "Accept: text/html, application/json",
                                       NULL };
    put_bytes(0x80000200, "\x01\xab\xff", 3);
    WfResp r = wf_do("GET", "/api/v1/address-spaces/memory/memory?"
                     "addr=0x80000200&len=3", NULL, 0, acc);
    json_t *j;

    ck_assert_uint_eq(r.status, 200);
    ck_assert_str_eq(wf_header(&r, "Content-Type"), "application/json");
    j = wf_json(&r);
    ck_assert_str_eq(wf_str(j, "addr"), "0x80000200");
    ck_assert_str_eq(wf_str(j, "len"), "0x3");
    ck_assert_str_eq(wf_str(j, "data"), "01abff");
    json_decref(j);
    wf_free(&r);

    r = wf_get("/api/v1/address-spaces/memory/memory?addr=0x80000200&len=2"
               "&format=hex");
    j = wf_json(&r);
    ck_assert_str_eq(wf_str(j, "data"), "01ab");
    json_decref(j);
    wf_free(&r);

    r = wf_get("/api/v1/address-spaces/memory/memory?addr=0x80000200&len=2"
               "&format=base64");
    wf_expect_error(&r, 400, "InvalidParameter");
    wf_free(&r);
}
END_TEST

START_TEST(memory_range_is_206)
{
    static const char *const h1[] = { "Range: bytes=4-7", NULL };
    static const char *const h2[] = { "Range: bytes=-3", NULL };
    static const char *const h3[] = { "Range: bytes=12-", NULL };
    static const char *const h4[] = { "Range: bytes=16-20", NULL };
    static const char *const h5[] = { "Range: bytes=0-1,4-5", NULL };
    static const char *const h6[] = { "Range: items=0-1", NULL };
    static const char *const h7[] = { "Range: bytes=4-7",
                                      "Accept: application/json", NULL };
    const char *t = "/api/v1/address-spaces/memory/memory?addr=0x80000300"
                    "&len=16";
    WfResp r;

    put_bytes(0x80000300, "ABCDEFGHIJKLMNOP", 16);
    r = wf_do("GET", t, NULL, 0, h1);
    ck_assert_uint_eq(r.status, 206);
    ck_assert_str_eq(r.body, "EFGH");
    ck_assert_str_eq(wf_header(&r, "Content-Range"), "bytes 4-7/16");
    wf_free(&r);
    r = wf_do("GET", t, NULL, 0, h2);
    ck_assert_uint_eq(r.status, 206);
    ck_assert_str_eq(r.body, "NOP");
    ck_assert_str_eq(wf_header(&r, "Content-Range"), "bytes 13-15/16");
    wf_free(&r);
    r = wf_do("GET", t, NULL, 0, h3);
    ck_assert_uint_eq(r.status, 206);
    ck_assert_str_eq(r.body, "MNOP");
    wf_free(&r);
    r = wf_do("GET", t, NULL, 0, h4);
    wf_expect_error(&r, 416, "RangeNotSatisfiable");
    ck_assert_str_eq(wf_header(&r, "Content-Range"), "bytes */16");
    wf_free(&r);
    r = wf_do("GET", t, NULL, 0, h5);
    wf_expect_error(&r, 400, "InvalidParameter");
    wf_free(&r);
    r = wf_do("GET", t, NULL, 0, h6);
    ck_assert_uint_eq(r.status, 200);
    ck_assert_uint_eq(r.len, 16);
    wf_free(&r);
    r = wf_do("GET", t, NULL, 0, h7);
    wf_expect_error(&r, 400, "InvalidParameter");
    wf_free(&r);
}
END_TEST

START_TEST(memory_read_cap_is_413)
{
    static const char *const h[] = { "Range: bytes=0-15", NULL };
    WfResp r = wf_get("/api/v1/address-spaces/memory/memory?addr=0x80000000"
                      "&len=0x4000001");

    wf_expect_error(&r, 413, "TooLarge");
    wf_free(&r);
    /* the cap is on what is sent: a small window of a long len is fine */
    r = wf_do("GET", "/api/v1/address-spaces/memory/memory?addr=0x80000000"
              "&len=0x8000000", NULL, 0, h);
    ck_assert_uint_eq(r.status, 206);
    ck_assert_uint_eq(r.len, 16);
    ck_assert_str_eq(wf_header(&r, "Content-Range"), "bytes 0-15/134217728");
    wf_free(&r);
}
END_TEST

START_TEST(memory_long_read_streams_the_bytes)
{
    const size_t len = 3 << 20;
    uint8_t *pattern = malloc(len);
    WfResp r;

    ck_assert_ptr_nonnull(pattern);
    for (size_t i = 0; i < len; i++) {
        pattern[i] = (uint8_t)(i * 7 + (i >> 12));
    }
    address_space_write(&tm.as_memory, 0x80100000, MEMTXATTRS_UNSPECIFIED,
                        pattern, (int)len);
    r = wf_get("/api/v1/address-spaces/memory/memory?addr=0x80100000"
               "&len=0x300000");
    ck_assert_uint_eq(r.status, 200);
    ck_assert(r.streamed);
    ck_assert(!r.stream_failed);
    ck_assert_uint_eq(r.len, len);
    ck_assert(memcmp(r.body, pattern, len) == 0);
    wf_free(&r);

    /* as hex, streamed too */
    r = wf_get("/api/v1/address-spaces/memory/memory?addr=0x80100000"
               "&len=0x200000&format=hex");
    ck_assert_uint_eq(r.status, 200);
    ck_assert(r.streamed);
    json_t *j = wf_json(&r);
    const char *hex = wf_str(j, "data");
    ck_assert_uint_eq(strlen(hex), 2u << 21);
    for (size_t i = 0; i < (2u << 20); i += 4099) {
        char two[3];
        snprintf(two, sizeof(two), "%02x", pattern[i]);
        ck_assert(memcmp(hex + 2 * i, two, 2) == 0);
    }
    json_decref(j);
    wf_free(&r);
    free(pattern);
}
END_TEST

START_TEST(memory_failed_read_names_the_address)
{
    WfResp r = wf_get("/api/v1/address-spaces/memory/memory?addr=0x87fffff0"
                      "&len=0x20");
    json_t *j, *e;

    wf_expect_error(&r, 422, "DecodeError");
    j = wf_json(&r);
    e = json_object_get(j, "error");
    ck_assert_str_eq(wf_str(e, "addr"), "0x88000000");
    ck_assert_str_eq(wf_str(e, "result"), "MEMTX_DECODE_ERROR");
    json_decref(j);
    wf_free(&r);

    /* a long read over a hole is refused before any byte is sent */
    r = wf_get("/api/v1/address-spaces/memory/memory?addr=0x87f00000"
               "&len=0x200000");
    wf_expect_error(&r, 422, "DecodeError");
    ck_assert(!r.streamed);
    j = wf_json(&r);
    ck_assert_str_eq(wf_str(json_object_get(j, "error"), "addr"),
                     "0x88000000");
    json_decref(j);
    wf_free(&r);
}
END_TEST

/* A device whose bytes from FAIL_AT on answer MEMTX_ERROR. */
#define FAIL_AT 0x180040
static MemTxResult failing_read(void *opaque, hwaddr addr, uint64_t *data,
                                unsigned size, MemTxAttrs attrs)
{
    (void)opaque, (void)attrs;
    *data = 0x5a5a5a5a5a5a5a5aull & (size == 8 ? ~0ull
                                     : ((1ull << (8 * size)) - 1));
    return addr + size > FAIL_AT ? MEMTX_ERROR : MEMTX_OK;
}

static MemTxResult failing_write(void *opaque, hwaddr addr, uint64_t data,
                                 unsigned size, MemTxAttrs attrs)
{
    (void)opaque, (void)addr, (void)data, (void)size, (void)attrs;
    return MEMTX_OK;
}

static const MemoryRegionOps failing_ops = {
    .read_with_attrs = failing_read,
    .write_with_attrs = failing_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 8 },
};

static MemoryRegion failing;

START_TEST(device_errors_name_the_failing_access)
{
    WfResp r;
    json_t *j, *e;

    memory_region_init_io(&failing, NULL, &failing_ops, NULL, "failing",
                          0x200000);
    memory_region_add_subregion(&tm.system, 0x6800000, &failing);

    /* buffered: a 422 naming the device's failing access */
    r = wf_get("/api/v1/address-spaces/memory/memory?addr=0x6980000"
               "&len=0x100");
    wf_expect_error(&r, 422, "DeviceError");
    j = wf_json(&r);
    e = json_object_get(j, "error");
    ck_assert_str_eq(wf_str(e, "result"), "MEMTX_ERROR");
    ck_assert_str_eq(wf_str(e, "addr"), "0x6980040");
    json_decref(j);
    wf_free(&r);

    /* streamed: the range is mapped, so the answer starts; the block
     * that fails ends it short, and nothing of that block is sent */
    r = wf_get("/api/v1/address-spaces/memory/memory?addr=0x6800000"
               "&len=0x200000");
    ck_assert_uint_eq(r.status, 200);
    ck_assert(r.streamed);
    ck_assert(r.stream_failed);
    ck_assert_uint_le(r.len, FAIL_AT);
    for (size_t i = 0; i < r.len; i++) {
        ck_assert_uint_eq((uint8_t)r.body[i], 0x5a);
    }
    wf_free(&r);

    r = wf_get("/api/v1/address-spaces/memory/ld?addr=0x6980040&size=4");
    wf_expect_error(&r, 422, "DeviceError");
    wf_free(&r);
}
END_TEST

START_TEST(memory_reads_devices)
{
    WfResp r = wf_post_json("/api/v1/address-spaces/memory/st",
                            "{\"addr\": \"0x3000004\", \"size\": 4, "
                            "\"value\": \"0x11223344\", \"endian\": \"le\"}");

    ck_assert_uint_eq(r.status, 200);
    wf_free(&r);
    r = wf_get("/api/v1/address-spaces/memory/memory?addr=0x3000002&len=8");
    ck_assert_uint_eq(r.status, 200);
    ck_assert(memcmp(r.body, "\0\0\x44\x33\x22\x11\0\0", 8) == 0);
    wf_free(&r);
}
END_TEST

START_TEST(memory_edge_cases)
{
    WfResp r = wf_get("/api/v1/address-spaces/memory/memory?addr=0x80000000"
                      "&len=0");

    ck_assert_uint_eq(r.status, 200);
    ck_assert_uint_eq(r.len, 0);
    wf_free(&r);
    r = wf_get("/api/v1/address-spaces/memory/memory?addr=0xfffffffffffffff0"
               "&len=0x11");
    wf_expect_error(&r, 400, "InvalidParameter");
    wf_free(&r);
    r = wf_get("/api/v1/address-spaces/memory/memory?addr=0x80000000");
    wf_expect_error(&r, 400, "InvalidParameter");
    wf_free(&r);
    r = wf_get("/api/v1/address-spaces/memory/memory?addr=0x80000000&len=-1");
    wf_expect_error(&r, 400, "InvalidParameter");
    wf_free(&r);
    r = wf_get("/api/v1/address-spaces/memory/memory?addr=0x80000000&len=1"
               "&lenght=2");
    wf_expect_error(&r, 400, "InvalidParameter");
    wf_free(&r);
    r = wf_get("/api/v1/address-spaces/memory/memory?addr=0x80000000&len=1"
               "&len=2");
    ck_assert_uint_eq(r.status, 400);
    wf_free(&r);
}
END_TEST

START_TEST(memory_put_refuses_before_writing)
{
    uint8_t before[8], after[8];
    uint8_t data[16];
    WfResp r;
    json_t *j;

    memset(data, 0xee, sizeof(data));
    address_space_read(&tm.as_memory, 0x87fffff8, MEMTXATTRS_UNSPECIFIED,
                       before, 8);
    r = wf_do("PUT", "/api/v1/address-spaces/memory/memory?addr=0x87fffff8",
              data, sizeof(data), (const char *const[]){
                  "Content-Length: 16", NULL });
    wf_expect_error(&r, 422, "DecodeError");
    j = wf_json(&r);
    ck_assert_str_eq(wf_str(json_object_get(j, "error"), "addr"),
                     "0x88000000");
    json_decref(j);
    wf_free(&r);
    address_space_read(&tm.as_memory, 0x87fffff8, MEMTXATTRS_UNSPECIFIED,
                       after, 8);
    ck_assert(memcmp(before, after, 8) == 0);

    /* ROM is not written through address_space_write */
    r = wf_do("PUT", "/api/v1/address-spaces/memory/memory?addr=0x1000",
              data, 4, (const char *const[]){ "Content-Length: 4", NULL });
    wf_expect_error(&r, 422, "DecodeError");
    wf_free(&r);

    /* without a length, it writes up to the hole and says how far */
    r = wf_do("PUT", "/api/v1/address-spaces/memory/memory?addr=0x87fffff8",
              data, sizeof(data), NULL);
    wf_expect_error(&r, 422, "DecodeError");
    j = wf_json(&r);
    ck_assert_str_eq(wf_str(json_object_get(j, "error"), "written"), "0x8");
    json_decref(j);
    wf_free(&r);
}
END_TEST

START_TEST(memory_put_too_large)
{
    WfResp r = wf_do("PUT", "/api/v1/address-spaces/memory/memory?"
                     "addr=0x80000000", "x", 1, (const char *const[]){
                         "Content-Length: 67108865", NULL });

    wf_expect_error(&r, 413, "TooLarge");
    wf_free(&r);
}
END_TEST

/* ---- ld / st -------------------------------------------------------------- */

START_TEST(ld_in_every_width_and_order)
{
    WfResp r;
    json_t *j;

    put_bytes(0x80000400, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
    r = wf_get("/api/v1/address-spaces/memory/ld?addr=0x80000400&size=4"
               "&endian=le");
    ck_assert_uint_eq(r.status, 200);
    j = wf_json(&r);
    ck_assert_str_eq(wf_str(j, "value"), "0x4030201");
    ck_assert_str_eq(wf_str(j, "addr"), "0x80000400");
    ck_assert_str_eq(wf_str(j, "size"), "0x4");
    ck_assert_str_eq(wf_str(j, "result"), "ok");
    json_decref(j);
    wf_free(&r);
    r = wf_get("/api/v1/address-spaces/memory/ld?addr=0x80000400&size=8"
               "&endian=be");
    j = wf_json(&r);
    ck_assert_str_eq(wf_str(j, "value"), "0x102030405060708");
    json_decref(j);
    wf_free(&r);
    r = wf_get("/api/v1/address-spaces/memory/ld?addr=0x80000401&size=2");
    j = wf_json(&r);
    ck_assert_str_eq(wf_str(j, "value"), "0x302");  /* native = little */
    json_decref(j);
    wf_free(&r);
    r = wf_get("/api/v1/address-spaces/memory/ld?addr=0x80000400&size=1");
    j = wf_json(&r);
    ck_assert_str_eq(wf_str(j, "value"), "0x1");
    json_decref(j);
    wf_free(&r);
}
END_TEST

START_TEST(ld_errors)
{
    static const char *const bad[] = {
        "/api/v1/address-spaces/memory/ld?addr=0x80000400&size=3",
        "/api/v1/address-spaces/memory/ld?addr=0x80000400",
        "/api/v1/address-spaces/memory/ld?size=4",
        "/api/v1/address-spaces/memory/ld?addr=0x80000400&size=4&endian=mid",
        "/api/v1/address-spaces/memory/ld?addr=0x80000400&size=4&x=1",
        "/api/v1/address-spaces/memory/ld?addr=0x%zz&size=4",
        "/api/v1/address-spaces/memory/ld?addr=0x80000400&size=4&=1",
    };
    WfResp r;
    json_t *j;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        r = wf_get(bad[i]);
        wf_expect_error(&r, 400, "InvalidParameter");
        wf_free(&r);
    }
    r = wf_get("/api/v1/address-spaces/memory/ld?addr=0x7000000&size=4");
    wf_expect_error(&r, 422, "DecodeError");
    j = wf_json(&r);
    ck_assert_str_eq(wf_str(json_object_get(j, "error"), "addr"),
                     "0x7000000");
    json_decref(j);
    wf_free(&r);
}
END_TEST

START_TEST(st_stores)
{
    uint8_t b[4];
    WfResp r = wf_post_json("/api/v1/address-spaces/memory/st",
                            "{\"addr\": \"0x80000500\", \"size\": \"4\", "
                            "\"value\": \"0xa1b2c3d4\", \"endian\": \"be\"}");
    json_t *j;

    ck_assert_uint_eq(r.status, 200);
    j = wf_json(&r);
    ck_assert_str_eq(wf_str(j, "result"), "ok");
    json_decref(j);
    wf_free(&r);
    address_space_read(&tm.as_memory, 0x80000500, MEMTXATTRS_UNSPECIFIED, b,
                       4);
    ck_assert(memcmp(b, "\xa1\xb2\xc3\xd4", 4) == 0);

    r = wf_post_json("/api/v1/address-spaces/memory/st",
                     "{\"addr\": 2147484928, \"size\": 1, \"value\": 255}");
    ck_assert_uint_eq(r.status, 200);
    wf_free(&r);
    address_space_read(&tm.as_memory, 0x80000500, MEMTXATTRS_UNSPECIFIED, b,
                       1);
    ck_assert_uint_eq(b[0], 0xff);
}
END_TEST

START_TEST(st_errors)
{
    static const char *const bad[] = {
        "{\"addr\": \"0x80000500\", \"size\": 1, \"value\": 256}",
        "{\"addr\": \"0x80000500\", \"size\": 3, \"value\": 1}",
        "{\"addr\": \"0x80000500\", \"size\": 1}",
        "{\"size\": 1, \"value\": 1}",
        "{\"addr\": -1, \"size\": 1, \"value\": 1}",
        "{\"addr\": \"0x80000500\", \"size\": 1, \"value\": 1, \"x\": 0}",
        "{\"addr\": \"0x80000500\", \"size\": 1, \"value\": 1, "
        "\"endian\": 5}",
        "{\"addr\": \"zz\", \"size\": 1, \"value\": 1}",
        "not json",
        "[1, 2]",
    };
    WfResp r;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        r = wf_post_json("/api/v1/address-spaces/memory/st", bad[i]);
        wf_expect_error(&r, 400, "InvalidParameter");
        wf_free(&r);
    }
    r = wf_post_json("/api/v1/address-spaces/memory/st",
                     "{\"addr\": \"0x7000000\", \"size\": 4, \"value\": 1}");
    wf_expect_error(&r, 422, "DecodeError");
    wf_free(&r);
}
END_TEST

START_TEST(json_bodies_must_be_json)
{
    const char *body = "{\"command\": \"info mtree\"}";
    WfResp r = wf_do("POST", "/api/v1/monitor", body, strlen(body),
                     (const char *const[]){ "Content-Type: text/plain",
                                            NULL });

    wf_expect_error(&r, 415, "UnsupportedMediaType");
    wf_free(&r);
    r = wf_do("POST", "/api/v1/monitor", body, strlen(body), NULL);
    wf_expect_error(&r, 415, "UnsupportedMediaType");
    wf_free(&r);
    r = wf_do("POST", "/api/v1/address-spaces/memory/st", body, strlen(body),
              (const char *const[]){
                  "Content-Type: application/x-www-form-urlencoded", NULL });
    wf_expect_error(&r, 415, "UnsupportedMediaType");
    wf_free(&r);
    r = wf_do("POST", "/api/v1/monitor", body, strlen(body),
              (const char *const[]){
                  "Content-Type: Application/JSON; charset=utf-8", NULL });
    ck_assert_uint_eq(r.status, 200);
    wf_free(&r);
}
END_TEST

START_TEST(json_body_limit)
{
    size_t n = WEB_MAX_JSON_BODY + 10;
    char *big = malloc(n + 1);

    ck_assert_ptr_nonnull(big);
    memset(big, ' ', n);
    big[n] = '\0';
    big[0] = '{';
    big[n - 1] = '}';
    WfResp r = wf_post_json("/api/v1/monitor", big);
    wf_expect_error(&r, 413, "TooLarge");
    wf_free(&r);
    free(big);
}
END_TEST

/* ---- read-only --------------------------------------------------------------- */

START_TEST(read_only_refuses_every_write)
{
    uint8_t b = 0x77;
    WfResp r;

    address_space_write(&tm.as_memory, 0x80000600, MEMTXATTRS_UNSPECIFIED,
                        &b, 1);
    r = wf_do("PUT", "/api/v1/address-spaces/memory/memory?addr=0x80000600",
              "\x01", 1, NULL);
    wf_expect_error(&r, 403, "ReadOnly");
    wf_free(&r);
    r = wf_post_json("/api/v1/address-spaces/memory/st",
                     "{\"addr\": \"0x80000600\", \"size\": 1, \"value\": 1}");
    wf_expect_error(&r, 403, "ReadOnly");
    wf_free(&r);
    r = wf_post_json("/api/v1/monitor",
                     "{\"command\": \"stb 0x80000600 1\"}");
    wf_expect_error(&r, 403, "ReadOnly");
    wf_free(&r);
    address_space_read(&tm.as_memory, 0x80000600, MEMTXATTRS_UNSPECIFIED, &b,
                       1);
    ck_assert_uint_eq(b, 0x77);

    /* reads still work, the monitor's included */
    r = wf_post_json("/api/v1/monitor", "{\"command\": \"xp /1xb "
                     "0x80000600\"}");
    ck_assert_uint_eq(r.status, 200);
    ck_assert(strstr(r.body, "0x77") != NULL);
    wf_free(&r);
    r = wf_get("/api/v1/address-spaces/memory/memory?addr=0x80000600&len=1");
    ck_assert_uint_eq(r.status, 200);
    wf_free(&r);
}
END_TEST

/* ---- routing --------------------------------------------------------------------- */

START_TEST(unknown_paths_are_404)
{
    static const char *const paths[] = {
        "/api/v1/nothing", "/api/v2/address-spaces", "/api/v1/regions/",
        "/api/v1/address-spaces/", "/api/v1//address-spaces", "/api",
        "/api/", "/api/v1/address-spaces/memory/tree/x", "/nope.html",
    };

    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        WfResp r = wf_get(paths[i]);
        wf_expect_error(&r, 404, "NotFound");
        wf_free(&r);
    }
}
END_TEST

/* Names and parameters that are not UTF-8 are echoed in the error's
 * sentence: the answer is still the error they deserve, not a 500. */
START_TEST(non_utf8_input_gets_its_own_error)
{
    static const struct {
        const char *target;
        unsigned status;
        const char *cls;
    } cases[] = {
        { "/api/v1/regions/%ff%fe", 404, "NotFound" },
        { "/api/v1/address-spaces/%ff/tree", 404, "NotFound" },
        { "/api/v1/address-spaces/%ff/memory?addr=0&len=1", 404, "NotFound" },
        { "/api/v1/address-spaces/memory/memory?addr=%ff&len=1", 400,
          "InvalidParameter" },
        { "/api/v1/mtree?%ff=1", 400, "InvalidParameter" },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        WfResp r = wf_get(cases[i].target);
        wf_expect_error(&r, cases[i].status, cases[i].cls);
        /* the bad byte is shown as U+FFFD */
        ck_assert_ptr_nonnull(strstr(r.body, "\xef\xbf\xbd"));
        wf_free(&r);
    }
}
END_TEST

START_TEST(wrong_method_is_405_with_allow)
{
    WfResp r = wf_do("DELETE", "/api/v1/regions", NULL, 0, NULL);

    wf_expect_error(&r, 405, "MethodNotAllowed");
    ck_assert_str_eq(wf_header(&r, "Allow"), "GET, HEAD");
    wf_free(&r);
    r = wf_do("GET", "/api/v1/address-spaces/memory/st", NULL, 0, NULL);
    wf_expect_error(&r, 405, "MethodNotAllowed");
    ck_assert_str_eq(wf_header(&r, "Allow"), "POST");
    wf_free(&r);
    r = wf_do("POST", "/api/v1/address-spaces/memory/memory?addr=0", "{}", 2,
              (const char *const[]){ "Content-Type: application/json",
                                     NULL });
    wf_expect_error(&r, 405, "MethodNotAllowed");
    ck_assert_str_eq(wf_header(&r, "Allow"), "GET, HEAD, PUT");
    wf_free(&r);
    r = wf_do("OPTIONS", "/api/v1/monitor", NULL, 0, NULL);
    wf_expect_error(&r, 405, "MethodNotAllowed");
    ck_assert_ptr_null(wf_header(&r, "Access-Control-Allow-Origin"));
    wf_free(&r);
    r = wf_do("POST", "/", "{}", 2, (const char *const[]){
                  "Content-Type: application/json", NULL });
    wf_expect_error(&r, 405, "MethodNotAllowed");
    wf_free(&r);
}
END_TEST

START_TEST(head_answers_like_get)
{
    WfResp r = wf_do("HEAD", "/api/v1/address-spaces", NULL, 0, NULL);

    ck_assert_uint_eq(r.status, 200);
    wf_free(&r);
    /* HEAD of memory reads nothing: its body is a stream never read */
    static const char *const none[] = { NULL };
    WebRequest req = {
        .method = "HEAD",
        .target = "/api/v1/address-spaces/memory/memory?addr=0x3000000"
                  "&len=8",
        .headers = (WebHeader[]){ { "Host", "127.0.0.1:8080" } },
        .nheaders = 1,
    };
    WebResponse resp;
    (void)none;
    web_handle(wf_api, &req, &resp);
    ck_assert_uint_eq(resp.status, 200);
    ck_assert_ptr_nonnull(resp.stream);
    ck_assert_uint_eq(resp.stream->length, 8);
    web_response_free(&resp);
}
END_TEST

START_TEST(limits_on_target_and_headers)
{
    char *target = malloc(WEB_MAX_TARGET + 64);
    char *value = malloc(WEB_MAX_HEADERS + 1);
    const char *h[2];
    WfResp r;

    ck_assert_ptr_nonnull(target);
    ck_assert_ptr_nonnull(value);
    strcpy(target, "/api/v1/address-spaces?");
    memset(target + strlen(target), 'a', WEB_MAX_TARGET);
    target[WEB_MAX_TARGET + 1] = '\0';
    r = wf_get(target);
    wf_expect_error(&r, 414, "TooLarge");
    wf_free(&r);

    strcpy(value, "X-Big: ");
    memset(value + 7, 'b', WEB_MAX_HEADERS - 7);
    value[WEB_MAX_HEADERS] = '\0';
    h[0] = value;
    h[1] = NULL;
    r = wf_do("GET", "/api/v1/address-spaces", NULL, 0, h);
    wf_expect_error(&r, 431, "TooLarge");
    wf_free(&r);
    free(target);
    free(value);
}
END_TEST

START_TEST(openapi_is_served)
{
    WfResp r = wf_get("/api/v1/openapi.json");
    json_t *j;

    ck_assert_uint_eq(r.status, 200);
    j = wf_json(&r);
    ck_assert_str_eq(wf_str(j, "openapi"), "3.0.3");
    json_decref(j);
    wf_free(&r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("web_api");
    TCase *tc = tcase_create("endpoints");
    TCase *ro = tcase_create("read_only");

    tcase_add_checked_fixture(tc, wf_setup, wf_teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, address_spaces_lists_every_one);
    tcase_add_test(tc, tree_is_info_mtree_as_json);
    tcase_add_test(tc, tree_shows_disabled_aliases);
    tcase_add_test(tc, names_in_paths_are_url_decoded);
    tcase_add_test(tc, unknown_address_space_is_404);
    tcase_add_test(tc, a_tree_too_deep_is_refused_whole);
    tcase_add_test(tc, flatview_in_address_order);
    tcase_add_test(tc, find_is_memory_region_find);
    tcase_add_test(tc, regions_lists_the_board_names);
    tcase_add_test(tc, region_by_name);
    tcase_add_test(tc, mtree_is_the_monitors_text);
    tcase_add_test(tc, mtree_bad_flags);
    tcase_add_test(tc, monitor_runs_a_command);
    tcase_add_test(tc, monitor_writes_through_the_command_table);
    tcase_add_test(tc, monitor_bad_bodies);
    tcase_add_test(tc, memory_put_then_get);
    tcase_add_test(tc, memory_as_hex_json);
    tcase_add_test(tc, memory_range_is_206);
    tcase_add_test(tc, memory_read_cap_is_413);
    tcase_add_test(tc, memory_long_read_streams_the_bytes);
    tcase_add_test(tc, memory_failed_read_names_the_address);
    tcase_add_test(tc, memory_reads_devices);
    tcase_add_test(tc, device_errors_name_the_failing_access);
    tcase_add_test(tc, memory_edge_cases);
    tcase_add_test(tc, memory_put_refuses_before_writing);
    tcase_add_test(tc, memory_put_too_large);
    tcase_add_test(tc, ld_in_every_width_and_order);
    tcase_add_test(tc, ld_errors);
    tcase_add_test(tc, st_stores);
    tcase_add_test(tc, st_errors);
    tcase_add_test(tc, json_bodies_must_be_json);
    tcase_add_test(tc, json_body_limit);
    tcase_add_test(tc, unknown_paths_are_404);
    tcase_add_test(tc, non_utf8_input_gets_its_own_error);
    tcase_add_test(tc, wrong_method_is_405_with_allow);
    tcase_add_test(tc, head_answers_like_get);
    tcase_add_test(tc, limits_on_target_and_headers);
    tcase_add_test(tc, openapi_is_served);
    suite_add_tcase(s, tc);

    tcase_add_checked_fixture(ro, wf_setup_read_only, wf_teardown);
    tcase_add_test(ro, read_only_refuses_every_write);
    suite_add_tcase(s, ro);

    return ck_run_suite(s);
}
