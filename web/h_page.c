/*
 * web/h_page.c — GET / and the page's other files, compiled into the
 * binary (web/assets.h, built from web/page/).  Any GET outside /api/
 * lands here; a file the page does not have is a JSON 404 like any
 * other.  api.c adds the Content-Security-Policy (default-src 'self';
 * frame-ancestors 'none'), nosniff and no-referrer headers every answer
 * carries.
 */
#include <stdlib.h>
#include <string.h>

#include <web/assets.h>

#include "internal.h"

void web_h_page(WebCtx *c, WebResponse *r)
{
    const WebAsset *a = web_asset_find(c->path);
    char *copy;

    /* Query parameters are the page's business (it may read them in
     * JavaScript); the server ignores them. */
    for (size_t i = 0; i < c->nparams; i++) {
        c->used[i] = true;
    }
    if (!a) {
        web_error(r, WEB_NOT_FOUND, WEB_E_NOT_FOUND, "no such page: %.200s",
                  c->path);
        return;
    }
    copy = malloc(a->len ? a->len : 1);
    if (!copy) {
        web_error_oom(r);
        return;
    }
    memcpy(copy, a->data, a->len);
    web_reply_body(r, WEB_OK, a->content_type, copy, a->len);
}
