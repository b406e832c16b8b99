// aliases.js: the "memory-region: NAME" sections `info mtree` prints after
// an address space, one for each region an alias points into (also
// aliases inside those sections), with the region at its own address
// (its offset in its container) and its subregions below it.
//
// A target that the address space's tree already holds is that subtree,
// moved to the region's own address; any other one (a RAM block only
// aliases map, say) is read with GET /api/v1/regions/NAME, and its
// subregions one by one the same way.

import { region } from './api.js';
import { big, hex0x } from './num.js';

const MAX_SECTIONS = 64;
const MAX_NODES = 512;

function aliasNames(node, into) {
  if (node.alias && !into.includes(node.alias.target)) into.push(node.alias.target);
  for (const c of node.subregions || []) aliasNames(c, into);
}

// The first non-alias node named @name in @node's tree.
function findRegion(node, name) {
  if (node.name === name && !node.alias) return node;
  for (const c of node.subregions || []) {
    const hit = findRegion(c, name);
    if (hit) return hit;
  }
  return null;
}

// @node's subtree with every start and end moved by @delta (a BigInt).
function moved(node, delta) {
  return {
    ...node,
    start: hex0x(big(node.start) + delta),
    end: hex0x(big(node.end) + delta),
    subregions: (node.subregions || []).map((c) => moved(c, delta)),
  };
}

// A region and its subregions from /regions, placed at its own address
// plus @base (its container's start); null when the API does not know it.
// @budget counts the regions read, so a huge answer cannot keep the page
// busy.
async function fetchTree(name, base, budget) {
  if (budget.left-- <= 0) return null;
  let r;
  try {
    r = await region(name);
  } catch {
    return null;
  }
  const start = base + big(r.addr);
  const size = big(r.size);
  const node = {
    ...r,
    start: hex0x(start),
    end: hex0x(size === 0n ? start : start + size - 1n),
    subregions: [],
  };
  for (const kid of Array.isArray(r.subregions) ? r.subregions : []) {
    const sub = await fetchTree(typeof kid === 'string' ? kid : kid.name, start, budget);
    if (sub) node.subregions.push(sub);
  }
  return node;
}

// The sections for the aliases in @root (an address space's tree).
export async function aliasSections(root) {
  const names = [];
  aliasNames(root, names);
  const sections = [];
  const budget = { left: MAX_NODES };
  for (let i = 0; i < names.length && i < MAX_SECTIONS; i++) {
    const inTree = findRegion(root, names[i]);
    let node;
    if (inTree) {
      node = moved(inTree, big(inTree.addr) - big(inTree.start));
    } else {
      node = await fetchTree(names[i], 0n, budget);
      if (!node) continue;  // Not known by that name: the tree still stands.
    }
    aliasNames(node, names);
    sections.push({ heading: `memory-region: ${names[i]}`, node, inSpace: false });
  }
  return sections;
}
