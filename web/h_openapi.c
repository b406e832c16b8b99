/*
 * web/h_openapi.c — GET /api/v1/openapi.json: the OpenAPI 3 description
 * of every route, compiled in from web/openapi.json (openapi_json.c is
 * generated from it at build time; tests/unit/test_web_openapi.c checks
 * that it lists exactly the routes of routes.c).
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void web_h_openapi(WebCtx *c, WebResponse *r)
{
    size_t len = strlen(web_openapi_json);
    char *copy;

    if (!web_params_check(c, r)) {
        return;
    }
    copy = malloc(len + 1);
    if (!copy) {
        web_error_oom(r);
        return;
    }
    memcpy(copy, web_openapi_json, len + 1);
    web_reply_body(r, WEB_OK, WEB_JSON, copy, len);
}
