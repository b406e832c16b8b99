// app.js: the page's story.  It asks memcored for its address spaces,
// draws the chosen one (region tree, memory map, hex viewer), then keeps
// it current from the event stream: a "topology" event for the shown
// address space reads its tree and flat view again, "run-state" updates
// the vCPU pill, and a reconnection or a "lost" event reads everything
// again, since events may have been missed.  The address space and the
// hex address live in the URL's #fragment, so a reload keeps them.

import * as api from './api.js';
import { aliasSections } from './aliases.js';
import { openEvents } from './events.js';
import { HexView } from './hexview.js';
import { MemoryMap } from './mapbar.js';
import { big, hex0x, parseNum } from './num.js';
import { RegionTree } from './tree.js';

const $ = (id) => document.getElementById(id);

const state = {
  spaces: [],        // [{name, root}] from the API
  as: null,          // the shown address space's name
  flat: [],
  reloading: null,   // the reload running now
  reloadAgain: false,
  reloadAll: false,
};

const tree = new RegionTree($('tree'), {
  onSelect(node, section) {
    map.highlight(node.name);
    if (section.inSpace) gotoAddr(big(node.start));
  },
  onAlias(target) {
    tree.selectByName(target);
  },
});

const map = new MemoryMap({
  bar: $('map-bar'),
  legend: $('map-legend'),
  range: $('map-range'),
  tooltip: $('tooltip'),
  onPick(entry) {
    map.highlight(entry.region);
    tree.selectByName(entry.region);
    gotoAddr(entry.s);
  },
});

const hex = new HexView({
  box: $('hex'),
  addrInput: $('hex-addr'),
  regionLabel: $('hex-region'),
  modeLabel: $('hex-mode'),
  status: $('hex-status'),
});

function fail(e) {
  hex.say(e.message, true);
}

// --- the token ------------------------------------------------------------

api.setTokenAsker((message) => new Promise((resolve) => {
  const dialog = $('token-dialog');
  const input = $('token-input');
  $('token-message').textContent = message;
  input.value = '';
  const submit = (e) => {
    e.preventDefault();
    if (!input.value) return;
    $('token-form').removeEventListener('submit', submit);
    dialog.close();
    resolve(input.value);
  };
  $('token-form').addEventListener('submit', submit);
  dialog.showModal();
  input.focus();
}));
// Without a token nothing works: Escape must not close the question.
$('token-dialog').addEventListener('cancel', (e) => e.preventDefault());

// --- the URL fragment -----------------------------------------------------

function readHash() {
  const p = new URLSearchParams(location.hash.slice(1));
  return { as: p.get('as'), addr: parseNum(p.get('addr') ?? '') };
}

function writeHash() {
  const p = new URLSearchParams();
  if (state.as !== null) p.set('as', state.as);
  p.set('addr', hex0x(hex.cursor ?? hex.base));
  history.replaceState(null, '', `#${p}`);
}

function gotoAddr(addr) {
  const done = hex.goto(addr);
  writeHash();
  return done.catch(fail);
}

// --- loading --------------------------------------------------------------

async function loadSpaces() {
  state.spaces = await api.addressSpaces();
  const select = $('as-select');
  const keep = state.as;
  select.replaceChildren(...state.spaces.map((s) => {
    const o = document.createElement('option');
    o.value = s.name;
    o.textContent = `${s.name} (root: ${s.root})`;
    return o;
  }));
  if (keep !== null && state.spaces.some((s) => s.name === keep)) select.value = keep;
}

// Reads the shown address space's tree and flat view and draws them.
async function loadSpace() {
  const as = state.as;
  const [root, flat] = await Promise.all([api.tree(as), api.flatview(as)]);
  const targets = await aliasSections(root);
  if (as !== state.as) return;
  state.flat = flat;
  tree.render([{ heading: `address-space: ${as}`, node: root, inSpace: true }, ...targets]);
  $('search-count').textContent = matchesText(tree.applyQuery());
  map.render(flat, $('map-squeeze').checked);
  hex.setSpace(as, flat);
}

// Reload requests that arrive while one runs fold into one more run
// (reading the address-space list too if any of them asked for it).
function reload(what) {
  state.reloadAll ||= what === 'all';
  if (state.reloading) {
    state.reloadAgain = true;
    return state.reloading;
  }
  state.reloading = (async () => {
    do {
      state.reloadAgain = false;
      const all = state.reloadAll;
      state.reloadAll = false;
      if (all) await loadSpaces();
      await loadSpace();
      await hex.refresh();
    } while (state.reloadAgain);
  })().catch(fail).finally(() => { state.reloading = null; });
  return state.reloading;
}

async function showSpace(as, addr) {
  state.as = as;
  $('as-select').value = as;
  await loadSpace();
  if (addr === null || addr === undefined) {
    // Start where there is something to see: the first RAM, else the
    // first mapped byte.
    const ram = state.flat.find((f) => f.type === 'ram') ?? state.flat[0];
    addr = ram ? big(ram.start) : 0n;
  }
  await gotoAddr(addr);
}

// --- live updates ---------------------------------------------------------

function logEvent(type, data) {
  const log = $('event-log');
  const li = document.createElement('li');
  const time = new Date().toLocaleTimeString();
  li.textContent = `${time} ${type} ${typeof data === 'string' ? data : JSON.stringify(data)}`;
  li.dataset.type = type;
  log.prepend(li);
  while (log.children.length > 50) log.lastChild.remove();
}

// The address spaces a topology event names; null when it names none.
function spacesOf(data) {
  if (!data || typeof data !== 'object') return null;
  for (const key of ['address_spaces', 'address-spaces', 'spaces', 'as']) {
    const v = data[key];
    if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? x : x.name));
    if (typeof v === 'string') return [v];
  }
  return null;
}

function setRunState(text) {
  const pill = $('run-state');
  pill.textContent = text;
  pill.classList.toggle('ok', text === 'running');
  pill.classList.toggle('warn', text !== 'running');
}

function runStateOf(data) {
  if (typeof data === 'string') return data;
  if (!data || typeof data !== 'object') return null;
  if (typeof data.state === 'string') return data.state;
  if (typeof data.status === 'string') return data.status;
  if (typeof data.running === 'boolean') return data.running ? 'running' : 'paused';
  return null;
}

function onEvent(ev) {
  logEvent(ev.type, ev.data);
  switch (ev.type) {
    case 'topology': {
      const names = spacesOf(ev.data);
      if (names === null || names.includes(state.as)) reload('space');
      break;
    }
    case 'run-state': {
      const s = runStateOf(ev.data);
      if (s) setRunState(s);
      break;
    }
    case 'watchpoint':
      hex.refresh().catch(fail);
      break;
    case 'lost':
      reload('all');
      break;
    default:
      break;
  }
}

let wasLive = false;
function onLive(s, detail) {
  const pill = $('live');
  pill.textContent = s;
  pill.title = detail ? `live updates: ${detail}` : 'live updates from /api/v1/events';
  pill.classList.toggle('ok', s === 'live');
  pill.classList.toggle('warn', s !== 'live');
  if (s === 'live') {
    // Whatever happened while the stream was down is not in it.
    if (wasLive) reload('all');
    wasLive = true;
    readRunState();
  }
}

async function readRunState() {
  try {
    const out = await api.monitor('info status');
    const m = /VM status:\s*(\S+)/.exec(out.output || '');
    if (m) setRunState(m[1]);
  } catch {
    setRunState('unknown');
  }
}

// --- controls -------------------------------------------------------------

function matchesText(n) {
  return n === null ? '' : `${n} match${n === 1 ? '' : 'es'}`;
}

$('as-select').addEventListener('change', (e) => {
  showSpace(e.target.value, null).catch(fail);
});

$('search').addEventListener('input', (e) => {
  $('search-count').textContent = matchesText(tree.filter(e.target.value));
});
$('search').addEventListener('keydown', (e) => {
  if (e.key !== 'Enter') return;
  const node = tree.firstMatch();
  if (node) {
    tree.selectByName(node.name);
    map.highlight(node.name);
  }
  const addr = parseNum(e.target.value);
  if (addr !== null && /^0x/i.test(e.target.value.trim())) gotoAddr(addr);
  else if (node) gotoAddr(big(node.start));
});

$('tree-expand').addEventListener('click', () => tree.setAll(false));
$('tree-collapse').addEventListener('click', () => tree.setAll(true));

$('map-squeeze').addEventListener('change', (e) => map.render(state.flat, e.target.checked));

$('hex-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const addr = parseNum($('hex-addr').value);
  if (addr === null || addr >= 1n << 64n) {
    hex.say(`not an address: ${$('hex-addr').value}`, true);
    return;
  }
  gotoAddr(addr);
});
$('hex-prev').addEventListener('click', () => { hex.page(-1).then(writeHash, fail); });
$('hex-next').addEventListener('click', () => { hex.page(1).then(writeHash, fail); });
$('hex-refresh').addEventListener('click', () => { hex.refresh().catch(fail); });

let autoTimer = null;
$('hex-auto').addEventListener('change', (e) => {
  clearInterval(autoTimer);
  autoTimer = e.target.checked ? setInterval(() => hex.refresh().catch(fail), 1000) : null;
});

// --- start ----------------------------------------------------------------

async function start() {
  const want = readHash();
  await loadSpaces();
  if (state.spaces.length === 0) {
    hex.say('memcored has no address spaces', true);
    return;
  }
  const as = state.spaces.some((s) => s.name === want.as) ? want.as : state.spaces[0].name;
  await showSpace(as, want.addr);
  await hex.probeWritable();
  openEvents(onEvent, onLive);
  document.body.dataset.ready = '1';
}

start().catch(fail);
