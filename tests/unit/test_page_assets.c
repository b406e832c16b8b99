/*
 * tests/unit/test_page_assets.c — the page compiled into memcored
 * (web/include/web/assets.h): "/" is the page, unknown paths give NULL,
 * every file of web/page/ is served byte for byte with its content type,
 * and the page keeps the rules the HTTP front's Content-Security-Policy
 * and the "no network but memcored" promise need: no inline script, no
 * style attributes, no eval, no URL of another host, and every file the
 * page refers to is there.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <web/assets.h>

#include "check_run.h"

/* The whole of $top_srcdir/web/page/NAME; its length in *len. */
static char *read_source(const char *name, size_t *len)
{
    const char *top = getenv("top_srcdir");
    char path[4096];
    snprintf(path, sizeof path, "%s/web/page/%s", top ? top : ".", name);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 65536;
            buf = realloc(buf, cap + 1);
            ck_assert_ptr_nonnull(buf);
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        if (got == 0) {
            break;
        }
        n += got;
    }
    ck_assert(!ferror(f));
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* The asset's bytes as a NUL-terminated string, to search in. */
static char *text_of(const WebAsset *a)
{
    ck_assert_msg(a != NULL, "a page file is not compiled in");
    char *s = malloc(a->len + 1);
    ck_assert_ptr_nonnull(s);
    memcpy(s, a->data, a->len);
    s[a->len] = '\0';
    return s;
}

/* The names of the files in $top_srcdir/web/page/ ending in @suffix ("" for
 * all), as "/NAME" paths; NULL-terminated, *n of them. */
static char **page_files(const char *suffix, int *n)
{
    const char *top = getenv("top_srcdir");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/web/page", top ? top : ".");
    DIR *d = opendir(dir);
    ck_assert_msg(d != NULL, "cannot open %s", dir);
    char **v = calloc(256, sizeof *v);
    ck_assert_ptr_nonnull(v);
    *n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name), sl = strlen(suffix);
        if (e->d_name[0] == '.' || len < sl ||
            strcmp(e->d_name + len - sl, suffix) != 0) {
            continue;
        }
        ck_assert_int_lt(*n, 255);
        v[*n] = malloc(len + 2);
        ck_assert_ptr_nonnull(v[*n]);
        v[*n][0] = '/';
        memcpy(v[*n] + 1, e->d_name, len + 1);
        (*n)++;
    }
    closedir(d);
    return v;
}

static void free_files(char **v)
{
    for (int i = 0; v[i]; i++) {
        free(v[i]);
    }
    free(v);
}

START_TEST(root_is_the_page)
{
    const WebAsset *root = web_asset_find("/");
    ck_assert_ptr_nonnull(root);
    ck_assert_ptr_eq(root, web_asset_find("/index.html"));
    ck_assert_str_eq(root->content_type, "text/html; charset=utf-8");
    ck_assert_uint_gt(root->len, 15);
    ck_assert(memcmp(root->data, "<!DOCTYPE html>", 15) == 0);
}
END_TEST

START_TEST(unknown_paths_give_null)
{
    static const char *const bad[] = {
        "", "/nope", "index.html", "/index.html/", "/INDEX.HTML",
        "/app.js?v=1", "/../index.html", "//", "/web/page/app.js",
        "/index.htm", "/page.css/",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_msg(web_asset_find(bad[i]) == NULL, "\"%s\" found", bad[i]);
    }
    ck_assert_ptr_null(web_asset_find(NULL));
}
END_TEST

START_TEST(content_types)
{
    ck_assert_str_eq(web_asset_find("/app.js")->content_type,
                     "text/javascript; charset=utf-8");
    ck_assert_str_eq(web_asset_find("/page.css")->content_type,
                     "text/css; charset=utf-8");
    ck_assert_str_eq(web_asset_find("/favicon.svg")->content_type,
                     "image/svg+xml");
}
END_TEST

/* Every file in web/page/ is served, and is what the source says: a file
 * added there but not to web/page.mk fails here. */
START_TEST(every_source_file_is_served_as_is)
{
    int n;
    char **files = page_files("", &n);
    for (int i = 0; i < n; i++) {
        const WebAsset *a = web_asset_find(files[i]);
        ck_assert_msg(a != NULL, "web/page%s is not compiled in (web/page.mk)",
                      files[i]);
        size_t len;
        char *src = read_source(files[i] + 1, &len);
        ck_assert_uint_eq(a->len, len);
        ck_assert_msg(memcmp(a->data, src, len) == 0, "%s differs", files[i]);
        free(src);
    }
    free_files(files);
    ck_assert_int_ge(n, 4);
}
END_TEST

/* Each quoted reference after @key in @text ("src=\"", "from '") names a
 * served asset, unless it is an anchor. */
static int check_refs(const char *file, const char *text, const char *key)
{
    int refs = 0;
    size_t klen = strlen(key);
    char quote = key[klen - 1];
    for (const char *p = strstr(text, key); p; p = strstr(p + 1, key)) {
        const char *s = p + klen;
        const char *end = strchr(s, quote);
        ck_assert_ptr_nonnull(end);
        char ref[256] = "/";
        size_t n = (size_t)(end - s);
        ck_assert_uint_lt(n, sizeof ref - 2);
        if (n > 0 && s[0] == '#') {
            continue;
        }
        /* "./api.js" and "api.js" are both "/api.js". */
        if (n >= 2 && s[0] == '.' && s[1] == '/') {
            s += 2;
            n -= 2;
        }
        memcpy(ref + 1, s, n);
        ref[n + 1] = '\0';
        ck_assert_msg(web_asset_find(ref) != NULL,
                      "%s refers to %s, which is not served", file, ref);
        refs++;
    }
    return refs;
}

START_TEST(references_resolve)
{
    char *html = text_of(web_asset_find("/"));
    ck_assert_int_ge(check_refs("index.html", html, "src=\"")
                     + check_refs("index.html", html, "href=\""), 3);
    free(html);
    int n;
    char **scripts = page_files(".js", &n);
    int imports = 0;
    for (int i = 0; i < n; i++) {
        char *js = text_of(web_asset_find(scripts[i]));
        imports += check_refs(scripts[i], js, "from '");
        free(js);
    }
    free_files(scripts);
    ck_assert_int_ge(imports, 6);
}
END_TEST

/* What the Content-Security-Policy (default-src 'self') would block, and
 * what would reach past memcored. */
START_TEST(page_keeps_the_csp_and_stays_home)
{
    char *html = text_of(web_asset_find("/"));
    for (const char *p = strstr(html, "<script"); p; p = strstr(p + 1, "<script")) {
        const char *close = strchr(p, '>');
        ck_assert_ptr_nonnull(close);
        const char *src = strstr(p, " src=\"");
        ck_assert_msg(src && src < close, "inline <script> in index.html");
    }
    ck_assert_msg(strstr(html, "<style") == NULL, "inline <style> in index.html");
    ck_assert_msg(strstr(html, " style=") == NULL, "style attribute in index.html");
    /* No inline event handler: " on" + letters + "=". */
    for (const char *p = strstr(html, " on"); p; p = strstr(p + 1, " on")) {
        const char *q = p + 3;
        while (*q >= 'a' && *q <= 'z') {
            q++;
        }
        ck_assert_msg(q == p + 3 || *q != '=', "inline event handler in index.html: %.20s",
                      p + 1);
    }
    ck_assert_msg(strstr(html, "javascript:") == NULL, "javascript: URL in index.html");
    free(html);

    int n;
    char **all = page_files("", &n);
    for (int i = 0; i < n; i++) {
        if (strstr(all[i], ".svg")) {
            continue;  /* its xmlns is a name, not a place */
        }
        char *t = text_of(web_asset_find(all[i]));
        ck_assert_msg(strstr(t, "eval(") == NULL && strstr(t, "new Function") == NULL,
                      "%s evaluates strings", all[i]);
        ck_assert_msg(strstr(t, "innerHTML") == NULL,
                      "%s builds markup from strings (use textContent)", all[i]);
        ck_assert_msg(strstr(t, "http://") == NULL && strstr(t, "https://") == NULL,
                      "%s names another host", all[i]);
        ck_assert_msg(strstr(t, "@import") == NULL && strstr(t, "url(") == NULL,
                      "%s loads from elsewhere", all[i]);
        free(t);
    }
    free_files(all);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("page_assets");
    TCase *tc = tcase_create("assets");
    tcase_add_test(tc, root_is_the_page);
    tcase_add_test(tc, unknown_paths_give_null);
    tcase_add_test(tc, content_types);
    tcase_add_test(tc, every_source_file_is_served_as_is);
    tcase_add_test(tc, references_resolve);
    tcase_add_test(tc, page_keeps_the_csp_and_stays_home);
    suite_add_tcase(s, tc);
    return ck_run_suite(s);
}
