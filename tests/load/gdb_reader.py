"""tests/load/gdb_reader.py — the gdb client of the load test, run by
gdb-multiarch -batch -x (gdb's own Python).

For LOAD_SECONDS from its start it attaches to LOAD_GDB
(HOST:PORT), reads the toggled window 20 times (64 KiB: one `m` packet,
so one memcore read that must match one layout) and the guest's 1 MiB
buffer once (eight packets; it never changes, so it must equal what the
guest wrote), then detaches so that the guest runs on, and waits 50 ms
(pacing, not synchronisation: attaching stops the harts).  Prints one
line: "gdb: sessions S reads R torn T buffer-bad B errors E"."""
import os
import sys
import time

import gdb

sys.path.insert(0, os.environ['LOAD_SRCDIR'])
import layouts  # noqa: E402

deadline = time.time() + float(os.environ['LOAD_SECONDS'])
target = os.environ['LOAD_GDB']
want_buf = None
sessions = reads = torn = buf_bad = errors = 0
first_error = None

gdb.execute('set pagination off')
gdb.execute('set confirm off')
while time.time() < deadline:
    try:
        gdb.execute('target remote ' + target, to_string=True)
        inf = gdb.selected_inferior()
        for _ in range(20):
            data = inf.read_memory(layouts.WINDOW, layouts.WINDOW_SIZE)
            reads += 1
            if not layouts.consistent(layouts.WINDOW, data):
                torn += 1
        if want_buf is None:
            want_buf = layouts.guest_buffer()
        data = inf.read_memory(layouts.GUEST_BUF, layouts.GUEST_BUF_SIZE)
        reads += 1
        if bytes(data) != want_buf:
            buf_bad += 1
        gdb.execute('detach', to_string=True)
        sessions += 1
    except gdb.error as e:
        errors += 1
        if first_error is None:
            first_error = str(e)
        try:
            gdb.execute('disconnect', to_string=True)
        except gdb.error:
            pass
    time.sleep(0.05)
print('gdb: sessions %d reads %d torn %d buffer-bad %d errors %d'
      % (sessions, reads, torn, buf_bad, errors))
if first_error:
    print('gdb: first error: ' + first_error)
