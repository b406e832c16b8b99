/*
 * server/machine.c — a built board seen as a machine.
 *
 * Two small interfaces meet here.  Devices get a DeviceHost: UART bytes
 * go to the UART log, power-off becomes a shutdown request, a reset is
 * counted (the vCPU that will act on it arrives with a later issue).
 * Front-ends get a MonitorMachine: the board's address spaces and
 * regions by name, the UART logs and `quit`; network front-ends get a
 * copy that confines host file writes to --dump-dir.
 */
#include "machine.h"
#include <malloc.h>

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shutdown.h"
#include "devices/clint.h"
#include "riscv/rv64.h"

/* ---- DeviceHost ----------------------------------------------------------- */

static void host_uart_tx(void *opaque, const char *uart, const uint8_t *buf,
                         size_t len)
{
    Machine *m = opaque;

    uart_log_append(&m->uart_log, uart, buf, len);
    if (atomic_load(&m->serial_stdio)) {
        /* raw bytes, as QEMU's -serial stdio; unbuffered so that they
         * are out before a power-off ends the process */
        while (len > 0) {
            ssize_t n = write(STDOUT_FILENO, buf, len);

            if (n <= 0) {
                break;
            }
            buf += n;
            len -= (size_t)n;
        }
    }
}

static void host_power_off(void *opaque, int status)
{
    (void)opaque;
    shutdown_request(status);
}

static void host_reset(void *opaque)
{
    Machine *m = opaque;

    atomic_fetch_add(&m->resets, 1);
    if (m->cpus) {
        /* We may be on a hart thread inside its store: cpu_reset would
         * wait for this very hart to park.  The reset thread does it. */
        pthread_mutex_lock(&m->reset_lock);
        m->reset_pending++;
        pthread_cond_signal(&m->reset_cond);
        pthread_mutex_unlock(&m->reset_lock);
    }
}

static void *reset_main(void *arg)
{
    Machine *m = arg;

    pthread_mutex_lock(&m->reset_lock);
    for (;;) {
        while (!m->reset_pending && !m->reset_quit) {
            pthread_cond_wait(&m->reset_cond, &m->reset_lock);
        }
        if (m->reset_quit) {
            break;
        }
        m->reset_pending = 0;
        pthread_mutex_unlock(&m->reset_lock);
        cpu_reset(m->cpus);
        pthread_mutex_lock(&m->reset_lock);
    }
    pthread_mutex_unlock(&m->reset_lock);
    return NULL;
}

/* ---- harts ---------------------------------------------------------------- */

static uint64_t irq_pending(void *opaque, unsigned hart)
{
    Machine *m = opaque;

    if (!m->clint) {
        return 0;
    }
    return (clint_timer_pending(m->clint, hart) ? MIP_MTIP : 0) |
           (clint_software_pending(m->clint, hart) ? MIP_MSIP : 0);
}

static uint64_t irq_mtime(void *opaque)
{
    Machine *m = opaque;

    return m->clint ? clint_mtime(m->clint) : 0;
}

static uint64_t irq_next_event(void *opaque, unsigned hart)
{
    Machine *m = opaque;

    return m->clint ? clint_next_event_ns(m->clint, hart) : UINT64_MAX;
}

static void clint_notify(void *opaque)
{
    Machine *m = opaque;

    if (m->cpus) {
        cpu_kick(m->cpus);
    }
}

static void on_cpu_stop(void *opaque, unsigned hart, CpuStopReason reason,
                        uint64_t addr)
{
    Machine *m = opaque;
    CpuStopFn fn = atomic_load(&m->stop_fn);

    if (fn) {
        fn(atomic_load(&m->stop_opaque), hart, reason, addr);
    }
}

void machine_set_stop_handler(Machine *m, CpuStopFn fn, void *opaque)
{
    atomic_store(&m->stop_opaque, opaque);
    atomic_store(&m->stop_fn, fn);
}

static bool create_cpus(Machine *m)
{
    Board *b = m->board;
    AddressSpace **as;
    CpuConfig cfg = {
        .nharts = (unsigned)b->ncpus,
        .reset_pc = b->cpus[0].reset_pc,
        .irq = { .pending = irq_pending, .mtime = irq_mtime,
                 .next_event_ns = irq_next_event, .opaque = m },
        .on_stop = on_cpu_stop,
        .opaque = m,
        .tlb = true,
    };

    for (size_t i = 0; i < b->nregions; i++) {
        BoardRegion *r = b->regions[i];

        if (r->dev && strcmp(r->dev->model->name, "clint") == 0) {
            m->clint = r->dev;
            break;
        }
    }
    as = calloc(b->ncpus, sizeof(*as));
    if (!as) {
        return false;
    }
    for (size_t i = 0; i < b->ncpus; i++) {
        as[i] = &b->cpus[i].as->as;
    }
    cfg.as = as[0];
    cfg.hart_as = as;
    if (m->clint) {
        clint_set_notify(m->clint, clint_notify, m);
    }
    m->cpus = cpu_create(&cfg);
    free(as);
    if (!m->cpus) {
        return false;
    }
    pthread_mutex_init(&m->reset_lock, NULL);
    pthread_cond_init(&m->reset_cond, NULL);
    if (pthread_create(&m->reset_thread, NULL, reset_main, m) != 0) {
        return false;
    }
    m->reset_started = true;
    return true;
}

void machine_start_cpus(Machine *m, bool have_entry, uint64_t entry,
                        bool stopped)
{
    if (!m->cpus) {
        return;
    }
    if (have_entry) {
        cpu_set_reset_pc(m->cpus, entry);
    }
    if (!stopped) {
        cpu_resume_all(m->cpus);
    }
}

/* ---- MonitorMachine: vCPU hooks -------------------------------------------- */

static bool mon_cpu_register(void *opaque, const char *name, uint64_t *value)
{
    Machine *m = opaque;
    unsigned reg;
    int n;
    bool was;
    int rc;

    if (!strcmp(name, "pc")) {
        reg = CPU_REG_PC;
    } else if ((n = rv_reg_lookup(name)) >= 0) {
        reg = (unsigned)n;
    } else if ((n = rv_csr_lookup(name)) >= 0) {
        reg = CPU_REG_CSR((unsigned)n);
    } else {
        return false;
    }
    was = cpu_pause(m->cpus);
    rc = cpu_reg_get(m->cpus, 0, reg, value);
    cpu_unpause(m->cpus, was);
    return rc == 0;
}

static unsigned mon_cpu_disas(void *opaque, AddressSpace *as, uint64_t pc,
                              char *buf, size_t size)
{
    (void)opaque;
    return cpu_disas(as, pc, buf, size);
}

static void out_printf(const MonitorOut *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void out_printf(const MonitorOut *out, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n > 0) {
        out->write(out->opaque, buf, (size_t)n < sizeof(buf) ? (size_t)n
                                                             : sizeof(buf) - 1);
    }
}

/* QEMU 7.2's riscv_cpu_dump_state for an M-mode-only RV64IM hart: pc,
 * the CSRs that exist, x0..x31 four per line. */
static void mon_cpu_dump_registers(void *opaque, const MonitorOut *out)
{
    Machine *m = opaque;
    static const unsigned csrs[] = {
        CSR_MHARTID, CSR_MSTATUS, CSR_MIP, CSR_MIE, CSR_MTVEC, CSR_MEPC,
        CSR_MCAUSE, CSR_MTVAL, CSR_MSCRATCH,
    };
    uint64_t v[32 + 1 + sizeof(csrs) / sizeof(csrs[0])];
    bool was = cpu_pause(m->cpus);

    for (unsigned i = 0; i < 32; i++) {
        cpu_reg_get(m->cpus, 0, i, &v[i]);
    }
    cpu_reg_get(m->cpus, 0, CPU_REG_PC, &v[32]);
    for (unsigned i = 0; i < sizeof(csrs) / sizeof(csrs[0]); i++) {
        cpu_reg_get(m->cpus, 0, CPU_REG_CSR(csrs[i]), &v[33 + i]);
    }
    cpu_unpause(m->cpus, was);
    out_printf(out, " %-8s %016" PRIx64 "\n", "pc", v[32]);
    for (unsigned i = 0; i < sizeof(csrs) / sizeof(csrs[0]); i++) {
        out_printf(out, " %-8s %016" PRIx64 "\n", rv_csr_name(csrs[i]),
                   v[33 + i]);
    }
    for (unsigned i = 0; i < 32; i++) {
        char name[16];

        snprintf(name, sizeof(name), "x%u/%s", i, rv_abi_names[i]);
        out_printf(out, " %-8s %016" PRIx64 "%s", name, v[i],
                   (i & 3) == 3 ? "\n" : "");
    }
}

static bool mon_cpu_running(void *opaque)
{
    Machine *m = opaque;

    return cpu_is_running(m->cpus);
}

static void mon_cpu_stop(void *opaque)
{
    Machine *m = opaque;

    cpu_stop_all(m->cpus);
}

static void mon_cpu_cont(void *opaque)
{
    Machine *m = opaque;

    cpu_resume_all(m->cpus);
}

static void mon_system_reset(void *opaque)
{
    Machine *m = opaque;

    cpu_reset(m->cpus);
}

static void mon_cpu_list(void *opaque, const MonitorOut *out)
{
    Machine *m = opaque;

    for (unsigned i = 0; i < cpu_count(m->cpus); i++) {
        out_printf(out, "%c CPU #%u: thread_id=%ld\n", i == 0 ? '*' : ' ', i,
                   cpu_thread_id(m->cpus, i));
    }
}

/* ---- MonitorMachine ------------------------------------------------------- */

static AddressSpace *mon_default_as(void *opaque)
{
    Machine *m = opaque;
    BoardAS *as = board_default_as(m->board);

    return as ? &as->as : NULL;
}

static AddressSpace *mon_find_as(void *opaque, const char *name)
{
    Machine *m = opaque;
    BoardAS *as = board_find_as(m->board, name);

    return as ? &as->as : NULL;
}

static int mon_find_region(void *opaque, const char *name, MemoryRegion **mr)
{
    Machine *m = opaque;
    BoardRegion *r = NULL;
    int n = board_find_region(m->board, name, &r);

    if (n == 1 && mr) {
        *mr = &r->mr;
    }
    return n;
}

static void mon_foreach_region(void *opaque, MonitorRegionFn fn, void *arg)
{
    Machine *m = opaque;

    for (size_t i = 0; i < m->board->nregions; i++) {
        BoardRegion *r = m->board->regions[i];

        fn(arg, r->id, &r->mr);
    }
}

static void mon_foreach_as(void *opaque, MonitorAsFn fn, void *arg)
{
    Machine *m = opaque;

    for (size_t i = 0; i < m->board->nas; i++) {
        if (m->board->as[i]->inited) {
            fn(arg, &m->board->as[i]->as);
        }
    }
}

static void mon_uart_log(void *opaque, MonitorUartFn fn, void *arg)
{
    Machine *m = opaque;

    uart_log_foreach(&m->uart_log, fn, arg);
}

static void mon_quit(void *opaque)
{
    (void)opaque;
    shutdown_request(0);
}

/* Once a shutdown is asked for, every running command stops, whichever
 * front-end runs it: shutdown never waits for a client's command. */
static bool mon_cancelled(void *opaque)
{
    (void)opaque;
    return shutdown_requested() != 0;
}

/* ---- life cycle ----------------------------------------------------------- */

Machine *machine_create(Board *board, bool read_only, Diag *d)
{
    Machine *m = calloc(1, sizeof(*m));

    if (!m || uart_log_init(&m->uart_log) != 0) {
        free(m);
        board_destroy(board);
        d->oom = true;
        return NULL;
    }
    m->board = board;
    m->host = (DeviceHost) {
        .opaque = m,
        .uart_tx = host_uart_tx,
        .power_off = host_power_off,
        .reset = host_reset,
    };
    m->mon = (MonitorMachine) {
        .opaque = m,
        .read_only = read_only,
        .default_as = mon_default_as,
        .find_as = mon_find_as,
        .find_region = mon_find_region,
        .foreach_region = mon_foreach_region,
        .foreach_as = mon_foreach_as,
        .uart_log = mon_uart_log,
        .quit = mon_quit,
        .cancelled = mon_cancelled,
    };

    /* Every UART is listed by `info uart`, even before it says anything. */
    for (size_t i = 0; i < board->nregions; i++) {
        BoardRegion *r = board->regions[i];

        if (r->dev && strcmp(r->dev->model->name, "ns16550a") == 0 &&
            uart_log_add(&m->uart_log, r->name) != 0) {
            d->oom = true;
        }
    }
    if (d->oom || !board_build(board, &m->host, d)) {
        m->board = NULL;
        board_destroy(board);
        machine_destroy(m);
        return NULL;
    }
    if (board->ncpus) {
        if (!create_cpus(m)) {
            d->oom = true;
            machine_destroy(m);
            return NULL;
        }
        m->mon.cpu_register = mon_cpu_register;
        m->mon.cpu_disas = mon_cpu_disas;
        m->mon.cpu_dump_registers = mon_cpu_dump_registers;
        m->mon.cpu_running = mon_cpu_running;
        m->mon.cpu_stop = mon_cpu_stop;
        m->mon.cpu_cont = mon_cpu_cont;
        m->mon.system_reset = mon_system_reset;
        m->mon.cpu_list = mon_cpu_list;
    }
    machine_set_dump_dir(m, NULL);
    /* Building a big board in one transaction leaves megabytes of render
     * scratch in the heap; give it back once, as QEMU's RCU thread does.
     * A process-wide choice, so it is memcored's and not libmemcore's. */
    malloc_trim(0);
    return m;
}

void machine_stop_for_shutdown(Machine *m)
{
    if (m->cpus) {
        cpu_stop_all_for(m->cpus, CPU_RUN_SHUTDOWN);
        /* the last hart to park may still be telling the observers:
         * the event stream must have the stop before HTTP goes */
        cpu_run_observers_sync(m->cpus);
    }
}

/* The network copy is refreshed from m->mon here, after every hook is in
 * place, so that the two never differ but in where files may go. */
void machine_set_dump_dir(Machine *m, const char *dir)
{
    m->net_mon = m->mon;
    m->net_mon.confine_files = true;
    m->net_mon.dump_dir = dir;
}

const MonitorMachine *machine_network_monitor(Machine *m)
{
    return &m->net_mon;
}

void machine_destroy(Machine *m)
{
    if (!m) {
        return;
    }
    if (m->reset_started) {
        pthread_mutex_lock(&m->reset_lock);
        m->reset_quit = true;
        pthread_cond_signal(&m->reset_cond);
        pthread_mutex_unlock(&m->reset_lock);
        pthread_join(m->reset_thread, NULL);
    }
    cpu_destroy(m->cpus);
    board_destroy(m->board);
    uart_log_destroy(&m->uart_log);
    free(m);
}
