// hexview.js: a page of guest memory, 16 bytes a row with their ASCII,
// read through GET …/memory and written a byte at a time through PUT
// …/memory.  Bytes that differ from the previous read of the same
// address are marked, so a refresh shows what the guest (or an edit)
// changed.  Only the parts of the page that the flat view maps are read
// (a read of unmapped space fails whole, and the API never answers bytes
// it did not read); a mapped range that still fails, such as a device
// that refuses the access, is read again row by row and what cannot be
// read shows as "??".

import { readMemory, writeMemory, ApiError } from './api.js';
import { big, hex16, hex2, hex0x } from './num.js';

export const ROW = 16;
export const ROWS = 16;
const PAGE = ROW * ROWS;
const PAGE_BIG = BigInt(PAGE);
const MAX = (1n << 64n) - 1n;

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function printable(b) {
  return b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
}

export class HexView {
  constructor({ box, addrInput, regionLabel, modeLabel, status }) {
    this.box = box;
    this.addrInput = addrInput;
    this.regionLabel = regionLabel;
    this.modeLabel = modeLabel;
    this.status = status;
    this.as = null;
    this.flat = [];
    this.base = 0n;
    this.cursor = null;      // the address asked for, marked in the page
    this.data = null;        // PAGE entries: byte, or null when unreadable
    this.prev = null;        // {as, base, data} of the read before
    this.writable = null;    // null: not known yet
    this.seq = 0;            // drops answers of reads overtaken by newer ones
    this.editing = null;

    box.addEventListener('keydown', (e) => {
      if (this.editing) return;
      if (e.key === 'PageDown') { e.preventDefault(); this.page(1); }
      if (e.key === 'PageUp') { e.preventDefault(); this.page(-1); }
    });
  }

  setSpace(as, flat) {
    if (as !== this.as) {
      this.prev = null;
      this.data = null;
    }
    this.as = as;
    this.flat = flat.map((e) => ({ ...e, s: big(e.start), e: big(e.end) }));
  }

  setWritable(w) {
    this.writable = w;
    this.modeLabel.textContent = w === false ? 'read-only' : w ? 'click a byte to edit' : '';
    this.modeLabel.classList.toggle('warn', w === false);
    this.box.classList.toggle('editable', w !== false);
  }

  say(text, bad = false) {
    this.status.textContent = text;
    this.status.classList.toggle('error', bad);
  }

  goto(addr) {
    this.cursor = addr;
    this.base = addr - (addr % BigInt(ROW));
    return this.refresh();
  }

  page(delta) {
    let b = this.base + BigInt(delta) * PAGE_BIG;
    if (b < 0n) b = 0n;
    if (b > MAX - PAGE_BIG + 1n) b = MAX - PAGE_BIG + 1n;
    this.base = b;
    this.cursor = null;
    return this.refresh();
  }

  // Reads the page again and draws it; the previous read of the same
  // addresses is what "changed" is measured against.
  async refresh() {
    if (this.as === null) return;
    const seq = ++this.seq;
    const as = this.as;
    const base = this.base;
    this.addrInput.value = hex0x(this.cursor ?? base);
    let data;
    try {
      data = await this.read(as, base);
    } catch (e) {
      if (seq === this.seq) this.say(e.message, true);
      return;
    }
    if (seq !== this.seq) return;
    if (this.data && this.as === as) this.prev = { base: this.dataBase, data: this.data };
    this.data = data;
    this.dataBase = base;
    this.draw();
    const unread = data.filter((b) => b === null).length;
    this.say(unread === PAGE ? 'nothing readable here'
      : unread ? `${unread} bytes could not be read` : `read ${PAGE} bytes at ${hex0x(base)}`);
  }

  // PAGE entries for [base, base+PAGE): the mapped parts of the flat view,
  // each one read, row by row when a whole range fails.
  async read(as, base) {
    const data = new Array(PAGE).fill(null);
    const end = base + PAGE_BIG - 1n;
    const parts = [];
    for (const f of this.flat) {
      const s = f.s > base ? f.s : base;
      const e = f.e < end ? f.e : end;
      if (s <= e) parts.push([s, e]);
    }
    await Promise.all(parts.map(async ([s, e]) => {
      const len = Number(e - s + 1n);
      try {
        data.splice(Number(s - base), len, ...await readMemory(as, s, len));
      } catch (err) {
        if (!(err instanceof ApiError) || err.status !== 422) throw err;
        await this.readRows(as, base, s, e, data);
      }
    }));
    return data;
  }

  async readRows(as, base, s, e, data) {
    const reads = [];
    for (let r = s; r <= e; r = r - (r % BigInt(ROW)) + BigInt(ROW)) {
      const rowEnd = r - (r % BigInt(ROW)) + BigInt(ROW) - 1n;
      const last = rowEnd < e ? rowEnd : e;
      const len = Number(last - r + 1n);
      reads.push(readMemory(as, r, len).then(
        (bytes) => { data.splice(Number(r - base), len, ...bytes); },
        (err) => { if (!(err instanceof ApiError) || err.status !== 422) throw err; }));
    }
    await Promise.all(reads);
  }

  draw() {
    this.editing = null;
    const frag = document.createDocumentFragment();
    const prev = this.prev;
    for (let row = 0; row < ROWS; row++) {
      const rowAddr = this.dataBase + BigInt(row * ROW);
      const line = el('div', 'hexrow');
      line.dataset.addr = hex0x(rowAddr);
      line.append(el('span', 'addr', hex16(rowAddr)));
      const bytes = el('span', 'bytes');
      const ascii = el('span', 'ascii');
      for (let i = 0; i < ROW; i++) {
        const k = row * ROW + i;
        const addr = rowAddr + BigInt(i);
        const b = this.data[k];
        const cell = el('span', 'b', b === null ? '??' : hex2(b));
        const ch = el('span', 'c', b === null ? ' ' : printable(b));
        cell.dataset.addr = hex0x(addr);
        if (b === null) { cell.classList.add('unread'); ch.classList.add('unread'); }
        const was = prev ? prev.data[Number(addr - prev.base)] : undefined;
        if (prev && addr >= prev.base && addr < prev.base + PAGE_BIG &&
            was !== null && b !== null && was !== b) {
          cell.classList.add('changed');
          ch.classList.add('changed');
          cell.title = `was ${hex2(was)}`;
        }
        if (this.cursor === addr) cell.classList.add('cursor');
        if (b !== null) cell.addEventListener('click', () => this.edit(cell, addr, b));
        bytes.append(cell);
        ascii.append(ch);
      }
      line.append(bytes, ascii);
      frag.append(line);
    }
    this.box.replaceChildren(frag);
    this.regionLabel.textContent = this.where(this.dataBase);
  }

  // "riscv_virt_board.ram + 0x10" for the first mapped byte of the page.
  where(base) {
    const end = base + PAGE_BIG - 1n;
    const hits = this.flat.filter((f) => f.s <= end && f.e >= base);
    if (hits.length === 0) return 'unmapped';
    return hits.map((f) => {
      const from = f.s > base ? f.s : base;
      const off = big(f.offset_in_region) + (from - f.s);
      return `${f.region} + ${hex0x(off)}`;
    }).join(', ');
  }

  edit(cell, addr, old) {
    if (this.writable === false || this.editing) return;
    const input = el('input', 'byte-edit');
    // Empty, the old value as a hint: typing replaces it; Enter on
    // nothing keeps it.
    input.placeholder = hex2(old);
    input.maxLength = 2;
    input.spellcheck = false;
    input.setAttribute('aria-label', `byte at ${hex0x(addr)}`);
    this.editing = input;
    cell.replaceChildren(input);
    input.focus();
    const done = () => {
      this.editing = null;
      cell.textContent = hex2(old);
    };
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') { e.preventDefault(); done(); this.box.focus(); }
      if (e.key === 'Enter') {
        e.preventDefault();
        const v = input.value.trim();
        if (v === '') { done(); this.box.focus(); return; }
        if (!/^[0-9a-f]{1,2}$/i.test(v)) {
          this.say(`not a byte in hex: ${v}`, true);
          return;
        }
        input.disabled = true;
        this.write(addr, parseInt(v, 16)).finally(() => this.box.focus());
      }
    });
    input.addEventListener('blur', () => { if (!input.disabled) done(); });
  }

  async write(addr, value) {
    try {
      await writeMemory(this.as, addr, Uint8Array.of(value));
      this.setWritable(true);
      this.cursor = addr;
      await this.refresh();
      this.say(`wrote ${hex2(value)} at ${hex0x(addr)}`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 403) {
        this.setWritable(false);
        this.say(`memcored refuses writes: ${e.message}`, true);
      } else {
        this.say(`write at ${hex0x(addr)} failed: ${e.message}`, true);
      }
      this.draw();
    }
  }

  // Asks memcored whether it takes writes, with a write of no bytes.
  async probeWritable() {
    if (this.as === null) return;
    try {
      await writeMemory(this.as, this.base, new Uint8Array(0));
      this.setWritable(true);
    } catch (e) {
      this.setWritable(e instanceof ApiError && e.status === 403 ? false : null);
    }
  }
}
