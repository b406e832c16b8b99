/* tests/guests/start.S — entry of the test guests: stack, bss, trap
 * vector, main(), then power off through sifive-test: 0x5555 ("pass",
 * memcored exits 0) when main returns 0, else (code << 16) | 0x3333
 * ("fail", memcored exits with main's value), as under QEMU. */
    .section .text.start
    .globl _start
_start:
    la      sp, __stack_top
    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:  la      t0, trap_entry
    csrw    mtvec, t0
    call    main
    li      t0, 0x100000
    li      t1, 0x5555
    beqz    a0, 4f
    slli    t1, a0, 16
    li      t2, 0x3333
    or      t1, t1, t2
4:  sw      t1, 0(t0)
3:  wfi
    j       3b
