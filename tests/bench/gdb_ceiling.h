/*
 * tests/bench/gdb_ceiling.h — a stand-in gdb stub whose replies are
 * ready before gdb asks, for bench_gdb_dump's "gdb alone" figure.
 */
#ifndef BENCH_GDB_CEILING_H
#define BENCH_GDB_CEILING_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * gdb_ceiling_start: fork a child serving @size bytes of @mem at guest
 * address @base (m packets only), one gdb after another, until killed.
 * Returns the child's pid with "127.0.0.1:PORT" in @addr once it
 * listens, or -1.
 */
pid_t gdb_ceiling_start(const uint8_t *mem, size_t size, uint64_t base,
                        char *addr, size_t addrlen);

#endif /* BENCH_GDB_CEILING_H */
