#!/usr/bin/env python3
"""tests/integration/limits_driver.py — the clients test_monitor_limits.sh
needs beyond monclient (see that script):

  limits_driver.py fire ADDR LINE
      connect to the monitor at ADDR (HOST:PORT or unix:PATH), wait for
      the first prompt, send LINE and close at once, never reading its
      answer (a client that leaves while its command runs);
  limits_driver.py wait-full FIFO
      wait (20 s at most) until the pipe behind FIFO is full, i.e. its
      writer is stuck; exit 1 if it never fills;
  limits_driver.py ctrlc MEMCORED ARGS...
      run memcored on a pseudo-terminal (--monitor stdio), start a long
      xp, press Ctrl-C while it prints, and check that the command is
      interrupted, the prompt comes back, memcored still answers, and
      quit exits 0.

Every wait is bounded (20 s); a step that fails prints what was seen and
the exit status is 1.
"""
import fcntl
import os
import pty
import select
import signal
import socket
import sys
import termios
import time

WAIT_S = 20
PROMPT = b"(memcored) "


def connect(addr):
    if addr.startswith("unix:"):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(addr[5:])
    else:
        host, port = addr.rsplit(":", 1)
        s = socket.create_connection((host, int(port)), timeout=WAIT_S)
    s.settimeout(WAIT_S)
    return s


def fire(addr, line):
    s = connect(addr)
    seen = b""
    while PROMPT not in seen:
        chunk = s.recv(4096)
        if not chunk:
            print("fire: the server closed before its prompt")
            return 1
        seen += chunk
    s.sendall(line.encode() + b"\n")
    s.close()
    return 0


def wait_full(path):
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    size = fcntl.fcntl(fd, 1032)  # F_GETPIPE_SZ
    end = time.monotonic() + WAIT_S
    buf = bytearray(4)
    while time.monotonic() < end:
        fcntl.ioctl(fd, termios.FIONREAD, buf)
        if int.from_bytes(buf, sys.byteorder) >= size:
            os.close(fd)
            return 0
        time.sleep(0.01)
    print("wait-full: %s holds %d of %d bytes after %d s" %
          (path, int.from_bytes(buf, sys.byteorder), size, WAIT_S))
    os.close(fd)
    return 1


class Term:
    def __init__(self, argv):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            try:
                os.execv(argv[0], argv)
            finally:
                os._exit(127)
        self.seen = b""

    def expect(self, needle, what):
        """Read until @needle appears after what earlier expects used."""
        end = time.monotonic() + WAIT_S
        while needle not in self.seen:
            left = end - time.monotonic()
            if left <= 0:
                break
            r, _, _ = select.select([self.fd], [], [], left)
            if not r:
                break
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                chunk = b""
            if not chunk:
                break
            self.seen += chunk
        if needle not in self.seen:
            tail = self.seen[-600:].decode(errors="replace")
            print("FAIL: %s: %r not seen; the end of the output:\n%s" %
                  (what, needle.decode(), tail))
            return False
        self.seen = self.seen[self.seen.index(needle) + len(needle):]
        return True

    def send(self, data):
        os.write(self.fd, data)

    def wait_exit(self):
        end = time.monotonic() + WAIT_S
        while time.monotonic() < end:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.pid = 0
                return os.waitstatus_to_exitcode(status)
            try:  # keep the terminal drained
                r, _, _ = select.select([self.fd], [], [], 0.05)
                if r:
                    os.read(self.fd, 65536)
            except OSError:
                time.sleep(0.05)
        return None

    def kill(self):
        if self.pid:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = 0


def ctrlc(argv):
    t = Term(argv)
    try:
        ok = t.expect(PROMPT, "the first prompt")
        if ok:
            # 65536 rows: far more than the terminal holds while unread.
            t.send(b"xp /131072xg 0\r")
            ok = t.expect(b"0000000000000010: ", "xp prints its rows")
        if ok:
            t.send(b"\x03")
            ok = t.expect(b"Error: interrupted", "Ctrl-C interrupts xp")
        if ok:
            ok = t.expect(PROMPT, "the prompt comes back")
        if ok:
            t.send(b"xp /1xg 0x80000000\r")
            ok = t.expect(b"0000000080000000: 0x0000000000000000",
                          "memcored still answers")
        if ok:
            t.expect(PROMPT, "the prompt after xp")
            t.send(b"quit\r")
            status = t.wait_exit()
            if status != 0:
                print("FAIL: quit: exit status %r" % (status,))
                ok = False
        return 0 if ok else 1
    finally:
        t.kill()


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "fire":
        return fire(sys.argv[2], sys.argv[3])
    if len(sys.argv) == 3 and sys.argv[1] == "wait-full":
        return wait_full(sys.argv[2])
    if len(sys.argv) >= 3 and sys.argv[1] == "ctrlc":
        return ctrlc(sys.argv[2:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
