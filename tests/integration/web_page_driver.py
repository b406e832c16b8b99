#!/usr/bin/env python3
"""tests/integration/web_page_driver.py: memcored's page in a real browser.

    web_page_driver.py SCENARIO --url http://HOST:PORT/ --monitor HOST:PORT
                       --monclient PATH --shot FILE [--token T]

Drives Debian's headless Chromium through chromedriver's W3C WebDriver
HTTP API, with nothing but Python's standard library, and checks what a
user of the page sees against what the REST API and the monitor say.
SCENARIO is one of:

  plain      the tree (line for line `info mtree -D`), the memory map (the
             flat view), the hex rows (GET .../memory), editing a byte
             (read back over REST), search, and a region disabled at the
             monitor showing on the page without a reload
  token      memcored runs with --http-token: the page asks for the token,
             asks again after a wrong one, then works, live updates too,
             and a reload of the tab does not ask again
  readonly   memcored runs with --read-only: the page says so and no byte
             can be edited

Each check prints "ok - NAME" or "FAIL - NAME" (test_web_page.sh counts
them); the exit status is 1 when a check failed or the browser could not
be driven.  Every wait polls a condition with a bound; nothing sleeps to
synchronise.
"""

import argparse
import base64
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request
from urllib.parse import quote

ELEMENT = 'element-6066-11e4-a52e-4f735466cecf'
PAGE_UP = '\ue00e'
# How long the page may take to show a change made at the monitor: the
# promise is "within a second" (ASan and TSan builds keep it too).
LIVE_BOUND = 1.0
# How long loading the page may take.
LOAD_BOUND = 20.0

failures = 0


def report(ok, name, detail=''):
    global failures
    if ok:
        print(f'ok - {name}', flush=True)
    else:
        failures += 1
        print(f'FAIL - {name}', flush=True)
        if detail:
            for line in str(detail).splitlines()[:40]:
                print(f'    {line}', flush=True)
    return ok


class WebDriverError(Exception):
    pass


class Browser:
    """One chromedriver and one headless Chromium session."""

    def __init__(self, workdir):
        chromium = shutil.which('chromium')
        driver = shutil.which('chromedriver')
        if not chromium or not driver:
            raise WebDriverError('chromium and chromedriver are needed '
                                 '(Debian packages chromium and chromium-driver; '
                                 './quickstart installs them)')
        # Port 0: chromedriver picks a free port and prints it.
        self.proc = subprocess.Popen(
            [driver, '--port=0'], stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, start_new_session=True)
        self.base = None
        deadline = time.monotonic() + 30
        for line in self.proc.stdout:
            m = re.search(r'started successfully on port (\d+)', line)
            if m:
                self.base = f'http://127.0.0.1:{m.group(1)}'
                break
            if time.monotonic() > deadline:
                break
        if self.base is None:
            self.close()
            raise WebDriverError('chromedriver did not say where it listens')
        # chromedriver keeps writing to its stdout: drain it so it never
        # blocks on a full pipe.
        subprocess.Popen(['cat'], stdin=self.proc.stdout,
                         stdout=subprocess.DEVNULL)
        self.session = None
        caps = {
            'browserName': 'chrome',
            'goog:chromeOptions': {
                'binary': chromium,
                'args': ['--headless=new', '--no-sandbox', '--disable-gpu',
                         '--disable-dev-shm-usage', '--no-first-run',
                         '--window-size=1440,960',
                         f'--user-data-dir={workdir}/profile'],
            },
            'goog:loggingPrefs': {'browser': 'ALL'},
            'timeouts': {'script': 15000, 'pageLoad': 20000, 'implicit': 0},
        }
        value = self.call('POST', '/session',
                          {'capabilities': {'alwaysMatch': caps}})
        self.session = value['sessionId']

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            self.base + path, data=data, method=method,
            headers={'Content-Type': 'application/json'})
        try:
            with urllib.request.urlopen(req, timeout=60) as res:
                answer = json.load(res)
        except urllib.error.HTTPError as e:
            try:
                answer = json.load(e)
            except ValueError:
                raise WebDriverError(f'{method} {path}: HTTP {e.code}') from e
            v = answer.get('value', {})
            raise WebDriverError(f'{method} {path}: {v.get("error")}: '
                                 f'{v.get("message", "")[:300]}') from e
        return answer.get('value')

    def s(self, method, path, body=None):
        return self.call(method, f'/session/{self.session}{path}', body)

    def go(self, url):
        self.s('POST', '/url', {'url': url})

    def js(self, script, *args):
        """Runs @script (a function body) in the page; its return value."""
        return self.s('POST', '/execute/sync',
                      {'script': script, 'args': list(args)})

    def find(self, css):
        return self.s('POST', '/element',
                      {'using': 'css selector', 'value': css})[ELEMENT]

    def click(self, css):
        self.s('POST', f'/element/{self.find(css)}/click', {})

    def type(self, css, text, clear=True):
        eid = self.find(css)
        if clear:
            self.s('POST', f'/element/{eid}/clear', {})
        self.s('POST', f'/element/{eid}/value', {'text': text})

    def wait(self, script, bound, *args):
        """Polls @script until it returns something true, at most @bound
        seconds; answers (value, seconds taken), value None on time out."""
        start = time.monotonic()
        while True:
            v = self.js(script, *args)
            took = time.monotonic() - start
            if v:
                return v, took
            if took > bound:
                return None, took
            time.sleep(0.02)  # a polling interval, not a synchronisation

    def cdp(self, cmd, params=None):
        """A Chrome DevTools Protocol command, through chromedriver."""
        return self.s('POST', '/goog/cdp/execute',
                      {'cmd': cmd, 'params': params or {}})

    def key(self, css, key):
        self.s('POST', f'/element/{self.find(css)}/value', {'text': key})

    def point(self, css):
        """Moves the mouse to the middle of the element, as a user would."""
        self.s('POST', '/actions', {'actions': [{
            'type': 'pointer', 'id': 'mouse', 'parameters': {'pointerType': 'mouse'},
            'actions': [{'type': 'pointerMove', 'duration': 0, 'x': 0, 'y': 0,
                         'origin': {ELEMENT: self.find(css)}}]}]})

    def screenshot(self, path):
        png = base64.b64decode(self.s('GET', '/screenshot'))
        with open(path, 'wb') as f:
            f.write(png)
        return png

    def console_errors(self):
        """The browser's console errors since the last call: script errors,
        failed loads and Content-Security-Policy refusals all land here."""
        try:
            logs = self.s('POST', '/se/log', {'type': 'browser'})
        except WebDriverError:
            return None
        return [e['message'] for e in logs if e.get('level') == 'SEVERE']

    def close(self):
        if self.session:
            try:
                self.s('DELETE', '')
            except (WebDriverError, OSError):
                pass
            self.session = None
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


class Api:
    """memcored's REST API, as a script would use it."""

    def __init__(self, url, token):
        self.url = url.rstrip('/')
        self.token = token

    def get(self, path, accept='application/json'):
        headers = {'Accept': accept}
        if self.token:
            headers['Authorization'] = f'Bearer {self.token}'
        req = urllib.request.Request(self.url + path, headers=headers)
        with urllib.request.urlopen(req, timeout=30) as res:
            body = res.read()
        return json.loads(body) if accept == 'application/json' else body

    def put(self, path, data):
        headers = {'Content-Type': 'application/octet-stream'}
        if self.token:
            headers['Authorization'] = f'Bearer {self.token}'
        req = urllib.request.Request(self.url + path, data=data, method='PUT',
                                     headers=headers)
        with urllib.request.urlopen(req, timeout=30) as res:
            return json.load(res)

    def memory(self, addr, n, space='memory'):
        return self.get(f'/api/v1/address-spaces/{quote(space, safe="")}/memory?'
                        f'addr={hex(addr)}&len={n}', 'application/octet-stream')

    def mtree_blocks(self):
        """`info mtree -D` as {heading: text of its block}."""
        text = self.get('/api/v1/mtree?disabled=1', 'text/plain').decode()
        blocks = {}
        for block in text.strip('\n').split('\n\n'):
            lines = block.split('\n')
            blocks[lines[0]] = '\n'.join(lines)
        return blocks


def monitor(args, *commands):
    out = subprocess.run([args.monclient, args.monitor, *commands],
                         capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        raise WebDriverError(f'monclient failed: {out.stdout}{out.stderr}')
    return out.stdout


# --- what the page shows, read from its DOM --------------------------------

# Each tree section as `info mtree` would print it: the heading, then the
# lines indented two spaces a level.
PAGE_TREE = r'''
  return [...document.querySelectorAll('#tree .tree-section')].map((sec) => {
    const lines = [sec.dataset.heading];
    for (const row of sec.querySelectorAll('.row')) {
      let depth = 0;
      for (let n = row.parentElement; n !== sec; n = n.parentElement) {
        if (n.tagName === 'UL') depth++;
      }
      lines.push('  '.repeat(depth) + row.querySelector('.line').textContent);
    }
    return lines.join('\n');
  });
'''

PAGE_MAP = r'''
  return [...document.querySelectorAll('#map-bar .seg:not(.gap)')].map(
    (s) => [s.dataset.region, s.dataset.start, s.dataset.end]);
'''

PAGE_HEX = r'''
  return [...document.querySelectorAll('#hex .hexrow')].map((r) =>
    [r.dataset.addr, [...r.querySelectorAll('.b')].map((b) => b.textContent).join(' ')]);
'''

READY_IF = r'''(document.body.dataset.ready === '1' &&
         document.querySelectorAll('#hex .hexrow').length === 16 &&
         !document.getElementById('token-dialog').open)'''
READY = f'return {READY_IF};'


def check_tree(b, api, space):
    blocks = api.mtree_blocks()
    sections = b.js(PAGE_TREE)
    want = blocks.get(f'address-space: {space}')
    report(bool(sections) and sections[0] == want,
           f'tree of "{space}" is `info mtree -D` line for line',
           f'page:\n{sections[0] if sections else None}\nmonitor:\n{want}')
    for sec in sections[1:]:
        heading = sec.split('\n')[0]
        report(sec == blocks.get(heading),
               f'alias target "{heading}" as `info mtree -D` shows it',
               f'page:\n{sec}\nmonitor:\n{blocks.get(heading)}')


def check_map(b, api, space):
    flat = api.get(f'/api/v1/address-spaces/{quote(space, safe="")}/flatview')
    want = [[f['region'], f['start'], f['end']] for f in flat]
    got = b.js(PAGE_MAP)
    report(got == want, f'memory map of "{space}" is its flat view',
           f'page: {got}\napi:  {want}')


def check_hex(b, api, name):
    rows = b.js(PAGE_HEX)
    bad = []
    for addr, text in rows:
        want = ' '.join(f'{x:02x}' for x in api.memory(int(addr, 16), 16))
        if text != want:
            bad.append(f'{addr}: page {text}\n{" " * len(addr)}   api  {want}')
    report(len(rows) == 16 and not bad,
           f'{name}: 16 hex rows equal GET .../memory', '\n'.join(bad))
    return rows


def first_row_is(addr):
    return f'''const r = document.querySelector('#hex .hexrow');
               return r !== null && r.dataset.addr === '{addr}';'''


def wait_ready(b, name):
    ok, took = b.wait(READY, LOAD_BOUND)
    status = b.js('return document.getElementById("hex-status").textContent;')
    report(bool(ok), f'{name} (in {took:.2f} s)',
           f'errors: {b.console_errors()}\nstatus: {status}')
    return bool(ok)


def check_console(b, name):
    errors = b.console_errors()
    if errors is None:
        report(False, f'{name}: the browser log can be read')
        return
    # Expected: loads refused while the browser was made to go offline, and
    # reads of memory that is not there (422: the hex viewer shows "??").
    errors = [e for e in errors or []
              if 'ERR_INTERNET_DISCONNECTED' not in e and 'status of 422' not in e]
    report(errors == [], f'{name}: no script error or CSP refusal in the console',
           '\n'.join(errors))


def live_disable(b, args, region, name):
    """Disables @region at the monitor; the page must grey it in the tree
    and drop it from the map within LIVE_BOUND, without reloading."""
    b.js('window.stillTheSamePage = true;')
    before = b.js(f'''
      const r = [...document.querySelectorAll('#tree .row')].find(
        (x) => x.dataset.name === {json.dumps(region)});
      return r ? r.classList.contains('disabled') : null;''')
    report(before is False, f'{name}: "{region}" is enabled on the page at first')
    monitor(args, f'region disable {region}')
    shown, took = b.wait(f'''
      const name = {json.dumps(region)};
      const r = [...document.querySelectorAll('#tree .row')].find(
        (x) => x.dataset.name === name);
      const mapped = [...document.querySelectorAll('#map-bar .seg')].some(
        (s) => s.dataset.region === name);
      return r && r.classList.contains('disabled') &&
             r.querySelector('.line').textContent.endsWith(' [disabled]') && !mapped;''',
                         LIVE_BOUND)
    report(bool(shown), f'{name}: "region disable {region}" at the monitor shows '
           f'on the page in {took:.2f} s (bound {LIVE_BOUND} s)')
    report(b.js('return window.stillTheSamePage === true;') is True,
           f'{name}: without a reload')
    log = b.js('''return [...document.querySelectorAll('#event-log li')].map(
                    (l) => l.dataset.type);''')
    report('topology' in (log or []), f'{name}: the event log shows the topology event',
           str(log))


# --- scenarios ------------------------------------------------------------

def plain(b, args):
    api = Api(args.url, None)
    # Something to recognise in the first rows of RAM.
    pattern = bytes((i * 7 + 3) & 0xff for i in range(256))
    api.put('/api/v1/address-spaces/memory/memory?addr=0x0', pattern)

    # The page is served under a policy that would refuse inline script,
    # eval and other hosts: the console checks below show it obeys.
    with urllib.request.urlopen(args.url, timeout=30) as res:
        ctype = res.headers.get('Content-Type', '')
        csp = res.headers.get('Content-Security-Policy', '')
    report(ctype.startswith('text/html'), 'GET / answers the page as text/html', ctype)
    report("default-src 'self'" in csp,
           "GET / comes with Content-Security-Policy default-src 'self'", csp)

    b.go(args.url)
    if not wait_ready(b, 'plain: the page loads and reads the machine'):
        return
    spaces = [s['name'] for s in api.get('/api/v1/address-spaces')]
    options = b.js('return [...document.querySelectorAll("#as-select option")]'
                   '.map((o) => o.value);')
    report(options == spaces, 'address-space picker lists GET /address-spaces',
           f'{options} vs {spaces}')
    check_tree(b, api, 'memory')
    check_map(b, api, 'memory')
    rows = check_hex(b, api, 'first RAM')
    report(rows and rows[0][0] == '0x0', 'the hex viewer opens at the first RAM',
           rows[0][0] if rows else '')
    mode, _ = b.wait('return document.getElementById("hex-mode").textContent;', 5)
    report(mode == 'click a byte to edit', 'the page knows writes are allowed', mode)

    # Edit one byte: click it, type, Enter; read it back over REST.
    b.click('#hex .b[data-addr="0x10"]')
    b.type('#hex .byte-edit', '5a\n', clear=False)
    seen, _ = b.wait('''const c = document.querySelector('#hex .b[data-addr="0x10"]');
                        return c && c.textContent === '5a' && c.classList.contains('changed');''',
                     10)
    report(bool(seen), 'an edited byte is shown, marked as changed')
    report(api.memory(0x10, 1) == b'\x5a', 'the edited byte reads back over REST',
           api.memory(0x10, 1).hex())
    check_hex(b, api, 'after the edit')

    # Auto refresh: a write from elsewhere shows, marked as changed.
    b.click('#hex-auto')
    api.put('/api/v1/address-spaces/memory/memory?addr=0x24', b'\xee')
    seen, took = b.wait('''const c = document.querySelector('#hex .b[data-addr="0x24"]');
                           return c && c.textContent === 'ee' && c.classList.contains('changed');''',
                        5)
    report(bool(seen), f'auto refresh shows a byte written over REST, marked ({took:.2f} s)')
    b.click('#hex-auto')


    # Hovering the map; then the picture, light and dark.
    b.point('#map-bar .seg[data-region="uart0"]')
    tip, _ = b.wait('''const t = document.getElementById('tooltip');
                       return !t.hidden && t.textContent;''', 5)
    report('uart0' in (tip or '') and '0000000010000000-00000000100000ff' in tip,
           'hovering the map names the range', tip)
    b.screenshot(args.shot)
    report(os.path.getsize(args.shot) > 10000, f'screenshot saved in {args.shot}')
    b.cdp('Emulation.setEmulatedMedia',
          {'features': [{'name': 'prefers-color-scheme', 'value': 'dark'}]})
    bg = b.js('return getComputedStyle(document.body).backgroundColor;')
    rgb = [int(x) for x in re.findall(r'\d+', bg or '')[:3]]
    report(len(rgb) == 3 and sum(rgb) < 150, 'prefers-color-scheme: dark gives a dark page', bg)
    b.screenshot(re.sub(r'\.png$', '-dark.png', args.shot))
    b.cdp('Emulation.setEmulatedMedia', {'features': []})

    # The address box, then a page down.
    b.type('#hex-addr', '0xfffc0000\n')
    moved, _ = b.wait(first_row_is('0xfffc0000'), 10)
    report(bool(moved), 'the address box moves the viewer to 0xfffc0000')
    check_hex(b, api, 'bios via the address box')
    b.click('#hex-next')
    moved, _ = b.wait(first_row_is('0xfffc0100'), 10)
    report(bool(moved), 'page down moves by 256 bytes')
    check_hex(b, api, 'bios after page down')

    b.key('#hex', PAGE_UP)
    moved, _ = b.wait(first_row_is('0xfffc0000'), 10)
    report(bool(moved), 'the PageUp key moves back by 256 bytes')

    # Search by name keeps the match and its ancestors; Enter opens it.
    b.type('#search', 'bios')
    shown, _ = b.wait('''return [...document.querySelectorAll('#tree .row')]
                           .filter((r) => r.offsetParent !== null)
                           .map((r) => r.dataset.name).join(',');''', 5)
    count = b.js('return document.getElementById("search-count").textContent;')
    report(shown == 'system,pci,bios,pci,bios' and count == '2 matches',
           'search "bios" shows its lines and their parents only', f'{shown} / {count}')
    b.type('#hex-addr', '0x0\n')
    b.wait(first_row_is('0x0'), 10)
    b.key('#search', '\n')
    moved, _ = b.wait(first_row_is('0xfffc0000'), 10)
    report(bool(moved), 'Enter in the search box opens the first match')
    b.type('#search', '0x10000004')
    shown, _ = b.wait('''return [...document.querySelectorAll('#tree .row.match')]
                           .map((r) => r.dataset.name).join(',');''', 5)
    report(shown == 'system,pci,uart0,pci', 'search by address finds the regions that hold it',
           shown)

    # A click on a line opens its start and marks it on the map; a click
    # on an alias target goes to the target.
    b.go(args.url)
    wait_ready(b, 'plain: the page loads again')
    b.js('''[...document.querySelectorAll('#tree .row')]
              .find((r) => r.dataset.name === 'uart0').click();''')
    moved, _ = b.wait(first_row_is('0x10000000'), 10)
    marked = b.js('''return [...document.querySelectorAll('#map-bar .seg.selected')]
                       .map((s) => s.dataset.region).join(',');''')
    report(bool(moved) and marked == 'uart0',
           'clicking a region line opens it in the hex viewer and marks it on the map',
           marked)
    b.click('#tree .row[data-name="ram-low"] a.target')
    sel = b.js('''const r = document.querySelector('#tree .row.selected');
                  return r && r.dataset.name + ' ' + r.closest('.tree-section').dataset.heading;''')
    report(sel == 'main.ram memory-region: main.ram', 'clicking an alias target goes to it',
           sel)

    # Squeezed gaps leave the mapped ranges more of the bar.
    width = '''return document.querySelector('#map-bar .seg[data-region="bios"]')
                 .getBoundingClientRect().width;'''
    squeezed = b.js(width)
    b.click('#map-squeeze')
    to_scale = b.js(width)
    b.click('#map-squeeze')
    report(squeezed > to_scale * 2, 'squeezing gaps widens the mapped ranges',
           f'{squeezed} vs {to_scale} px')

    # The URL keeps the address space and the address.
    b.go(args.url + '#as=memory&addr=0xfffc0013')
    b.js('location.reload();')
    moved, _ = b.wait(f'''return {READY_IF} &&
        document.querySelector('#hex .hexrow').dataset.addr === '0xfffc0010' &&
        document.querySelector('#hex .b.cursor')?.dataset.addr === '0xfffc0013';''', LOAD_BOUND)
    report(bool(moved), 'a URL with #as=memory&addr=0xfffc0013 opens there')

    b.go(args.url)
    wait_ready(b, 'plain: the page loads a third time')
    live_disable(b, args, 'uart0', 'plain')
    check_tree(b, api, 'memory')
    check_map(b, api, 'memory')
    reconnect(b, args, api)

    # The I/O address space, through the picker.
    b.js('''const s = document.getElementById('as-select');
            s.value = 'I/O'; s.dispatchEvent(new Event('change'));''')
    switched, _ = b.wait('''return document.querySelector('#tree .tree-section')
                              ?.dataset.heading === 'address-space: I/O' &&
                            document.querySelector('#hex .hexrow') !== null;''', 10)
    report(bool(switched), 'the picker shows the "I/O" address space')
    check_tree(b, api, 'I/O')
    check_map(b, api, 'I/O')
    b.js('''const s = document.getElementById('as-select');
            s.value = 'memory'; s.dispatchEvent(new Event('change'));''')
    b.wait(f'''return {READY_IF} && document.querySelector('#tree .tree-section')
                     ?.dataset.heading === 'address-space: memory';''', 10)
    run_state(b, args)
    check_console(b, 'plain')


def run_state(b, args):
    """The vCPU pill follows `cont` and `stop` at the monitor."""
    pill = 'return document.getElementById("run-state").textContent;'
    first, _ = b.wait(pill, 5)
    report(first == 'paused', 'run state: memcored -S shows "paused"', first)
    monitor(args, 'cont')
    now, took = b.wait(f'const t = (() => {{ {pill} }})(); return t === "running" && t;',
                       LIVE_BOUND)
    report(now == 'running', f'run state: "cont" at the monitor shows "running" '
           f'({took:.2f} s)', b.js(pill))
    monitor(args, 'stop')
    now, took = b.wait(f'const t = (() => {{ {pill} }})(); return t === "paused" && t;',
                       LIVE_BOUND)
    report(now == 'paused', f'run state: "stop" shows "paused" again ({took:.2f} s)',
           b.js(pill))


def reconnect(b, args, api):
    """The event stream drops (the browser goes offline) while a region is
    disabled at the monitor: once back, the page reads everything again
    and shows what it missed."""
    up, _ = b.wait('return document.getElementById("live").textContent === "live";', 10)
    report(bool(up), 'reconnect: the live pill shows the stream is up')
    b.cdp('Network.enable')
    offline = {'offline': True, 'latency': 0, 'downloadThroughput': -1,
               'uploadThroughput': -1}
    b.cdp('Network.emulateNetworkConditions', offline)
    down, _ = b.wait('return document.getElementById("live").textContent !== "live";', 10)
    report(bool(down), 'reconnect: the live pill shows the stream is down')
    monitor(args, 'region disable bios')
    b.cdp('Network.emulateNetworkConditions', {**offline, 'offline': False})
    shown, took = b.wait('''const r = document.querySelector('#tree .row[data-name="bios"]');
        return document.getElementById('live').textContent === 'live' &&
               r.classList.contains('disabled');''', 15)
    report(bool(shown), f'reconnect: what happened while the stream was down shows '
           f'once it is back ({took:.2f} s)')
    b.cdp('Network.disable')
    check_tree(b, api, 'memory')
    check_map(b, api, 'memory')


def token(b, args):
    api = Api(args.url, args.token)
    denied = False
    try:
        Api(args.url, None).get('/api/v1/address-spaces')
    except urllib.error.HTTPError as e:
        denied = e.code == 401
    report(denied, 'token: the API answers 401 without the token')

    b.go(args.url)
    asked, _ = b.wait('return document.getElementById("token-dialog").open;', LOAD_BOUND)
    report(bool(asked), 'token: the page asks for the token')
    b.type('#token-input', 'not-the-token\n')
    again, _ = b.wait('''const d = document.getElementById('token-dialog');
                         return d.open && /refused/.test(
                           document.getElementById('token-message').textContent);''', 10)
    report(bool(again), 'token: a wrong token is refused and asked again')
    shot = re.sub(r'\.png$', '-token.png', args.shot)
    b.screenshot(shot)
    b.type('#token-input', args.token + '\n')
    if not wait_ready(b, 'token: with the right token the page reads the machine'):
        return
    check_tree(b, api, 'memory')
    check_hex(b, api, 'token')
    live_disable(b, args, 'uart0', 'token')

    b.go(args.url)
    asked = b.js('return document.getElementById("token-dialog").open;')
    wait_ready(b, 'token: a reload of the tab does not ask again')
    report(not asked, 'token: the tab kept the token')
    check_console_token(b)


def check_console_token(b):
    # The 401s the page got before it had the token are the browser's
    # "Failed to load resource" lines; anything else is a fault.
    errors = [e for e in (b.console_errors() or [])
              if not re.search(r'status of 401', e)]
    report(errors == [], 'token: no script error or CSP refusal in the console',
           '\n'.join(errors))


def readonly(b, args):
    api = Api(args.url, None)
    before = api.memory(0x10, 1)
    b.go(args.url)
    if not wait_ready(b, 'readonly: the page loads'):
        return
    mode, _ = b.wait('''const t = document.getElementById('hex-mode').textContent;
                        return t === 'read-only' ? t : null;''', 5)
    report(mode == 'read-only', 'readonly: the page says memcored is read-only')
    b.click('#hex .b[data-addr="0x10"]')
    editor = b.js('return document.querySelector("#hex .byte-edit") !== null;')
    report(editor is False, 'readonly: clicking a byte opens no editor')
    report(api.memory(0x10, 1) == before, 'readonly: memory unchanged')
    check_hex(b, api, 'readonly')
    errors = [e for e in (b.console_errors() or []) if not re.search(r'status of 403', e)]
    report(errors == [], 'readonly: no script error or CSP refusal in the console',
           '\n'.join(errors))


def main():
    p = argparse.ArgumentParser()
    p.add_argument('scenario', choices=['plain', 'token', 'readonly'])
    p.add_argument('--url', required=True)
    p.add_argument('--monitor', required=True)
    p.add_argument('--monclient', required=True)
    p.add_argument('--shot', required=True)
    p.add_argument('--token')
    args = p.parse_args()

    work = tempfile.mkdtemp(prefix='memcored-browser.')
    b = None
    try:
        b = Browser(work)
        {'plain': plain, 'token': token, 'readonly': readonly}[args.scenario](b, args)
    except (WebDriverError, OSError, urllib.error.URLError, KeyError, TypeError) as e:
        report(False, f"{args.scenario}: driving the browser", traceback.format_exc())
    finally:
        if b:
            b.close()
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
