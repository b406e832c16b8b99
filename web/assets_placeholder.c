/*
 * web/assets_placeholder.c — stands in for the page's generated assets.c
 * until branch wip-page is merged (the lead then removes this file and
 * web/local.mk's line for it): one minimal page at "/", so that the
 * endpoint's page route and its headers can be tested.
 */
#include <string.h>

#include <web/assets.h>

static const unsigned char page[] =
    "<!doctype html>\n<html><head><meta charset=\"utf-8\">"
    "<title>memcored</title></head>\n<body><p>memcored: the page arrives "
    "with its own branch; the API is at /api/v1/openapi.json.</p></body>"
    "</html>\n";

static const WebAsset assets[] = {
    { "/", "text/html; charset=utf-8", page, sizeof(page) - 1 },
    { "/index.html", "text/html; charset=utf-8", page, sizeof(page) - 1 },
};

const WebAsset *web_asset_find(const char *path)
{
    for (size_t i = 0; i < sizeof(assets) / sizeof(assets[0]); i++) {
        if (strcmp(assets[i].path, path) == 0) {
            return &assets[i];
        }
    }
    return NULL;
}
