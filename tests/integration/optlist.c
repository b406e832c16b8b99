/*
 * tests/integration/optlist.c — prints every option memcored's parser
 * accepts (server/options.c's table), one a line, for test_man.sh.
 */
#include <stdio.h>

#include "options.h"

int main(void)
{
    options_list(stdout);
    return 0;
}
