/*
 * tests/fuzz/scratch_dir.h — a private, empty scratch directory for the
 * board fuzz target, so that whatever file a fuzzed board names (an
 * image or a RAM backing file) is looked for, or created, in a place
 * nobody else uses and is swept away before the next input.
 */
#ifndef FUZZ_SCRATCH_DIR_H
#define FUZZ_SCRATCH_DIR_H

/* scratch_dir: the directory, created under $TMPDIR (else /tmp) on the
 * first call and removed with its contents at exit.  Aborts when it
 * cannot be made: a target must not run against the real file system. */
const char *scratch_dir(void);

/* scratch_dir_clear: remove everything inside the directory (files and
 * sub-directories), keeping the directory itself. */
void scratch_dir_clear(void);

#endif /* FUZZ_SCRATCH_DIR_H */
