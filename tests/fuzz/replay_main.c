/*
 * tests/fuzz/replay_main.c — a plain main() for the fuzz targets: runs
 * LLVMFuzzerTestOneInput once on every regular file named on the command
 * line or found (not recursively) in a directory named there, in name
 * order so that runs are reproducible.  Linked with gcc and the ordinary
 * libraries it lets `make check` (and the sanitizer build) replay the
 * seed corpora and the crash reproducers without clang or libFuzzer.
 *
 * A target reports a failure by crashing (abort(), a sanitizer report),
 * so reaching the end means every input passed.  Each file is named on
 * stderr before it runs, so a crash log says which input did it.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path, size_t *count)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0;

    if (!f) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return -1;
    }
    for (;;) {
        if (len == cap) {
            uint8_t *nb = realloc(buf, cap = cap ? cap * 2 : 4096);

            if (!nb) {
                fprintf(stderr, "replay: %s: out of memory\n", path);
                free(buf);
                fclose(f);
                return -1;
            }
            buf = nb;
        }
        size_t got = fread(buf + len, 1, cap - len, f);

        len += got;
        if (got == 0) {
            break;
        }
    }
    if (ferror(f)) {
        fprintf(stderr, "replay: %s: read error\n", path);
        free(buf);
        fclose(f);
        return -1;
    }
    fclose(f);
    fprintf(stderr, "replay: %s (%zu bytes)\n", path, len);
    /* An exact-size copy, so ASan catches a target reading past the end
     * (the buffer above has slack). */
    uint8_t *exact = malloc(len ? len : 1);

    if (!exact) {
        free(buf);
        return -1;
    }
    memcpy(exact, buf, len);
    free(buf);
    LLVMFuzzerTestOneInput(exact, len);
    free(exact);
    ++*count;
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir, size_t *count)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;

    if (!d) {
        fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
        return -1;
    }
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') {
            continue; /* ., .., and hidden files such as .gitignore */
        }
        if (n == cap) {
            char **nn = realloc(names, (cap = cap ? cap * 2 : 64) *
                                       sizeof(*names));
            if (!nn) {
                rc = -1;
                break;
            }
            names = nn;
        }
        if (asprintf(&names[n], "%s/%s", dir, e->d_name) < 0) {
            rc = -1;
            break;
        }
        n++;
    }
    closedir(d);
    if (names) {
        qsort(names, n, sizeof(*names), cmp_names);
    }
    for (size_t i = 0; i < n; i++) {
        struct stat st;

        if (rc == 0 && stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
            rc = run_file(names[i], count);
        }
        free(names[i]);
    }
    free(names);
    if (rc) {
        fprintf(stderr, "replay: %s: cannot list it\n", dir);
    }
    return rc;
}

int main(int argc, char **argv)
{
    size_t count = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: %s DIR|FILE...\n"
                "Runs the fuzz target once on every input.\n", argv[0]);
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        struct stat st;
        int rc;

        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
            return 1;
        }
        rc = S_ISDIR(st.st_mode) ? run_dir(argv[i], &count)
                                 : run_file(argv[i], &count);
        if (rc) {
            return 1;
        }
    }
    printf("replayed %zu input(s)\n", count);
    return 0;
}
