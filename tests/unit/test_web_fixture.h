/*
 * tests/unit/test_web_fixture.h — the REST handler layer on the monitor
 * tests' small virt machine (test_monitor_fixture.h): a WebApi listening
 * (for the Host check) on 127.0.0.1:8080, and helpers that send one
 * request through web_handle and keep the whole answer, streamed bodies
 * read to their end.
 */
#ifndef TEST_WEB_FIXTURE_H
#define TEST_WEB_FIXTURE_H

#include <jansson.h>

#include <web/api.h>

#include "test_monitor_fixture.h"

extern WebApi *wf_api;

/* Checked fixtures: the machine and a WebApi without token / with the
 * token "s3cret" / on a machine that is read-only. */
void wf_setup(void);
void wf_setup_token(void);
void wf_setup_read_only(void);
void wf_teardown(void);

typedef struct WfResp {
    unsigned status;
    WebResponse raw;          /* headers; body and stream taken out */
    char *body;               /* NUL-terminated after len bytes */
    size_t len;
    bool streamed;            /* the body came from a WebStream */
    bool stream_failed;       /* ... which ended with WEB_STREAM_ERROR */
} WfResp;

/*
 * wf_do: send @method @target with @body (@blen bytes) and the headers in
 * @headers ("Name: value", NULL-terminated; may be NULL).  "Host:
 * 127.0.0.1:8080" is added unless @headers has a Host line; a line
 * "Host:" alone sends none.
 */
WfResp wf_do(const char *method, const char *target, const void *body,
             size_t blen, const char *const *headers);
WfResp wf_get(const char *target);
/* POST @json with Content-Type: application/json. */
WfResp wf_post_json(const char *target, const char *json);
void wf_free(WfResp *r);

/* The response header @name, or NULL. */
const char *wf_header(const WfResp *r, const char *name);

/* The body as JSON (fails the test when it is not). */
json_t *wf_json(const WfResp *r);

/* Fail unless @r is an error of @status and @cls with the JSON shape of
 * rest.md. */
#define wf_expect_error(r, status, cls) \
    wf_check_error((r), (status), (cls), __FILE__, __LINE__)
void wf_check_error(const WfResp *r, unsigned status, const char *cls,
                    const char *file, int line);

/* The string member @key of object @o (fails when absent). */
const char *wf_str(json_t *o, const char *key);

#endif
