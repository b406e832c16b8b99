#!/usr/bin/env python3
"""tests/integration/http_faults.py — hostile HTTP clients for
test_faults_http.sh.

    http_faults.py MODE HOST:PORT [N]

Every mode ends by checking that a well-behaved client (from 127.0.0.1)
is still answered, within PROMPT_S seconds, and prints one line per
check: "ok - ..." or "FAIL - ..."; the exit status is 1 if any failed.

  cut        a PUT and a GET cut after every few bytes (mid request line,
             mid headers, mid body), each connection closed there, half
             of them with a reset (SO_LINGER 0);
  slowloris  N connections (from 127.0.0.2 and 127.0.0.3, so that
             memcored's per-address cap does not lock 127.0.0.1 out)
             each send part of their headers and then nothing; a normal
             client is answered promptly while they hang; they are then
             closed;
  flood      N connections opened at once (from 16 addresses 127.0.0.x,
             under the per-address cap), each sending a GET: every one is
             answered or closed by memcored within FLOOD_S (10) seconds;
             with a listen backlog of 16 the SYNs of most wait on
             retransmits, and this took about 30 s;
  reset      N large reads (64 MiB) reset by the client once the answer
             has started, while memcored writes (SIGPIPE would kill a
             server that does not ignore it or use MSG_NOSIGNAL).
"""
import selectors
import socket
import struct
import sys
import time

PROMPT_S = 2.0
FLOOD_S = 10.0
failed = 0


def report(ok, what):
    global failed
    print(('ok - ' if ok else 'FAIL - ') + what, flush=True)
    if not ok:
        failed += 1


def connect(addr, source='127.0.0.1', timeout=10):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.bind((source, 0))
    s.connect(addr)
    return s


def reset_close(s):
    """Close with an RST instead of a FIN."""
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
    s.close()


def request(host, path='/api/v1/address-spaces'):
    return ('GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n'
            % (path, host)).encode()


def read_status(s):
    """The status code of the answer on @s (None if closed first)."""
    data = b''
    while b'\r\n' not in data:
        chunk = s.recv(4096)
        if not chunk:
            return None
        data += chunk
    parts = data.split(b' ', 2)
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None


def served(addr, host, what):
    """A normal client gets 200 within PROMPT_S seconds."""
    t = time.monotonic()
    try:
        s = connect(addr, timeout=PROMPT_S)
        s.sendall(request(host))
        status = read_status(s)
        s.close()
    except OSError as e:
        status = 'error: %s' % e
    took = time.monotonic() - t
    report(status == 200 and took < PROMPT_S,
           '%s: a normal client is answered (status %s in %.2f s)'
           % (what, status, took))


def mode_cut(addr, host, _n):
    body = b'\xa5' * 64
    put = ('PUT /api/v1/address-spaces/memory/memory?addr=0x80100000 '
           'HTTP/1.1\r\nHost: %s\r\nContent-Type: application/octet-stream'
           '\r\nContent-Length: %d\r\n\r\n' % (host, len(body))).encode() + body
    n = 0
    for req in (request(host), put):
        for cut in range(1, len(req), 7):
            s = connect(addr)
            s.sendall(req[:cut])
            if cut % 2:
                reset_close(s)
            else:
                s.close()
            n += 1
    served(addr, host, 'after %d requests cut short' % n)


def mode_slowloris(addr, host, n):
    conns = []
    for i in range(n):
        s = connect(addr, source='127.0.0.%d' % (2 + i % 2))
        s.sendall(('GET /api/v1/address-spaces HTTP/1.1\r\nHost: %s\r\n'
                   'X-Slow: ' % host).encode())
        conns.append(s)
    served(addr, host, 'while %d requests are half sent' % n)
    # memcored neither answered nor dropped them (its timeout is 30 s)
    open_ = 0
    for s in conns:
        s.setblocking(False)
        try:
            s.recv(1)
        except BlockingIOError:
            open_ += 1
        except OSError:
            pass
    report(open_ == n, '%d of %d half-sent requests still open' % (open_, n))
    for s in conns:
        s.close()
    served(addr, host, 'after the half-sent requests closed')


def mode_flood(addr, host, n):
    sel = selectors.DefaultSelector()
    req = request(host)
    answered = closed = 0
    t0 = time.monotonic()
    for i in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.bind(('127.0.0.%d' % (2 + i % 16), 0))
        s.connect_ex(addr)
        sel.register(s, selectors.EVENT_WRITE, [b'', False])
    left = n
    while left and time.monotonic() - t0 < FLOOD_S:
        for key, ev in sel.select(timeout=1):
            s, st = key.fileobj, key.data
            try:
                if ev & selectors.EVENT_WRITE and not st[1]:
                    err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                    if err:
                        raise OSError(err, 'connect')
                    s.sendall(req)
                    st[1] = True
                    sel.modify(s, selectors.EVENT_READ, st)
                    continue
                chunk = s.recv(65536)
            except OSError:
                chunk = b''
            if chunk:
                st[0] += chunk
                continue
            if st[0].startswith(b'HTTP/1.1 200 '):
                answered += 1
            else:
                closed += 1
            sel.unregister(s)
            s.close()
            left -= 1
    took = time.monotonic() - t0
    unsent = sum(1 for k in sel.get_map().values() if not k.data[1])
    for key in list(sel.get_map().values()):
        key.fileobj.close()
    if left:
        print('  of the %d waiting, %d never connected' % (left, unsent))
    report(left == 0, '%d connections at once: %d answered, %d closed by '
           'memcored, %d still waiting after %.1f s'
           % (n, answered, closed, left, took))
    report(answered > 0, 'some of the %d connections were answered' % n)
    served(addr, host, 'after %d connections at once' % n)


def mode_reset(addr, host, n):
    path = '/api/v1/address-spaces/memory/memory?addr=0x80000000&len=0x4000000'
    started = 0
    for _ in range(n):
        s = connect(addr)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.sendall(request(host, path))
        if s.recv(1):
            started += 1
        reset_close(s)
    report(started == n, '%d of %d large answers started before the reset'
           % (started, n))
    served(addr, host, 'after %d answers reset mid-write' % n)


def main():
    mode, target = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    host, port = target.rsplit(':', 1)
    addr = (host, int(port))
    {'cut': mode_cut, 'slowloris': mode_slowloris, 'flood': mode_flood,
     'reset': mode_reset}[mode](addr, target, n)
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
