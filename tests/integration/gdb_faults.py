#!/usr/bin/env python3
"""tests/integration/gdb_faults.py — hostile gdb remote-protocol clients
for test_faults_gdb.sh.

    gdb_faults.py MODE HOST:PORT [N]

  cut    packets cut short (no '#', half a checksum, inside the data,
         after a lone '$'), each connection closed there, half of them
         with a reset; after each, a new client is served ('?' answered);
  reset  N times: ask for 128 KiB (a 256 KiB reply), read one byte,
         reset the connection while memcored writes; then a new client
         is served;
  stall  turn acks off (QStartNoAckMode, as gdb does), then ask for N
         replies of 256 KiB and never read them (receive
         buffer 4 KiB), print "stalled" and wait, connection open, until
         stdin closes;
  served a new client is served within N seconds.

Prints "ok - ..." / "FAIL - ..." lines; exit status 1 if any failed."""
import socket
import struct
import sys
import time

failed = 0


def report(ok, what):
    global failed
    print(('ok - ' if ok else 'FAIL - ') + what, flush=True)
    if not ok:
        failed += 1


def packet(data):
    return b'$%s#%02x' % (data, sum(data) & 0xff)


def connect(addr, rcvbuf=None):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.settimeout(10)
    s.connect(addr)
    return s


def reset_close(s):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
    s.close()


def reply(s):
    """The next packet's data ('+' acks skipped); None when closed."""
    data = b''
    while True:
        if b'#' in data and len(data) >= data.index(b'#') + 3:
            start = data.index(b'$')
            return data[start + 1:data.index(b'#')]
        chunk = s.recv(65536)
        if not chunk:
            return None
        data += chunk.lstrip(b'+') if not data else chunk


def served(addr, what, wait_s=5):
    """A new client gets an answer to '?' (a stop reply).  While memcored
    has not yet seen the previous client go it refuses the new one ("E."):
    try again for up to @wait_s seconds."""
    t = time.monotonic()
    answer = None
    while time.monotonic() - t < wait_s:
        try:
            s = connect(addr)
            s.settimeout(max(0.1, wait_s - (time.monotonic() - t)))
            s.sendall(packet(b'?'))
            answer = reply(s)
            s.close()
        except OSError as e:
            answer = str(e).encode()
        if answer and answer[:1] in (b'S', b'T'):
            break
        time.sleep(0.05)
    report(bool(answer) and answer[:1] in (b'S', b'T'),
           '%s: a new gdb client is served (%r)' % (what, answer[:20]
                                                   if answer else answer))


def mode_cut(addr, _n):
    cuts = [b'$', b'$qSupported:multiprocess+;swbreak+', b'$m80000000,10#',
            b'$m80000000,10#2', b'+$g', b'$M80000000,4:0102',
            b'$X80000000,4:\x7d']
    for i, c in enumerate(cuts):
        s = connect(addr)
        s.sendall(c)
        if i % 2:
            reset_close(s)
        else:
            s.close()
        served(addr, 'after %r' % c)


def mode_reset(addr, n):
    started = 0
    for _ in range(n):
        s = connect(addr, rcvbuf=4096)
        s.sendall(packet(b'm80100000,20000'))
        if s.recv(1):
            started += 1
        reset_close(s)
    report(started == n, '%d of %d replies started before the reset'
           % (started, n))
    served(addr, 'after %d replies reset mid-write' % n)


def mode_stall(addr, n):
    s = connect(addr, rcvbuf=4096)
    # As gdb does: without acks the stub answers packet after packet.
    s.sendall(packet(b'QStartNoAckMode'))
    ok = reply(s)
    s.sendall(b'+')
    if ok != b'OK':
        report(False, 'QStartNoAckMode answered %r' % ok)
        return
    s.settimeout(None)
    for _ in range(n):
        s.sendall(packet(b'm80100000,20000'))
    print('stalled', flush=True)
    sys.stdin.read()
    s.close()


def mode_served(addr, n):
    served(addr, 'within %d s' % n, n)


def main():
    mode, target = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    host, port = target.rsplit(':', 1)
    {'cut': mode_cut, 'reset': mode_reset, 'stall': mode_stall,
     'served': mode_served}[mode](
        (host, int(port)), n)
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
