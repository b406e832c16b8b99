/*
 * web/assets.h — the web page's files, compiled into the binary.
 * (The interface of the shared contract; the page and its generated
 * assets.c come from branch wip-page.)
 */
#ifndef WEB_ASSETS_H
#define WEB_ASSETS_H

#include <stddef.h>

typedef struct WebAsset {
    const char *path;
    const char *content_type;
    const unsigned char *data;
    size_t len;
} WebAsset;

/* "/" and "/index.html" give the page; NULL when there is no such asset */
const WebAsset *web_asset_find(const char *path);

#endif /* WEB_ASSETS_H */
