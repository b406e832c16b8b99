#!/usr/bin/env python3
"""tests/load/monitor_reader.py — a monitor client of the load test.

    monitor_reader.py HOST:PORT SECONDS xp|mixed

For SECONDS from its connection it sends commands over one
connection and reads each answer up to the next prompt.
  xp     `xp /2xg` across each quarter boundary of the toggled window;
         each line is one 16-byte memcore read, so its two words must
         match one layout (else it is torn);
  mixed  `info mtree -f`, `info registers`, `info status`, `x /2i $pc`
         and `xp /16xb` of the window (checked the same way).
An answer with "Error" or "Cannot" counts as an error.  Prints one line:
"monitor-MODE: commands C torn T errors E"."""
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import layouts  # noqa: E402

PROMPT = b'(memcored) '


def main():
    host, port = sys.argv[1].rsplit(':', 1)
    mode = sys.argv[3]
    s = socket.create_connection((host, int(port)), timeout=30)
    buf = b''

    def answer():
        nonlocal buf
        while PROMPT not in buf:
            chunk = s.recv(65536)
            if not chunk:
                raise EOFError('monitor closed the connection')
            buf += chunk
        text, _, buf = buf.partition(PROMPT)
        return text.decode('utf-8', 'replace')

    answer()  # banner and first prompt
    deadline = time.time() + float(sys.argv[2])
    w = layouts.WINDOW
    if mode == 'xp':
        cmds = ['xp /2xg %#x' % (w + q * layouts.QUARTER - 8)
                for q in (1, 2, 3)]
    else:
        cmds = ['info mtree -f', 'info registers', 'info status',
                'x /2i $pc', 'xp /16xb %#x' % (w + layouts.QUARTER - 8)]
    n = torn = errors = 0
    first_error = None
    while time.time() < deadline:
        for c in cmds:
            s.sendall(c.encode() + b'\n')
            text = answer()
            n += 1
            if 'Error' in text or 'Cannot' in text:
                errors += 1
                first_error = first_error or (c + ': ' + text.strip())
                continue
            if c.startswith('xp'):
                torn += check_xp(text)
    s.close()
    print('monitor-%s: commands %d torn %d errors %d' % (mode, n, torn,
                                                         errors))
    if first_error:
        print('monitor-%s: first error: %s' % (mode, first_error))


def check_xp(text):
    """Torn lines in an xp answer: "ADDR: V V ..." with /xg or /xb."""
    bad = 0
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        addr, _, vals = line.partition(':')
        words = vals.split()
        size = (len(words[0]) - 2) // 2
        data = b''.join(int(v, 16).to_bytes(size, 'little') for v in words)
        if not layouts.consistent(int(addr, 16), data):
            bad += 1
            print('monitor: torn: ' + line)
    return bad


if __name__ == '__main__':
    main()
