/*
 * tests/unit/test_web_openapi.c — GET /api/v1/openapi.json describes the
 * endpoint exactly: every routed path and method is in the document, and
 * every path and method in the document is routed.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <strings.h>

#include "../../web/internal.h"
#include "check_run.h"

static json_t *document(void)
{
    json_error_t err;
    json_t *doc = json_loads(web_openapi_json, 0, &err);

    ck_assert_msg(doc != NULL, "openapi.json is not JSON: %s (line %d)",
                  err.text, err.line);
    return doc;
}

START_TEST(document_is_openapi_3)
{
    json_t *doc = document();

    ck_assert(strncmp(json_string_value(json_object_get(doc, "openapi")),
                      "3.", 2) == 0);
    ck_assert(json_is_object(json_object_get(doc, "info")));
    ck_assert(json_is_object(json_object_get(doc, "paths")));
    json_decref(doc);
}
END_TEST

START_TEST(every_route_is_documented)
{
    json_t *doc = document();
    json_t *paths = json_object_get(doc, "paths");

    for (size_t i = 0; i < web_nroutes; i++) {
        char method[8];
        json_t *p = json_object_get(paths, web_routes[i].pattern);
        size_t n = strlen(web_routes[i].method);

        ck_assert_msg(p != NULL, "%s is routed but not in openapi.json",
                      web_routes[i].pattern);
        for (size_t k = 0; k <= n; k++) {
            method[k] = (char)tolower((unsigned char)web_routes[i].method[k]);
        }
        ck_assert_msg(json_object_get(p, method) != NULL,
                      "%s %s is routed but not in openapi.json",
                      web_routes[i].method, web_routes[i].pattern);
    }
    json_decref(doc);
}
END_TEST

START_TEST(every_documented_path_is_routed)
{
    json_t *doc = document();
    json_t *paths = json_object_get(doc, "paths");
    const char *path;
    json_t *ops;

    json_object_foreach(paths, path, ops) {
        const char *method;
        json_t *op;

        json_object_foreach(ops, method, op) {
            bool found = false;

            for (size_t i = 0; i < web_nroutes && !found; i++) {
                found = strcmp(web_routes[i].pattern, path) == 0 &&
                        strcasecmp(web_routes[i].method, method) == 0;
            }
            ck_assert_msg(found, "openapi.json lists %s %s, which is not "
                          "routed", method, path);
            /* every path parameter of the pattern is declared */
            const char *brace = path;
            while ((brace = strchr(brace, '{')) != NULL) {
                const char *end = strchr(brace, '}');
                json_t *params = json_object_get(op, "parameters");
                size_t k;
                json_t *prm;
                bool declared = false;

                json_array_foreach(params, k, prm) {
                    const char *nm = json_string_value(json_object_get(prm,
                                                                       "name"));
                    declared |= nm && strlen(nm) == (size_t)(end - brace - 1)
                                && strncmp(nm, brace + 1, strlen(nm)) == 0;
                }
                ck_assert_msg(declared, "%s %s: parameter %.*s undeclared",
                              method, path, (int)(end - brace + 1), brace);
                brace = end;
            }
        }
    }
    json_decref(doc);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("web_openapi");
    TCase *tc = tcase_create("openapi");

    tcase_add_test(tc, document_is_openapi_3);
    tcase_add_test(tc, every_route_is_documented);
    tcase_add_test(tc, every_documented_path_is_routed);
    suite_add_tcase(s, tc);
    return ck_run_suite(s);
}
