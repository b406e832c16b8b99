/*
 * tests/unit/check_run.h — the end of every Check program's main():
 * run the suite and turn its result into the exit status automake's test
 * driver reads.  Header-only.
 */
#ifndef TESTS_UNIT_CHECK_RUN_H
#define TESTS_UNIT_CHECK_RUN_H

#include <stdlib.h>

#include <check.h>

/* ck_run_suite: run every test of @s (output as CK_VERBOSITY says,
 * "normal" when unset) and free it; EXIT_SUCCESS when none failed. */
static inline int ck_run_suite(Suite *s)
{
    SRunner *sr = srunner_create(s);
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif /* TESTS_UNIT_CHECK_RUN_H */
