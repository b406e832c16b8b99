/*
 * web/assets.h: the web page memcored serves at "/", compiled in.
 *
 * The page's files (web/page/: HTML, CSS, JavaScript) are turned into C
 * arrays at build time (web/gen_assets.sh), so the binary needs nothing
 * on disk and nothing from the network to serve its page.
 */
#ifndef WEB_ASSETS_H
#define WEB_ASSETS_H

#include <stddef.h>

/* One file of the page, served at @path with @content_type. */
typedef struct WebAsset {
    const char *path;
    const char *content_type;
    const unsigned char *data;
    size_t len;
} WebAsset;

/*
 * web_asset_find: the asset served at a URL path.
 *
 * "/" and "/index.html" give the page itself; every other file is at
 * "/" + its name ("/app.js").  The path must not carry a query string.
 * Answers NULL when there is no such asset.  The answer is static: it
 * lives as long as the program.
 *
 * @path: the URL path, starting with "/"; NULL gives NULL.
 */
const WebAsset *web_asset_find(const char *path);

#endif /* WEB_ASSETS_H */
