/*
 * tests/unit/test_web_parse.c — the REST endpoint's parsers and checks on
 * their own: numbers, percent-encoding, the query, Range, media types,
 * Host, Origin and the token comparison.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../web/internal.h"
#include "check_run.h"

START_TEST(numbers_hex_or_decimal)
{
    uint64_t v;

    ck_assert(web_parse_u64("0", &v) && v == 0);
    ck_assert(web_parse_u64("31", &v) && v == 31);
    ck_assert(web_parse_u64("0x1F", &v) && v == 31);
    ck_assert(web_parse_u64("0X1f", &v) && v == 31);
    ck_assert(web_parse_u64("0xffffffffffffffff", &v) && v == UINT64_MAX);
    ck_assert(web_parse_u64("18446744073709551615", &v) && v == UINT64_MAX);
    ck_assert(web_parse_u64("0x0000000000000000001", &v) && v == 1);
    ck_assert(!web_parse_u64("18446744073709551616", &v));
    ck_assert(!web_parse_u64("0x10000000000000000", &v));
    ck_assert(!web_parse_u64("", &v));
    ck_assert(!web_parse_u64("0x", &v));
    ck_assert(!web_parse_u64("-1", &v));
    ck_assert(!web_parse_u64("+1", &v));
    ck_assert(!web_parse_u64(" 1", &v));
    ck_assert(!web_parse_u64("1 ", &v));
    ck_assert(!web_parse_u64("12abc", &v));
    ck_assert(!web_parse_u64("0x1g", &v));
    ck_assert(!web_parse_u64(NULL, &v));
}
END_TEST

START_TEST(percent_decoding)
{
    bool oom;
    char *s;

    s = web_pct_decode("I%2FO", 5, false, &oom);
    ck_assert_str_eq(s, "I/O");
    free(s);
    s = web_pct_decode("a+b%20c", 7, true, &oom);
    ck_assert_str_eq(s, "a b c");
    free(s);
    s = web_pct_decode("a+b", 3, false, &oom);
    ck_assert_str_eq(s, "a+b");
    free(s);
    ck_assert_ptr_null(web_pct_decode("%2", 2, false, &oom));
    ck_assert(!oom);
    ck_assert_ptr_null(web_pct_decode("%zz", 3, false, &oom));
    ck_assert_ptr_null(web_pct_decode("a%00b", 5, false, &oom));
    ck_assert_ptr_null(web_pct_decode("%", 1, false, &oom));
}
END_TEST

START_TEST(query_split)
{
    WebParam *p;
    size_t n;
    bool oom;

    ck_assert(web_parse_query("addr=0x10&len=4&flag&&x=a%3Db", &p, &n,
                              &oom));
    ck_assert_uint_eq(n, 4);
    ck_assert_str_eq(p[0].name, "addr");
    ck_assert_str_eq(p[0].value, "0x10");
    ck_assert_str_eq(p[2].name, "flag");
    ck_assert_str_eq(p[2].value, "");
    ck_assert_str_eq(p[3].value, "a=b");
    web_params_free(p, n);
    ck_assert(web_parse_query(NULL, &p, &n, &oom) && n == 0);
    ck_assert(web_parse_query("", &p, &n, &oom) && n == 0);
    ck_assert(!web_parse_query("=1", &p, &n, &oom) && !oom);
    ck_assert(!web_parse_query("a=%x1", &p, &n, &oom) && !oom);
}
END_TEST

START_TEST(range_header)
{
    uint64_t a, b;

    ck_assert_int_eq(web_parse_range(NULL, 16, &a, &b), WEB_RANGE_NONE);
    ck_assert_int_eq(web_parse_range("bytes=0-3", 16, &a, &b), WEB_RANGE_OK);
    ck_assert(a == 0 && b == 3);
    ck_assert_int_eq(web_parse_range("bytes = 4-100", 16, &a, &b),
                     WEB_RANGE_OK);
    ck_assert(a == 4 && b == 15);
    ck_assert_int_eq(web_parse_range("bytes=5-", 16, &a, &b), WEB_RANGE_OK);
    ck_assert(a == 5 && b == 15);
    ck_assert_int_eq(web_parse_range("bytes=-4", 16, &a, &b), WEB_RANGE_OK);
    ck_assert(a == 12 && b == 15);
    ck_assert_int_eq(web_parse_range("bytes=-40", 16, &a, &b), WEB_RANGE_OK);
    ck_assert(a == 0 && b == 15);
    ck_assert_int_eq(web_parse_range("bytes=16-20", 16, &a, &b),
                     WEB_RANGE_UNSATISFIABLE);
    ck_assert_int_eq(web_parse_range("bytes=-0", 16, &a, &b),
                     WEB_RANGE_UNSATISFIABLE);
    ck_assert_int_eq(web_parse_range("bytes=0-0", 0, &a, &b),
                     WEB_RANGE_UNSATISFIABLE);
    ck_assert_int_eq(web_parse_range("bytes=3-2", 16, &a, &b),
                     WEB_RANGE_BAD);
    ck_assert_int_eq(web_parse_range("bytes=0-1,3-4", 16, &a, &b),
                     WEB_RANGE_BAD);
    ck_assert_int_eq(web_parse_range("bytes=a-b", 16, &a, &b),
                     WEB_RANGE_BAD);
    ck_assert_int_eq(web_parse_range("bytes=-", 16, &a, &b), WEB_RANGE_BAD);
    ck_assert_int_eq(web_parse_range("bytes=99999999999999999999-", 16, &a,
                                     &b), WEB_RANGE_BAD);
    ck_assert_int_eq(web_parse_range("pages=0-1", 16, &a, &b),
                     WEB_RANGE_NONE);
    ck_assert_int_eq(web_parse_range("bytesx=0-1", 16, &a, &b),
                     WEB_RANGE_NONE);
}
END_TEST

START_TEST(media_types)
{
    ck_assert(web_media_type_is("application/json", "application/json"));
    ck_assert(web_media_type_is("Application/JSON ; charset=utf-8",
                                "application/json"));
    ck_assert(!web_media_type_is("application/jsonx", "application/json"));
    ck_assert(!web_media_type_is("text/plain", "application/json"));
    ck_assert(!web_media_type_is(NULL, "application/json"));
    ck_assert(web_accepts_json("text/html, application/json;q=0.9"));
    ck_assert(web_accepts_json("application/json"));
    ck_assert(!web_accepts_json("*/*"));
    ck_assert(!web_accepts_json("application/octet-stream"));
    ck_assert(!web_accepts_json(NULL));
}
END_TEST

static WebApi *api_for(const char *host, const char *bound, const char *tok)
{
    static MonitorMachine mm;
    WebApiConfig cfg = { .machine = &mm, .host = host, .bound_host = bound,
                         .port = 8080, .token = tok };
    WebApi *api = web_api_new(&cfg);

    ck_assert_ptr_nonnull(api);
    return api;
}

START_TEST(host_check)
{
    WebApi *lo = api_for("localhost", "127.0.0.1", NULL);
    WebApi *any = api_for("0.0.0.0", "0.0.0.0", "t");
    WebApi *v6 = api_for("::1", "::1", NULL);

    ck_assert(web_host_ok(lo, "localhost:8080"));
    ck_assert(web_host_ok(lo, "127.0.0.1:8080"));
    ck_assert(!web_host_ok(lo, "127.0.0.2:8080"));
    ck_assert(!web_host_ok(lo, "localhost:80"));
    ck_assert(!web_host_ok(lo, NULL));
    ck_assert(!web_host_ok(lo, ""));
    ck_assert(!web_host_ok(lo, ":8080"));
    ck_assert(!web_host_ok(lo, "localhost:"));
    ck_assert(!web_host_ok(lo, "localhost:123456"));
    ck_assert(web_host_ok(v6, "[::1]:8080"));
    ck_assert(!web_host_ok(v6, "[::1]"));
    ck_assert(!web_host_ok(v6, "[::1:8080"));
    ck_assert(!web_host_ok(v6, "::1:8080"));
    /* every address: any literal, never a DNS name but localhost */
    ck_assert(web_host_ok(any, "192.168.1.20:8080"));
    ck_assert(web_host_ok(any, "[fe80::1]:8080"));
    ck_assert(web_host_ok(any, "localhost:8080"));
    ck_assert(!web_host_ok(any, "myhost.example:8080"));
    ck_assert(!web_host_ok(any, "192.168.1.20:8081"));
    web_api_free(lo);
    web_api_free(any);
    web_api_free(v6);
}
END_TEST

START_TEST(origin_check)
{
    ck_assert(web_origin_ok(NULL, "127.0.0.1:8080"));
    ck_assert(web_origin_ok("http://127.0.0.1:8080", "127.0.0.1:8080"));
    ck_assert(web_origin_ok("HTTP://LOCALHOST:8080", "localhost:8080"));
    ck_assert(!web_origin_ok("http://localhost:8080", "127.0.0.1:8080"));
    ck_assert(!web_origin_ok("null", "127.0.0.1:8080"));
    ck_assert(!web_origin_ok("", "127.0.0.1:8080"));
    ck_assert(!web_origin_ok("http://127.0.0.1:80801", "127.0.0.1:8080"));
    ck_assert(!web_origin_ok("http://127.0.0.1:8080.evil.example",
                             "127.0.0.1:8080"));
}
END_TEST

START_TEST(token_comparison)
{
    WebApi *api = api_for("127.0.0.1", NULL, "s3cret");

    ck_assert(web_token_equal(api, "s3cret"));
    ck_assert(!web_token_equal(api, "s3cre"));
    ck_assert(!web_token_equal(api, "s3cretx"));
    ck_assert(!web_token_equal(api, ""));
    ck_assert(!web_token_equal(api, "S3cret"));
    ck_assert(web_token_ok(api, "Bearer s3cret"));
    ck_assert(!web_token_ok(api, NULL));
    ck_assert(!web_token_ok(api, "s3cret"));
    web_api_free(api);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("web_parse");
    TCase *tc = tcase_create("parse");

    tcase_add_test(tc, numbers_hex_or_decimal);
    tcase_add_test(tc, percent_decoding);
    tcase_add_test(tc, query_split);
    tcase_add_test(tc, range_header);
    tcase_add_test(tc, media_types);
    tcase_add_test(tc, host_check);
    tcase_add_test(tc, origin_check);
    tcase_add_test(tc, token_comparison);
    suite_add_tcase(s, tc);
    return ck_run_suite(s);
}
