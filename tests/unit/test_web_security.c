/*
 * tests/unit/test_web_security.c — who may talk to the REST endpoint:
 * the Host check (DNS rebinding), cross-origin writes, the token, the
 * page's headers, and no CORS grant ever.
 */
#include <stdlib.h>
#include <string.h>

#include "test_web_fixture.h"
#include "check_run.h"

static void expect_status(const char *method, const char *target,
                          const char *const *headers, unsigned status)
{
    WfResp r = wf_do(method, target, "{}", 2, headers);

    ck_assert_msg(r.status == status, "%s %s: %u, expected %u: %s", method,
                  target, r.status, status, r.body);
    ck_assert_ptr_null(wf_header(&r, "Access-Control-Allow-Origin"));
    ck_assert_ptr_null(wf_header(&r, "Access-Control-Allow-Methods"));
    ck_assert_ptr_null(wf_header(&r, "Access-Control-Allow-Headers"));
    ck_assert_ptr_null(wf_header(&r, "Access-Control-Allow-Credentials"));
    wf_free(&r);
}

#define H(...) ((const char *const[]){ __VA_ARGS__, NULL })

START_TEST(host_must_name_the_listen_address)
{
    const char *t = "/api/v1/address-spaces";

    expect_status("GET", t, H("Host: 127.0.0.1:8080"), 200);
    expect_status("GET", t, H("Host: localhost:8080"), 200);
    expect_status("GET", t, H("Host: LOCALHOST:8080"), 200);
    expect_status("GET", t, H("Host: localhost"), 200);
    expect_status("GET", t, H("Host: evil.example:8080"), 403);
    expect_status("GET", t, H("Host: evil.example"), 403);
    expect_status("GET", t, H("Host: 127.0.0.1:8081"), 403);
    expect_status("GET", t, H("Host: 127.0.0.1"), 403);
    expect_status("GET", t, H("Host: [::1]:8080"), 403);
    expect_status("GET", t, H("Host: 127.0.0.1:8080:1"), 403);
    expect_status("GET", t, H("Host: localhost.evil.example:8080"), 403);
    expect_status("GET", t, H("Host:"), 403);
    /* the page too: a rebound name reads nothing */
    expect_status("GET", "/", H("Host: evil.example:8080"), 403);

    WfResp r = wf_do("GET", t, NULL, 0, H("Host: evil.example:8080"));
    wf_expect_error(&r, 403, "Forbidden");
    wf_free(&r);
}
END_TEST

START_TEST(writes_from_another_origin_are_refused)
{
    const char *st = "/api/v1/address-spaces/memory/st";
    const char *mon = "/api/v1/monitor";
    WfResp r;

    expect_status("POST", mon, H("Content-Type: application/json",
                                 "Origin: http://evil.example"), 403);
    expect_status("POST", mon, H("Content-Type: application/json",
                                 "Origin: null"), 403);
    expect_status("POST", mon, H("Content-Type: application/json",
                                 "Origin: http://127.0.0.1:8081"), 403);
    expect_status("POST", mon, H("Content-Type: application/json",
                                 "Origin: https://127.0.0.1:8080"), 403);
    expect_status("PUT", "/api/v1/address-spaces/memory/memory?addr=0x80000000",
                  H("Origin: http://evil.example"), 403);
    expect_status("DELETE", "/api/v1/regions",
                  H("Origin: http://evil.example"), 403);
    /* memcored's own origin, or none (curl, scripts) */
    const char *body = "{\"addr\": \"0x80000000\", \"size\": 1, "
                       "\"value\": 1}";
    r = wf_do("POST", st, body, strlen(body),
              H("Content-Type: application/json",
                "Origin: http://127.0.0.1:8080"));
    ck_assert_uint_eq(r.status, 200);
    wf_free(&r);
    r = wf_do("POST", mon, "{\"command\": \"info mtree\"}", 25,
              H("Content-Type: application/json",
                "Host: localhost:8080", "Origin: http://localhost:8080"));
    ck_assert_uint_eq(r.status, 200);
    wf_free(&r);
    /* reading from another origin is the browser's business (no CORS) */
    expect_status("GET", "/api/v1/address-spaces",
                  H("Origin: http://evil.example"), 200);

    r = wf_do("POST", mon, "{}", 2, H("Content-Type: application/json",
                                      "Origin: http://evil.example"));
    wf_expect_error(&r, 403, "Forbidden");
    wf_free(&r);
}
END_TEST

START_TEST(a_form_post_cannot_reach_the_monitor)
{
    /* What a cross-site <form> can send, even from the same origin. */
    const char *form = "command=quit";
    WfResp r = wf_do("POST", "/api/v1/monitor", form, strlen(form),
                     H("Content-Type: application/x-www-form-urlencoded"));

    wf_expect_error(&r, 415, "UnsupportedMediaType");
    wf_free(&r);
    r = wf_do("POST", "/api/v1/monitor", "{\"command\":\"quit\"}", 18,
              H("Content-Type: text/plain"));
    wf_expect_error(&r, 415, "UnsupportedMediaType");
    wf_free(&r);
    ck_assert_int_eq(tm.quit_calls, 0);
}
END_TEST

START_TEST(the_page_carries_its_policy)
{
    WfResp r = wf_get("/");

    ck_assert_uint_eq(r.status, 200);
    ck_assert(strncmp(wf_header(&r, "Content-Type"), "text/html", 9) == 0);
    ck_assert_str_eq(wf_header(&r, "Content-Security-Policy"),
                     "default-src 'self'; frame-ancestors 'none'");
    ck_assert_str_eq(wf_header(&r, "X-Content-Type-Options"), "nosniff");
    ck_assert_str_eq(wf_header(&r, "Referrer-Policy"), "no-referrer");
    ck_assert_ptr_null(wf_header(&r, "Access-Control-Allow-Origin"));
    ck_assert_uint_gt(r.len, 0);
    wf_free(&r);
    /* API answers too */
    r = wf_get("/api/v1/address-spaces");
    ck_assert_str_eq(wf_header(&r, "X-Content-Type-Options"), "nosniff");
    ck_assert_str_eq(wf_header(&r, "Cache-Control"), "no-store");
    wf_free(&r);
}
END_TEST

START_TEST(token_is_required_on_the_api)
{
    const char *t = "/api/v1/address-spaces";
    WfResp r = wf_get(t);

    wf_expect_error(&r, 401, "Unauthorized");
    ck_assert(strncmp(wf_header(&r, "WWW-Authenticate"), "Bearer", 6) == 0);
    wf_free(&r);
    expect_status("GET", t, H("Authorization: Bearer s3cret"), 200);
    expect_status("GET", t, H("Authorization: bearer   s3cret  "), 200);
    expect_status("GET", t, H("Authorization: Bearer s3cre"), 401);
    expect_status("GET", t, H("Authorization: Bearer s3cretX"), 401);
    expect_status("GET", t, H("Authorization: Bearer "), 401);
    expect_status("GET", t, H("Authorization: Basic czNjcmV0"), 401);
    expect_status("GET", t, H("Authorization: Bearers3cret"), 401);
    expect_status("GET", "/api/v1/nothing", NULL, 401);
    expect_status("POST", "/api/v1/monitor",
                  H("Content-Type: application/json"), 401);
    /* only the event stream takes it in the query (EventSource) */
    expect_status("GET", "/api/v1/address-spaces?access_token=s3cret", NULL,
                  401);
    r = wf_get("/api/v1/events?access_token=s3cret");
    ck_assert_uint_ne(r.status, 401);
    wf_free(&r);
    expect_status("GET", "/api/v1/events?access_token=nope", NULL, 401);
    /* the page loads without it, and asks for it */
    expect_status("GET", "/", NULL, 200);
    /* Host is still checked first */
    expect_status("GET", t, H("Authorization: Bearer s3cret",
                              "Host: evil.example:8080"), 403);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("web_security");
    TCase *tc = tcase_create("open");
    TCase *tok = tcase_create("token");

    tcase_add_checked_fixture(tc, wf_setup, wf_teardown);
    tcase_add_test(tc, host_must_name_the_listen_address);
    tcase_add_test(tc, writes_from_another_origin_are_refused);
    tcase_add_test(tc, a_form_post_cannot_reach_the_monitor);
    tcase_add_test(tc, the_page_carries_its_policy);
    suite_add_tcase(s, tc);
    tcase_add_checked_fixture(tok, wf_setup_token, wf_teardown);
    tcase_add_test(tok, token_is_required_on_the_api);
    suite_add_tcase(s, tok);
    return ck_run_suite(s);
}
