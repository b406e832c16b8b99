/*
 * web/assets_table.h: the table web/gen_assets.sh generates (web/assets.c
 * in the build directory) and web/asset_find.c searches.
 */
#ifndef WEB_ASSETS_TABLE_H
#define WEB_ASSETS_TABLE_H

#include <web/assets.h>

extern const WebAsset web_assets[];
extern const size_t web_assets_count;

#endif /* WEB_ASSETS_TABLE_H */
