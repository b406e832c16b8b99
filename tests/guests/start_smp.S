/* tests/guests/start_smp.S — entry of the multi-hart test guests (for
 * boards with several "cpus"; also runs on a one-hart board).  Every hart
 * starts here with a0 = its hart id.  Hart 0 does what start.S does
 * (stack, bss, trap vector, main(), power off).  Any
 * other hart takes an 8 KiB stack below hart 0's, enables only its
 * software interrupt (mie.MSIE, with mstatus.MIE off: no trap, wfi just
 * wakes), sets hart1_up (a .data int of the program) and sleeps in wfi
 * until hart 0 sets its msip in the CLINT (after clearing bss), clears
 * msip and calls secondary_main(hartid), which does not return. */
    .section .text.start
    .globl _start
_start:
    csrr    a0, mhartid
    bnez    a0, secondary
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
    li      t0, 0x100000        /* sifive-test: power off */
    li      t1, 0x5555
    sw      t1, 0(t0)
3:  wfi
    j       3b

secondary:
    la      sp, __stack_top
    slli    t0, a0, 13
    sub     sp, sp, t0
    la      t0, trap_entry
    csrw    mtvec, t0
    li      t0, 8               /* mie.MSIE */
    csrw    mie, t0
    la      t0, hart1_up        /* "I am about to wait" */
    li      t1, 1
    sw      t1, 0(t0)
4:  wfi
    csrr    t0, mip
    andi    t0, t0, 8
    beqz    t0, 4b
    li      t0, 0x2000000       /* CLINT msip[hartid] = 0 */
    slli    t1, a0, 2
    add     t0, t0, t1
    sw      zero, 0(t0)
    call    secondary_main
5:  wfi
    j       5b
