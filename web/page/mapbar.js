// mapbar.js: the flat view of one address space as a bar, each range as
// wide as its share of the span from the first mapped byte to the last
// (every range at least a few pixels, so a 256-byte UART next to 128 MiB
// of RAM can still be pointed at).  "Squeeze gaps" draws unmapped holes
// narrow so the mapped ranges share the bar; hovering a range shows its
// details, clicking one opens it in the hex viewer.

import { big, hex16, humanSize } from './num.js';
import { typeClass } from './tree.js';

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

export class MemoryMap {
  constructor({ bar, legend, range, tooltip, onPick }) {
    this.bar = bar;
    this.legend = legend;
    this.range = range;
    this.tooltip = tooltip;
    this.onPick = onPick;
    this.highlighted = null;
    bar.addEventListener('mouseleave', () => { tooltip.hidden = true; });
  }

  render(flat, squeeze) {
    const entries = flat
      .map((e) => ({ ...e, s: big(e.start), e: big(e.end) }))
      .sort((a, b) => (a.s < b.s ? -1 : a.s > b.s ? 1 : 0));
    const segs = document.createDocumentFragment();
    const types = new Set();
    if (entries.length === 0) {
      this.range.textContent = 'nothing mapped';
      segs.append(el('div', 'seg empty', 'No rendered FlatView'));
      this.bar.replaceChildren(segs);
      this.legend.replaceChildren();
      return;
    }
    const first = entries[0].s;
    const last = entries[entries.length - 1].e;
    const span = Number(last - first) + 1;
    this.range.textContent = `${hex16(first)}-${hex16(last)}`;

    let at = first;
    for (const e of entries) {
      if (e.s > at) segs.append(this.gap(at, e.s - 1n, span, squeeze));
      segs.append(this.segment(e, span));
      types.add(e.type);
      at = e.e + 1n;
    }
    this.bar.replaceChildren(segs);
    this.highlight(this.highlighted);

    const legend = document.createDocumentFragment();
    for (const t of types) {
      const item = el('span', 'legend-item');
      item.append(el('span', `swatch t-${typeClass(t)}`), document.createTextNode(t));
      legend.append(item);
    }
    const gap = el('span', 'legend-item');
    gap.append(el('span', 'swatch gap'), document.createTextNode('unmapped'));
    legend.append(gap);
    this.legend.replaceChildren(legend);
  }

  segment(e, span) {
    const seg = el('div', `seg t-${typeClass(e.type)}`);
    seg.style.flexGrow = String(Number(e.e - e.s + 1n) / span * 1000);
    seg.dataset.region = e.region;
    seg.dataset.start = e.start;
    seg.dataset.end = e.end;
    if (e.readonly) seg.classList.add('readonly');
    const lines = [
      e.region,
      `${hex16(e.s)}-${hex16(e.e)}`,
      `${humanSize(e.e - e.s + 1n)}, ${e.type}${e.readonly ? ', read-only' : ''}${e.romd ? ', romd' : ''}`,
      `offset in region ${e.offset_in_region}`,
    ];
    this.hover(seg, lines);
    seg.addEventListener('click', () => this.onPick?.(e));
    return seg;
  }

  gap(s, e, span, squeeze) {
    const g = el('div', 'seg gap');
    if (squeeze) g.classList.add('squeezed');
    else g.style.flexGrow = String(Number(e - s + 1n) / span * 1000);
    this.hover(g, ['unmapped', `${hex16(s)}-${hex16(e)}`, humanSize(e - s + 1n)]);
    return g;
  }

  hover(seg, lines) {
    seg.addEventListener('mousemove', (ev) => {
      const t = this.tooltip;
      t.replaceChildren(...lines.map((l, i) => el('div', i === 0 ? 'tip-title' : '', l)));
      t.hidden = false;
      // Keep the box on screen near the pointer.
      const x = Math.min(ev.clientX + 14, window.innerWidth - t.offsetWidth - 8);
      t.style.left = `${Math.max(8, x)}px`;
      t.style.top = `${ev.clientY + 18}px`;
    });
  }

  // Marks the ranges of region @name (null: none).
  highlight(name) {
    this.highlighted = name;
    for (const s of this.bar.querySelectorAll('.seg')) {
      s.classList.toggle('selected', name !== null && s.dataset.region === name);
    }
  }
}
