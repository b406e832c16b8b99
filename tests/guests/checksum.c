/*
 * tests/guests/checksum.c — the guest of the load test (tests/load/):
 * fills 1 MiB of RAM with a known sequence, then for ever checks it —
 * every word against the sequence and the whole buffer against the
 * checksum taken after filling — rewrites one page of it per round (so
 * that stores go through the hart's TLB too), and reads the load
 * board's toggled window, whose every word must hold one of the four
 * fill patterns whatever layout it is in.
 *
 * The tests read what it found at fixed addresses (STATS, below), with
 * the harts stopped; nothing is printed, so that a full UART never slows
 * the guest down.  The buffer and the statistics sit at fixed places,
 * above the program and its stack, so that gdb can check the buffer
 * from outside: word i of BUF is seq(i).
 */
#include <stdint.h>

#define STATS ((volatile uint64_t *)0x80300000)
#define BUF ((volatile uint64_t *)0x80400000)
#define BUF_WORDS (1024 * 1024 / 8)
#define PAGE_WORDS (4096 / 8)
#define WINDOW ((volatile uint64_t *)0x40000000)
#define WINDOW_WORDS (64 * 1024 / 8)

enum {
    ST_MAGIC,      /* "LOADSTAT" once the buffer is filled */
    ST_ROUNDS,     /* rounds of checking done */
    ST_FAILURES,   /* rounds whose words or checksum were wrong */
    ST_WINDOW_BAD, /* window reads that matched no fill pattern */
    ST_TRAPS,      /* traps taken: none expected */
    ST_CHECKSUM,   /* the checksum taken after filling */
};

#define MAGIC 0x54415453444f414cull /* "LOADSTAT" little-endian */

static uint64_t seq(uint64_t i)
{
    return i * 0x9e3779b97f4a7c15ull + 0x632be59bd9b4e019ull;
}

/* Order matters (a rotate and an add per word), so that two swapped
 * words change it as well as a wrong one. */
static uint64_t checksum(void)
{
    uint64_t sum = 0;

    for (uint64_t i = 0; i < BUF_WORDS; i++) {
        sum = ((sum << 7) | (sum >> 57)) + BUF[i];
    }
    return sum;
}

static int window_word_ok(uint64_t v)
{
    return v == 0 || v == 0xa1a1a1a1a1a1a1a1ull ||
           v == 0xb2b2b2b2b2b2b2b2ull || v == 0xc3c3c3c3c3c3c3c3ull;
}

void __attribute__((interrupt("machine"), aligned(4))) trap_entry(void)
{
    unsigned long epc;

    /* Nothing traps on purpose: count it and step over the instruction
     * (no C extension, so every instruction is 4 bytes). */
    STATS[ST_TRAPS]++;
    __asm__ volatile("csrr %0, mepc" : "=r"(epc));
    __asm__ volatile("csrw mepc, %0" : : "r"(epc + 4));
}

int main(void)
{
    uint64_t sum0, round = 0;

    for (uint64_t i = 0; i < BUF_WORDS; i++) {
        BUF[i] = seq(i);
    }
    sum0 = checksum();
    STATS[ST_CHECKSUM] = sum0;
    STATS[ST_ROUNDS] = 0;
    STATS[ST_FAILURES] = 0;
    STATS[ST_WINDOW_BAD] = 0;
    STATS[ST_MAGIC] = MAGIC;
    for (;;) {
        uint64_t page = round % (BUF_WORDS / PAGE_WORDS);
        int bad = 0;

        for (uint64_t i = 0; i < BUF_WORDS; i++) {
            if (BUF[i] != seq(i)) {
                bad = 1;
            }
        }
        if (checksum() != sum0) {
            bad = 1;
        }
        for (uint64_t i = page * PAGE_WORDS; i < (page + 1) * PAGE_WORDS;
             i++) {
            BUF[i] = seq(i);
        }
        for (uint64_t i = 0; i < WINDOW_WORDS; i += 64) {
            if (!window_word_ok(WINDOW[i])) {
                STATS[ST_WINDOW_BAD]++;
            }
        }
        if (bad) {
            STATS[ST_FAILURES]++;
        }
        round++;
        STATS[ST_ROUNDS] = round;
    }
    return 0;
}
