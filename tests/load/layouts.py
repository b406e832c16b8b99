"""tests/load/layouts.py — the load board's window in each layout the
toggler (load_toggler.c) puts it in, for the readers to check against.

A read is "torn" when its bytes match no single layout: it saw part of a
transaction.  The window is 64 KiB at WINDOW; each layout is four 16 KiB
quarters of one fill byte."""

WINDOW = 0x40000000
WINDOW_SIZE = 0x10000
QUARTER = 0x4000
LAYOUTS = (
    (0xc3, 0xa1, 0xa1, 0xa1),   # load.a on, load.mv at 0
    (0xb2, 0xb2, 0xc3, 0xb2),   # load.b on, load.mv at 32K
    (0x00, 0x00, 0x00, 0x00),   # load.bg alone
)


def expected(layout, addr, length):
    """The bytes [addr, addr + length) of the window in @layout."""
    out = bytearray()
    off = addr - WINDOW
    while length > 0:
        q = off // QUARTER
        n = min(length, QUARTER - off % QUARTER)
        out += bytes([LAYOUTS[layout][q]]) * n
        off += n
        length -= n
    return bytes(out)


def consistent(addr, data):
    """True when @data, read at @addr, is the window in one layout."""
    data = bytes(data)
    return any(expected(l, addr, len(data)) == data
               for l in range(len(LAYOUTS)))


# The guest's buffer (tests/guests/checksum.c): word i is seq(i).
GUEST_BUF = 0x80400000
GUEST_BUF_SIZE = 1024 * 1024
GUEST_STATS = 0x80300000


def guest_buffer():
    import struct
    m = (1 << 64) - 1
    return struct.pack('<%dQ' % (GUEST_BUF_SIZE // 8),
                       *((i * 0x9e3779b97f4a7c15 + 0x632be59bd9b4e019) & m
                         for i in range(GUEST_BUF_SIZE // 8)))
