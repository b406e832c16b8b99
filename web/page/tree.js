// tree.js: the region tree of one address space, drawn as `info mtree -D`
// prints it: one line per region, "START-END (prio P, TYPE): NAME", aliases
// as "alias NAME @TARGET OFF-END", children in the monitor's order
// (address, then higher priority first) and disabled regions greyed with
// " [disabled]".  Each line's text is exactly the monitor's, so a person
// (and the browser test) can hold one against the other.  Subtrees fold;
// the fold state survives the redraws live updates cause.

import { big, hex16, parseNum } from './num.js';

// The monitor's order for children: by address, ties by priority, higher
// first; a stable sort keeps the API's order for full ties.
function ordered(children) {
  return children
    .map((c, i) => ({ c, i }))
    .sort((a, b) => {
      const sa = big(a.c.start);
      const sb = big(b.c.start);
      if (sa !== sb) return sa < sb ? -1 : 1;
      const pa = a.c.priority ?? 0;
      const pb = b.c.priority ?? 0;
      if (pa !== pb) return pb - pa;
      return a.i - b.i;
    })
    .map((x) => x.c);
}

// The text `info mtree` prints for @node (without the indentation).
export function mtreeLine(node) {
  const start = big(node.start);
  const end = big(node.end);
  let text = `${hex16(start)}-${hex16(end)} (prio ${node.priority ?? 0}, ${node.type}): `;
  if (node.alias) {
    const off = big(node.alias.offset);
    text += `alias ${node.name} @${node.alias.target} ${hex16(off)}-${hex16(off + (end - start))}`;
  } else {
    text += node.name;
  }
  if (node.enabled === false) text += ' [disabled]';
  return text;
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

export class RegionTree {
  // @onSelect(node, section) when a line is clicked; @onAlias(targetName) when an
  // alias target is clicked.
  constructor(container, { onSelect, onAlias }) {
    this.container = container;
    this.onSelect = onSelect;
    this.onAlias = onAlias;
    this.collapsed = new Set();   // keys of folded nodes
    this.rows = [];               // {row, li, node, key, ancestors}
    this.selectedKey = null;
    this.query = '';
  }

  // Draws @sections, each {heading, node, inSpace}: the address space's
  // tree, then the regions its aliases point into, as `info mtree` lists
  // them ("memory-region: NAME").
  render(sections) {
    this.rows = [];
    const box = document.createDocumentFragment();
    for (const sec of sections) {
      const part = el('div', 'tree-section');
      part.dataset.heading = sec.heading;
      part.append(el('div', 'tree-heading', sec.heading));
      const ul = el('ul', 'tree-list');
      ul.append(this.nodeItem(sec.node, sec.heading, [], sec));
      part.append(ul);
      box.append(part);
    }
    this.container.replaceChildren(box);
    this.applyQuery();
  }

  nodeItem(node, parentKey, ancestors, section) {
    // Names repeat (QEMU boards map several "pam-pci" aliases), so a key
    // is the path of name@start.
    const key = `${parentKey}/${node.name}@${node.start}`;
    const li = el('li', 'node');
    const row = el('div', 'row');
    row.dataset.key = key;
    row.dataset.name = node.name;
    row.dataset.start = node.start;
    row.dataset.end = node.end;
    row.dataset.type = node.type;
    if (node.enabled === false) row.classList.add('disabled');
    if (node.readonly) row.classList.add('readonly');
    if (key === this.selectedKey) row.classList.add('selected');

    const children = ordered(node.subregions || []);
    const twisty = el('button', 'twisty');
    twisty.type = 'button';
    if (children.length > 0) {
      twisty.setAttribute('aria-label', 'fold');
      twisty.addEventListener('click', (e) => {
        e.stopPropagation();
        this.toggle(key, li);
      });
    } else {
      twisty.disabled = true;
      twisty.classList.add('leaf');
    }
    row.append(twisty);

    // The .line span holds exactly the monitor's text; the spans inside it
    // only colour it.
    const line = el('span', 'line');
    const start = big(node.start);
    const end = big(node.end);
    line.append(el('span', 'range', `${hex16(start)}-${hex16(end)}`));
    line.append(el('span', 'meta', ` (prio ${node.priority ?? 0}, `));
    line.append(el('span', `type t-${typeClass(node.type)}`, node.type));
    line.append(el('span', 'meta', '): '));
    if (node.alias) {
      const off = big(node.alias.offset);
      line.append(el('span', 'kw', 'alias '));
      line.append(el('span', 'name', node.name));
      line.append(document.createTextNode(' @'));
      const target = el('a', 'target', node.alias.target);
      target.href = '#';
      target.title = 'show the alias target';
      target.addEventListener('click', (e) => {
        e.preventDefault();
        e.stopPropagation();
        this.onAlias?.(node.alias.target);
      });
      line.append(target);
      line.append(el('span', 'range',
        ` ${hex16(off)}-${hex16(off + (end - start))}`));
    } else {
      line.append(el('span', 'name', node.name));
    }
    if (node.enabled === false) line.append(el('span', 'badge', ' [disabled]'));
    row.append(line);
    if (node.readonly) row.append(el('span', 'tag', 'read-only'));
    if (node.owner) row.append(el('span', 'tag owner', node.owner));
    row.title = mtreeLine(node);
    row.addEventListener('click', () => {
      this.select(key);
      this.onSelect?.(node, section);
    });
    li.append(row);

    const entry = { row, li, node, key, ancestors };
    this.rows.push(entry);
    if (children.length > 0) {
      const ul = el('ul', 'tree-list');
      for (const c of children) ul.append(this.nodeItem(c, key, [...ancestors, entry], section));
      li.append(ul);
      if (this.collapsed.has(key)) li.classList.add('collapsed');
    }
    return li;
  }

  toggle(key, li) {
    if (this.collapsed.has(key)) this.collapsed.delete(key);
    else this.collapsed.add(key);
    li.classList.toggle('collapsed', this.collapsed.has(key));
  }

  setAll(collapsed) {
    this.collapsed.clear();
    for (const r of this.rows) {
      if (!r.li.querySelector(':scope > ul')) continue;
      if (collapsed && r.ancestors.length > 0) this.collapsed.add(r.key);
      r.li.classList.toggle('collapsed', this.collapsed.has(r.key));
    }
  }

  select(key) {
    this.selectedKey = key;
    for (const r of this.rows) r.row.classList.toggle('selected', r.key === key);
  }

  // Selects (and unfolds the way to) the first line of region @name;
  // answers its node, or null.
  selectByName(name) {
    const r = this.rows.find((x) => x.node.name === name && !x.node.alias);
    if (!r) return null;
    this.reveal(r);
    this.select(r.key);
    return r.node;
  }

  reveal(r) {
    for (const a of r.ancestors) {
      this.collapsed.delete(a.key);
      a.li.classList.remove('collapsed');
    }
    r.row.scrollIntoView({ block: 'nearest' });
  }

  // Filters the lines: a name containing @query (case-insensitive), or
  // a region containing the address @query parses to.  Answers the
  // number of matches.
  filter(query) {
    this.query = query.trim();
    return this.applyQuery();
  }

  applyQuery() {
    const q = this.query.toLowerCase();
    const addr = /^(0x)?[0-9a-f]+$/i.test(q) && q.length > 0 ? parseNum(q) : null;
    const shown = new Set();
    let matches = 0;
    for (const r of this.rows) {
      let hit = false;
      if (q) {
        hit = r.node.name.toLowerCase().includes(q) ||
              (r.node.alias && r.node.alias.target.toLowerCase().includes(q));
        if (!hit && addr !== null) {
          hit = big(r.node.start) <= addr && addr <= big(r.node.end);
        }
      }
      r.row.classList.toggle('match', hit);
      if (hit) {
        matches++;
        shown.add(r);
        for (const a of r.ancestors) shown.add(a);
      }
    }
    for (const r of this.rows) {
      r.li.classList.toggle('filtered-out', q !== '' && !shown.has(r));
      // A search opens the folds on the way to its matches.
      if (q && shown.has(r) && r.row.classList.contains('match') === false) {
        r.li.classList.remove('collapsed');
      } else if (!q) {
        r.li.classList.toggle('collapsed', this.collapsed.has(r.key));
      }
    }
    return q ? matches : null;
  }

  firstMatch() {
    return this.rows.find((r) => r.row.classList.contains('match'))?.node ?? null;
  }
}

// "ram device" → "ram-device", for a CSS class.
export function typeClass(type) {
  return String(type).replace(/[^a-z0-9]+/gi, '-').toLowerCase();
}
