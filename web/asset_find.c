/*
 * web/asset_find.c: the URL path → compiled-in file lookup behind GET /.
 *
 * A handful of files: a linear search is the clearest and costs nothing.
 */
#include <string.h>

#include "assets_table.h"

const WebAsset *web_asset_find(const char *path)
{
    if (!path) {
        return NULL;
    }
    if (strcmp(path, "/") == 0) {
        path = "/index.html";
    }
    for (size_t i = 0; i < web_assets_count; i++) {
        if (strcmp(web_assets[i].path, path) == 0) {
            return &web_assets[i];
        }
    }
    return NULL;
}
