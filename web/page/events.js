// events.js: the Server-Sent Events stream GET /api/v1/events, read with
// fetch() and a streaming body reader rather than EventSource, because
// EventSource cannot send the Authorization header a token needs.  The
// stream is reconnected after a pause when it ends or fails; the page is
// told each time the connection state changes, so it can read everything
// again after a gap in which events may have been missed.

import { request, errorOf } from './api.js';

// Splits SSE text into events (the WHATWG "event stream" rules: fields
// "event", "data" (joined with \n), "id"; lines starting with ":" are
// comments; a blank line dispatches).
export class SseParser {
  constructor(onEvent) {
    this.onEvent = onEvent;
    this.rest = '';
    this.reset();
  }

  reset() {
    this.type = '';
    this.data = [];
    this.id = null;
  }

  push(text) {
    this.rest += text;
    // A line ends at \r\n, \n or \r; a trailing \r may be half of \r\n.
    const re = /\r\n|\n|\r(?!$)/g;
    let start = 0;
    let m;
    while ((m = re.exec(this.rest)) !== null) {
      this.line(this.rest.slice(start, m.index));
      start = m.index + m[0].length;
    }
    this.rest = this.rest.slice(start);
  }

  line(l) {
    if (l === '') {
      if (this.data.length > 0 || this.type) {
        this.onEvent({ type: this.type || 'message', data: this.data.join('\n'), id: this.id });
      }
      this.reset();
      return;
    }
    if (l.startsWith(':')) return;
    const colon = l.indexOf(':');
    const field = colon < 0 ? l : l.slice(0, colon);
    let value = colon < 0 ? '' : l.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.type = value;
    else if (field === 'data') this.data.push(value);
    else if (field === 'id') this.id = value;
  }
}

// Opens the stream and keeps it open.  @onEvent({type, data, id}) with
// data parsed as JSON when it is JSON; @onState('connecting' | 'live' |
// 'offline' | 'unavailable', detail).  When the browser says it went
// offline the stream is dropped at once (a connection that looks open may
// be dead), and when it is back online it reconnects without waiting.
// Returns a function that closes it.
export function openEvents(onEvent, onState) {
  const closed = new AbortController();
  let attempt = null;   // the AbortController of the connection now
  let wake = null;      // ends the pause between two connections
  let lastId = null;

  const deliver = (ev) => {
    if (ev.id !== null) lastId = ev.id;
    let data = ev.data;
    try {
      data = JSON.parse(ev.data);
    } catch {
      // Leave it as text.
    }
    onEvent({ type: ev.type, data, id: ev.id });
  };

  const once = async (signal) => {
    const headers = { Accept: 'text/event-stream' };
    if (lastId !== null) headers['Last-Event-ID'] = lastId;
    const res = await request('/events', { headers, signal });
    if (!res.ok) {
      const err = await errorOf(res);
      err.permanent = res.status === 404 || res.status === 405;
      throw err;
    }
    onState('live');
    const parser = new SseParser(deliver);
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      parser.push(value);
    }
  };

  const goneOffline = () => attempt?.abort();
  const backOnline = () => wake?.();
  window.addEventListener('offline', goneOffline);
  window.addEventListener('online', backOnline);

  (async () => {
    let pause = 500;
    while (!closed.signal.aborted) {
      onState('connecting');
      const started = Date.now();
      attempt = new AbortController();
      try {
        if (!navigator.onLine) throw new Error('the browser is offline');
        await once(attempt.signal);
        onState('offline', 'the event stream ended');
      } catch (e) {
        if (closed.signal.aborted) return;
        if (e.permanent) {
          onState('unavailable', e.message);
          return;
        }
        onState('offline', attempt.signal.aborted ? 'the browser went offline' : e.message);
      }
      // A stream that stayed up a while reconnects soon; one that keeps
      // failing backs off to 5 s; coming back online cuts the wait short.
      pause = Date.now() - started > 10000 ? 500 : Math.min(pause * 2, 5000);
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, navigator.onLine ? pause : 60000);
        wake = () => { clearTimeout(timer); resolve(); };
      });
      wake = null;
    }
  })();

  return () => {
    closed.abort();
    attempt?.abort();
    wake?.();
    window.removeEventListener('offline', goneOffline);
    window.removeEventListener('online', backOnline);
  };
}
