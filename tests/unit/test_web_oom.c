/*
 * tests/unit/test_web_oom.c — memory running out while a request is
 * answered: for every request below, the Nth allocation of the handler
 * layer (and of jansson, through json_set_alloc_funcs) fails, for N = 1,
 * 2, ... until one run needs no more.  Every run must still give an
 * answer with a status (a 500 InternalError when memory ran out, else
 * the normal answer), whose body is JSON or the normal body, and leak
 * nothing (the ASan build's leak checker sees to that).
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "test_web_fixture.h"
#include "check_run.h"

/* --wrap=malloc,calloc,realloc: the handler layer's own calls come here. */
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);

static atomic_long countdown = -1;  /* fail when it reaches 0; -1: never */
static atomic_bool failed_one;

static bool should_fail(void)
{
    long left = atomic_load(&countdown);

    while (left >= 0) {
        if (atomic_compare_exchange_weak(&countdown, &left, left - 1)) {
            if (left == 0) {
                atomic_store(&failed_one, true);
                return true;
            }
            return false;
        }
    }
    return false;
}

void *__wrap_malloc(size_t n);
void *__wrap_malloc(size_t n)
{
    return should_fail() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t m);
void *__wrap_calloc(size_t n, size_t m)
{
    return should_fail() ? NULL : __real_calloc(n, m);
}

void *__wrap_realloc(void *p, size_t n);
void *__wrap_realloc(void *p, size_t n)
{
    return should_fail() ? NULL : __real_realloc(p, n);
}

static void *json_malloc(size_t n)
{
    return __wrap_malloc(n);
}

static void oom_setup(void)
{
    wf_setup();
    json_set_alloc_funcs(json_malloc, free);
}

static void oom_teardown(void)
{
    atomic_store(&countdown, -1);
    json_set_alloc_funcs(malloc, free);
    wf_teardown();
}

typedef struct Case {
    const char *method;
    const char *target;
    const char *body;
    const char *ctype;
} Case;

static const Case cases[] = {
    { "GET", "/api/v1/address-spaces", NULL, NULL },
    { "GET", "/api/v1/address-spaces/memory/tree", NULL, NULL },
    { "GET", "/api/v1/address-spaces/memory/flatview", NULL, NULL },
    { "GET", "/api/v1/address-spaces/memory/find?addr=0x80000000", NULL,
      NULL },
    { "GET", "/api/v1/regions", NULL, NULL },
    { "GET", "/api/v1/regions/system", NULL, NULL },
    { "GET", "/api/v1/mtree?flat=1", NULL, NULL },
    { "GET", "/api/v1/address-spaces/memory/memory?addr=0x80000000&len=64",
      NULL, NULL },
    { "GET", "/api/v1/address-spaces/memory/memory?addr=0x80000000"
             "&len=0x20000&format=hex", NULL, NULL },
    { "GET", "/api/v1/address-spaces/memory/memory?addr=0x87fffff0&len=32",
      NULL, NULL },
    { "PUT", "/api/v1/address-spaces/memory/memory?addr=0x80000000",
      "0123456789", NULL },
    { "GET", "/api/v1/address-spaces/memory/ld?addr=0x80000000&size=4",
      NULL, NULL },
    { "POST", "/api/v1/address-spaces/memory/st",
      "{\"addr\":\"0x80000000\",\"size\":1,\"value\":1}", "application/json" },
    { "POST", "/api/v1/monitor", "{\"command\":\"info mtree\"}",
      "application/json" },
    { "GET", "/api/v1/openapi.json", NULL, NULL },
    { "GET", "/api/v1/nothing?x=%41", NULL, NULL },
    { "DELETE", "/api/v1/regions", NULL, NULL },
    { "GET", "/", NULL, NULL },
};

/* One request with allocation @n failing; whether it failed one. */
static bool run_case(const Case *k, long n)
{
    WebHeader h[2] = { { "Host", "127.0.0.1:8080" },
                       { "Content-Type", k->ctype } };
    WebRequest req = {
        .method = k->method, .target = k->target, .headers = h,
        .nheaders = k->ctype ? 2 : 1, .body = k->body,
        .body_len = k->body ? strlen(k->body) : 0,
    };
    WebResponse resp;
    bool failed;

    atomic_store(&failed_one, false);
    atomic_store(&countdown, n);
    web_handle(wf_api, &req, &resp);
    atomic_store(&countdown, -1);
    failed = atomic_load(&failed_one);

    ck_assert_msg(resp.status >= 200 && resp.status < 600,
                  "%s %s, allocation %ld failing: status %u", k->method,
                  k->target, n, resp.status);
    if (resp.status == 500) {
        json_error_t err;
        json_t *j = json_loadb(resp.body, resp.body_len, 0, &err);
        ck_assert_msg(j != NULL, "%s %s, allocation %ld failing: a 500 "
                      "without JSON", k->method, k->target, n);
        json_decref(j);
    }
    if (resp.stream) {
        char buf[65536];
        ssize_t got;
        while ((got = resp.stream->read(resp.stream, buf, sizeof(buf))) > 0) {
        }
        ck_assert_int_ne(got, 0);
    }
    web_response_free(&resp);
    return failed;
}

START_TEST(every_allocation_may_fail)
{
    const Case *k = &cases[_i];
    long n = 0;

    while (run_case(k, n)) {
        n++;
        ck_assert_msg(n < 100000, "%s %s never completes", k->method,
                      k->target);
    }
    /* the run that needed no more gave the normal answer */
    ck_assert_int_gt(n, 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("web_oom");
    TCase *tc = tcase_create("oom");

    tcase_add_checked_fixture(tc, oom_setup, oom_teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, every_allocation_may_fail, 0,
                        (int)(sizeof(cases) / sizeof(cases[0])));
    suite_add_tcase(s, tc);
    return ck_run_suite(s);
}
