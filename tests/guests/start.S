/* tests/guests/start.S — entry of the test guests: stack, bss, trap
 * vector, main(), then power off through sifive-test (0x5555: memcored
 * exits 0; main's value is not passed on). */
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
    sw      t1, 0(t0)
3:  wfi
    j       3b
