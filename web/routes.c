/*
 * web/routes.c — the route table: every path of rest.md, its method, and
 * what it does with a body.  The OpenAPI document (openapi.json) lists
 * exactly these paths; tests/unit/test_web_openapi.c checks both ways.
 *
 * A pattern is matched segment by segment on the raw (still
 * percent-encoded) path, so that "I%2FO" stays one segment; a {capture}
 * is decoded after the match.  Paths not under /api/ belong to the page
 * (h_page.c), which answers 404 for a file it does not have.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

const WebRoute web_routes[] = {
    { "GET", "/api/v1/address-spaces", false, WEB_BODY_NONE,
      web_h_address_spaces, NULL, NULL, NULL, NULL, NULL },
    { "GET", "/api/v1/address-spaces/{as}/tree", false, WEB_BODY_NONE,
      web_h_tree, NULL, NULL, NULL, NULL, NULL },
    { "GET", "/api/v1/address-spaces/{as}/flatview", false, WEB_BODY_NONE,
      web_h_flatview, NULL, NULL, NULL, NULL, NULL },
    { "GET", "/api/v1/address-spaces/{as}/find", false, WEB_BODY_NONE,
      web_h_find, NULL, NULL, NULL, NULL, NULL },
    { "GET", "/api/v1/address-spaces/{as}/memory", false, WEB_BODY_NONE,
      web_h_memory_get, NULL, NULL, NULL, NULL, NULL },
    { "PUT", "/api/v1/address-spaces/{as}/memory", true, WEB_BODY_UPLOAD,
      NULL, NULL, web_h_memory_put_begin, web_h_memory_put_data,
      web_h_memory_put_end, web_h_memory_put_free },
    { "GET", "/api/v1/address-spaces/{as}/ld", false, WEB_BODY_NONE,
      web_h_ld, NULL, NULL, NULL, NULL, NULL },
    { "POST", "/api/v1/address-spaces/{as}/st", true, WEB_BODY_JSON,
      NULL, web_h_st, NULL, NULL, NULL, NULL },
    { "GET", "/api/v1/mtree", false, WEB_BODY_NONE,
      web_h_mtree, NULL, NULL, NULL, NULL, NULL },
    { "GET", "/api/v1/regions", false, WEB_BODY_NONE,
      web_h_regions, NULL, NULL, NULL, NULL, NULL },
    { "GET", "/api/v1/regions/{name}", false, WEB_BODY_NONE,
      web_h_region, NULL, NULL, NULL, NULL, NULL },
    /* Not a write as such: the monitor refuses its writing commands
     * under --read-only, and h_monitor.c turns that into a 403. */
    { "POST", "/api/v1/monitor", false, WEB_BODY_JSON,
      NULL, web_h_monitor, NULL, NULL, NULL, NULL },
    { "GET", "/api/v1/events", false, WEB_BODY_NONE,
      web_h_events, NULL, NULL, NULL, NULL, NULL },
    { "GET", "/api/v1/openapi.json", false, WEB_BODY_NONE,
      web_h_openapi, NULL, NULL, NULL, NULL, NULL },
};
const size_t web_nroutes = sizeof(web_routes) / sizeof(web_routes[0]);

/* The page: any GET outside /api/ (h_page.c knows which files exist). */
static const WebRoute page_route = {
    "GET", "/", false, WEB_BODY_NONE, web_h_page, NULL, NULL, NULL, NULL,
    NULL
};

/* Match @path against @pattern; captured raw segments go to @seg/@len. */
static bool match(const char *pattern, const char *path,
                  const char *seg[WEB_MAX_CAPTURES],
                  size_t len[WEB_MAX_CAPTURES], unsigned *captured)
{
    const char *p = pattern, *q = path;
    unsigned ncap = 0;

    while (*p && *q) {
        if (*p == '{') {
            const char *pend = strchr(p, '}');
            const char *qend = strchr(q, '/');
            if (!qend) {
                qend = q + strlen(q);
            }
            if (qend == q || ncap == WEB_MAX_CAPTURES) {
                return false;  /* an empty segment names nothing */
            }
            seg[ncap] = q;
            len[ncap] = (size_t)(qend - q);
            ncap++;
            p = pend + 1;
            q = qend;
            continue;
        }
        if (*p != *q) {
            return false;
        }
        p++;
        q++;
    }
    *captured = ncap;
    return !*p && !*q;
}

static bool method_matches(const char *route_method, const char *method)
{
    return strcmp(route_method, method) == 0 ||
           (strcmp(route_method, "GET") == 0 && strcmp(method, "HEAD") == 0);
}

const WebRoute *web_route_find(const char *method, const char *path,
                               char *caps[WEB_MAX_CAPTURES], unsigned *status,
                               char *allow, size_t allow_len)
{
    const WebRoute *found = NULL;
    const char *seg[WEB_MAX_CAPTURES];
    size_t len[WEB_MAX_CAPTURES];
    bool path_known = false;
    size_t used = 0;
    unsigned ncap = 0;

    caps[0] = caps[1] = NULL;
    allow[0] = '\0';
    if (strncmp(path, "/api/", 5) != 0 && strcmp(path, "/api") != 0) {
        if (method_matches("GET", method)) {
            return &page_route;
        }
        snprintf(allow, allow_len, "GET, HEAD");
        *status = WEB_METHOD_NOT_ALLOWED;
        return NULL;
    }
    for (size_t i = 0; i < web_nroutes; i++) {
        const WebRoute *rt = &web_routes[i];
        const char *s[WEB_MAX_CAPTURES];
        size_t l[WEB_MAX_CAPTURES];
        unsigned n;

        if (!match(rt->pattern, path, s, l, &n)) {
            continue;
        }
        path_known = true;
        used += (size_t)snprintf(allow + used,
                                 used < allow_len ? allow_len - used : 0,
                                 "%s%s%s", used ? ", " : "", rt->method,
                                 strcmp(rt->method, "GET") == 0 ? ", HEAD"
                                                                : "");
        if (!found && method_matches(rt->method, method)) {
            found = rt;
            ncap = n;
            memcpy(seg, s, sizeof(seg));
            memcpy(len, l, sizeof(len));
        }
    }
    if (!found) {
        *status = path_known ? WEB_METHOD_NOT_ALLOWED : WEB_NOT_FOUND;
        return NULL;
    }
    for (unsigned i = 0; i < ncap; i++) {
        bool oom;

        caps[i] = web_pct_decode(seg[i], len[i], false, &oom);
        if (!caps[i] || !caps[i][0]) {
            *status = oom ? WEB_INTERNAL : WEB_BAD_REQUEST;
            for (unsigned j = 0; j <= i; j++) {
                free(caps[j]);
                caps[j] = NULL;
            }
            return NULL;
        }
    }
    return found;
}
