// Drives the logsift dashboard in Debian's Chromium through playwright-core.
// Run by dashboard_test.go, which starts `logsift dev` and a separate
// `logsift gateway` and passes, in the environment: DASHBOARD_URL (the
// separate gateway, which the browser uses), DEV_GATEWAY_URL (dev's own
// gateway, never restarted), INGEST_URL, CONTROL_URL (POST /gateway/stop,
// /gateway/start), SEVERITIES and CATEGORIES (the taxonomy), CHROMIUM,
// USER_DATA_DIR, SCREENSHOT.
//
// The labels come from the real model, so the script does not predict them:
// it reads every classified line from dev's SSE stream (the "oracle") and
// checks that the page shows exactly what the stream carries, and that the
// filters keep exactly the lines whose streamed labels match.
// Any failed check throws: the exit code and stderr are the test's verdict.
// Progress goes to stdout; the last stdout line is the result, with the
// labels for the Go test to compare with PostgreSQL.
'use strict';

const { chromium } = require('playwright-core');
const assert = require('node:assert/strict');

const env = process.env;
for (const k of ['DASHBOARD_URL', 'DEV_GATEWAY_URL', 'INGEST_URL', 'CONTROL_URL', 'SEVERITIES', 'CATEGORIES',
  'CHROMIUM', 'USER_DATA_DIR', 'SCREENSHOT']) {
  if (!env[k]) throw new Error('missing environment variable ' + k);
}
const SEVERITIES = env.SEVERITIES.split(',');
const CATEGORIES = env.CATEGORIES.split(',');
const rank = (s) => SEVERITIES.indexOf(s);
const t0 = Date.now();
// step prints progress (with the seconds since start, for reading a slow
// run's log; nothing checks them).
const step = (o) => console.log(JSON.stringify({ at_s: Math.round((Date.now() - t0) / 100) / 10, ...o }));

// Waits are generous: the machine may be busy and the model runs on its
// CPU. They guard against hangs; nothing here measures speed.
const LONG = 180000;

// Line i's level, text and service. The service is the test's to choose
// (and the service filter's subject); the labels are the model's.
const KINDS = [
  { level: 'INFO', svc: 'api', text: 'http: GET /api/orders 200 served in 12ms' },
  { level: 'WARN', svc: 'payments', text: 'pgpool: connection pool at 90% of max_connections' },
  { level: 'ERROR', svc: 'node-3', text: 'kernel: EXT4-fs error (device sda1): write failed: I/O error' },
  { level: 'INFO', svc: 'auth', text: 'sshd[2211]: Accepted publickey for alice from 10.0.0.7' },
  { level: 'ERROR', svc: 'api', text: 'envoy: upstream connect timeout to 10.2.3.4:443' },
  { level: 'CRIT', svc: 'payments', text: 'config: missing required key payments.endpoint, refusing to start' },
];
const kind = (i) => KINDS[i % KINDS.length];
// The seq goes last, where it least disturbs what the model reads.
const message = (i) => `${kind(i).level} ${kind(i).text} seq=${String(i).padStart(6, '0')}`;
const range = (lo, hi) => Array.from({ length: hi - lo }, (_, k) => lo + k);
const seqOf = (text) => { const m = /seq=(\d+)/.exec(text || ''); return m ? Number(m[1]) : -1; };

async function post(lo, hi) {
  const body = range(lo, hi).map((i) => JSON.stringify({ message: message(i), service: kind(i).svc })).join('\n') + '\n';
  const r = await fetch(env.INGEST_URL + '/v1/logs', { method: 'POST', headers: { 'Content-Type': 'application/x-ndjson' }, body });
  assert.equal(r.status, 202, `post [${lo},${hi}): ${r.status} ${await r.text()}`);
}

async function control(what) {
  const r = await fetch(env.CONTROL_URL + '/gateway/' + what, { method: 'POST' });
  assert.equal(r.status, 200, `gateway ${what}: ${r.status} ${await r.text()}`);
}

async function waitFor(what, fn, timeoutMs = LONG) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    last = await fn();
    if (last === true) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; last state: ${JSON.stringify(last)}`);
}

// subscribe reads an SSE stream with a plain HTTP client and keeps every
// event by its line's seq; a seq seen twice is recorded as a repeat.
function subscribe(url) {
  const sub = { events: new Map(), repeats: [], foreign: [], error: null };
  const ac = new AbortController();
  sub.close = () => ac.abort();
  (async () => {
    const r = await fetch(url, { signal: ac.signal, headers: { Accept: 'text/event-stream' } });
    if (r.status !== 200) throw new Error(`GET ${url}: ${r.status} ${await r.text()}`);
    const dec = new TextDecoder();
    let buf = '';
    for await (const chunk of r.body) {
      buf += dec.decode(chunk, { stream: true }).replace(/\r\n?/g, '\n');
      let k;
      while ((k = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, k);
        buf = buf.slice(k + 2);
        const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).replace(/^ /, '')).join('\n');
        if (!data) continue; // a comment or heartbeat
        const ev = JSON.parse(data);
        const seq = seqOf(ev.message);
        if (seq < 0) sub.foreign.push(ev);
        else if (sub.events.has(seq)) sub.repeats.push(seq);
        else sub.events.set(seq, ev);
      }
    }
    throw new Error(`GET ${url}: the stream ended`);
  })().catch((e) => { if (!ac.signal.aborted) sub.error = e; });
  return sub;
}

// The oracle: dev's own gateway, from the start of the topic, unfiltered.
const oracle = subscribe(env.DEV_GATEWAY_URL + '/v1/stream?from=earliest');
const label = (seq) => oracle.events.get(seq);

// labelled waits until the oracle has carried lines [lo, hi).
async function labelled(lo, hi) {
  await waitFor(`the stream to carry lines ${lo}-${hi - 1}`, () => {
    if (oracle.error) throw oracle.error;
    const missing = range(lo, hi).filter((s) => !oracle.events.has(s));
    return missing.length === 0 ? true : { missing: missing.length, first: missing[0] };
  });
}

// The rows the table shows (hidden ones excluded), newest first.
async function rows(page) {
  return page.$$eval('#rows tbody tr', (trs) => trs.filter((tr) => !tr.hidden).map((tr) => {
    const td = tr.querySelectorAll('td');
    const m = /seq=(\d+)/.exec(td[6].textContent);
    return { seq: m ? Number(m[1]) : -1, service: td[1].textContent, severity: td[2].textContent,
      category: td[3].textContent, component: td[4].textContent, conf: td[5].textContent, line: td[6].textContent };
  }));
}

// diff: wanted seqs missing, seqs shown twice, seqs shown but not wanted.
function diff(got, want) {
  const seen = new Map();
  for (const r of got) seen.set(r.seq, (seen.get(r.seq) || 0) + 1);
  const wanted = new Set(want);
  const dup = [...seen].filter(([, n]) => n > 1).map(([s]) => s);
  const missing = want.filter((s) => !seen.has(s));
  const extra = [...seen.keys()].filter((s) => !wanted.has(s));
  return { dup, missing, extra };
}

function exactly(want) {
  return async (page) => {
    const d = diff(await rows(page), want);
    return d.dup.length === 0 && d.missing.length === 0 && d.extra.length === 0 ? true : d;
  };
}

// checkRows: every row shows what the stream carried for its line, and the
// labels are the taxonomy's.
function checkRows(got) {
  for (const r of got) {
    const l = label(r.seq);
    assert.ok(l, `row ${r.seq} shown but never streamed`);
    assert.ok(rank(r.severity) >= 0, `row ${r.seq}: severity ${JSON.stringify(r.severity)} is not one of ${SEVERITIES}`);
    assert.ok(CATEGORIES.includes(r.category), `row ${r.seq}: category ${JSON.stringify(r.category)} is not one of ${CATEGORIES}`);
    assert.deepEqual(
      { service: r.service, severity: r.severity, category: r.category, component: r.component, conf: r.conf, line: r.line },
      { service: kind(r.seq).svc, severity: l.severity, category: l.category, component: l.component || '',
        conf: l.confidence.toFixed(2), line: message(r.seq) },
      `row ${r.seq} differs from the stream`);
  }
}

// Rows of one service share a Kafka partition, which keeps their order
// (across partitions the order is arrival order), so they are newest first.
function checkNewestFirst(got) {
  for (const svc of new Set(KINDS.map((k) => k.svc))) {
    const seqs = got.filter((r) => r.service === svc).map((r) => r.seq);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => b - a), `rows of ${svc} are not newest first`);
  }
}

function counts(seqs, field) {
  const c = {};
  for (const s of seqs) c[label(s)[field]] = (c[label(s)[field]] || 0) + 1;
  return c;
}

async function main() {
  step({ step: 'start' });
  const ctx = await chromium.launchPersistentContext(env.USER_DATA_DIR, {
    executablePath: env.CHROMIUM,
    headless: true,
    viewport: { width: 1360, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  step({ step: 'chromium up' });
  try {
    const page = ctx.pages()[0] || await ctx.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    const states = [];
    await page.exposeFunction('__connState', (s) => states.push(s));
    const state = () => page.getAttribute('#conn', 'data-state');

    // open loads the page afresh: a new subscription from the start of the
    // topic, no filters.
    async function open() {
      await page.goto(env.DASHBOARD_URL + '/?from=earliest');
      await page.evaluate(() => {
        const el = document.getElementById('conn');
        new MutationObserver(() => window.__connState(el.dataset.state)).observe(el, { attributes: true });
      });
      await waitFor('the dashboard to go live', async () => ((await state()) === 'live' ? true : state()));
      for (const id of ['f-severity', 'f-category', 'f-service', 'f-text']) {
        assert.equal(await page.inputValue('#' + id), '', `#${id} is set on a fresh page`);
      }
    }

    // 1. Rows arrive, newest first, each showing what the stream carried.
    await open();
    await post(0, 30);
    await labelled(0, 30);
    await waitFor('lines 0-29', () => exactly(range(0, 30))(page));
    const first = await rows(page);
    checkRows(first);
    checkNewestFirst(first);
    const sevWant = counts(range(0, 30), 'severity');
    await waitFor('the severity counters', async () => {
      const c = await page.$$eval('#sev-counts tbody tr', (trs) => Object.fromEntries(trs.map((tr) => [tr.cells[0].textContent, Number(tr.cells[1].textContent)])));
      return SEVERITIES.every((s) => (c[s] || 0) === (sevWant[s] || 0)) ? true : { shown: c, want: sevWant };
    });
    step({ step: 'rows', severities: sevWant, categories: counts(range(0, 30), 'category') });

    // 2. The minimum-severity filter, chosen through its label: the page
    // keeps exactly the lines the stream labelled at or above it, for old
    // lines and new ones, and so does the API with the same filter. The
    // threshold is the second-lowest severity the model gave, so that the
    // filter removes some lines whatever the model says (unless it said
    // one severity for everything).
    const ranks = [...new Set(range(0, 30).map((s) => rank(label(s).severity)))].sort((a, b) => a - b);
    const min = SEVERITIES[ranks.length > 1 ? ranks[1] : ranks[0]];
    const atLeast = (s) => rank(label(s).severity) >= rank(min);
    await page.getByLabel('Minimum severity').selectOption(min);
    await waitFor(`only rows of severity ${min} or above`, () => exactly(range(0, 30).filter(atLeast))(page));
    await post(30, 60);
    await labelled(30, 60);
    const sevRows = range(0, 60).filter(atLeast);
    await waitFor(`new rows of severity ${min} or above only`, () => exactly(sevRows)(page));
    checkRows(await rows(page));
    const api = subscribe(`${env.DEV_GATEWAY_URL}/v1/stream?from=earliest&severity=${min}`);
    try {
      await waitFor(`/v1/stream?severity=${min} to carry the same lines`, () => {
        if (api.error) throw api.error;
        const d = diff([...api.events.keys()].map((seq) => ({ seq })), sevRows);
        return d.missing.length === 0 && d.extra.length === 0 && api.repeats.length === 0 ? true : d;
      });
    } finally {
      api.close();
    }
    step({ step: 'severity filter', min, kept: sevRows.length, of: 60 });

    // 3. The service filter (the test chose the services) on a fresh page,
    // then the text filter on what is shown. A fresh page, because a
    // filter change resumes from the last event received: loosening a
    // filter may bring back lines the old one skipped after that event.
    await open();
    await waitFor('all lines on a fresh page', () => exactly(range(0, 60))(page));
    await page.getByLabel('Service').fill('payments');
    await page.getByLabel('Service').press('Enter');
    const payments = (s) => kind(s).svc === 'payments';
    await waitFor('only payments rows', () => exactly(range(0, 60).filter(payments))(page));
    await post(60, 80);
    await labelled(60, 80);
    const svcRows = range(0, 80).filter(payments);
    await waitFor('new payments rows only', () => exactly(svcRows)(page));
    const pool = svcRows.filter((s) => (label(s).template || label(s).message).toLowerCase().includes('pool'));
    assert.ok(pool.length > 0 && pool.length < svcRows.length, `templates with "pool": ${pool.length} of ${svcRows.length}`);
    await page.getByLabel('Text in template').fill('pool');
    await waitFor('only pool rows', () => exactly(pool)(page));
    await page.getByLabel('Text in template').fill('');
    await waitFor('payments rows again', () => exactly(svcRows)(page));
    step({ step: 'service and text filters', service: 'payments', kept: svcRows.length, of: 80, pool: pool.length });

    // 4. The gateway process is stopped (SIGTERM) and started again on the
    // same port; lines posted meanwhile arrive once each, with no gap, as
    // the page's EventSource resumes from its last event id.
    await open();
    await waitFor('all lines on a fresh page', () => exactly(range(0, 80))(page));
    states.length = 0;
    const streamRequests = [];
    const onRequest = (r) => { if (r.resourceType() === 'eventsource') streamRequests.push(r); };
    page.on('request', onRequest);
    await control('stop');
    await waitFor('the page to notice', async () => ((await state()) !== 'live' ? true : 'still live'));
    await post(80, 120);
    await control('start');
    await post(120, 140);
    const after = range(0, 140);
    await waitFor('resume without gaps', () => exactly(after)(page));
    await waitFor('live again', async () => ((await state()) === 'live' ? true : state()));
    assert.ok(states.includes('reconnecting') || states.includes('offline'), `connection states seen: ${states}`);
    // The subscription that resumed carried the page's last event id: as
    // the Last-Event-ID header when EventSource reconnected by itself, or
    // as ?last_event_id= when the page opened a new one.
    page.off('request', onRequest);
    const resumed = [];
    for (const r of streamRequests) {
      const resp = await r.response();
      if (!resp || resp.status() !== 200) continue;
      const h = await r.allHeaders();
      resumed.push({ header: h['last-event-id'] || '', query: new URL(r.url()).searchParams.get('last_event_id') || '' });
    }
    assert.ok(resumed.length > 0 && resumed.every((x) => /^p0:\d+/.test(x.header || x.query)),
      `stream requests after the restart: ${JSON.stringify(resumed)}`);
    await labelled(80, 140);
    checkRows(await rows(page));
    step({ step: 'gateway restart', states, resumed });

    // 5. Scrolling pauses the tail; the resume button brings it back.
    await page.$eval('#scroller', (el) => { el.scrollTop = 300; });
    await waitFor('the pause', async () => page.isVisible('#resume'));
    await post(140, 145);
    await waitFor('the pending count', async () => ((await page.textContent('#resume')).includes('(5 new)') ? true : page.textContent('#resume')));
    assert.ok(!(await rows(page)).some((r) => r.seq >= 140), 'rows added while paused');
    await page.focus('#resume');
    await page.keyboard.press('Enter');
    await waitFor('the resumed rows', () => exactly(range(0, 145))(page));
    step({ step: 'pause and resume' });

    // Keyboard: every control can be reached with Tab.
    const reached = new Set();
    await page.focus('body');
    for (let k = 0; k < 12; k++) {
      await page.keyboard.press('Tab');
      reached.add(await page.evaluate(() => document.activeElement.id || document.activeElement.tagName));
    }
    for (const id of ['f-severity', 'f-category', 'f-service', 'f-text', 'clear', 'scroller']) {
      assert.ok(reached.has(id), `Tab never reached #${id}: ${[...reached]}`);
    }

    // A fuller picture for the README: more lines, the chart moving.
    const total = 265;
    for (let i = 145; i < total; i += 20) {
      await post(i, i + 20);
      await new Promise((r) => setTimeout(r, 400));
    }
    await waitFor('the last rows', () => exactly(range(0, total))(page));
    await labelled(0, total);
    checkRows(await rows(page));
    await new Promise((r) => setTimeout(r, 1200)); // one more chart tick
    await page.evaluate(() => document.activeElement && document.activeElement.blur());
    await page.screenshot({ path: env.SCREENSHOT });
    assert.deepEqual(pageErrors, [], 'errors in the page');

    // The oracle itself: every posted line once, nothing else.
    assert.deepEqual(oracle.repeats, [], 'lines repeated on dev\'s stream');
    assert.deepEqual(oracle.foreign, [], 'lines the test did not post on dev\'s stream');
    assert.deepEqual([...oracle.events.keys()].sort((a, b) => a - b), range(0, total), 'lines on dev\'s stream');
    step({ step: 'done', rows: (await rows(page)).length,
      severities: counts(range(0, total), 'severity'), categories: counts(range(0, total), 'category') });
    const labels = Object.fromEntries([...oracle.events].map(([s, e]) => [s, {
      service: e.service, severity: e.severity, category: e.category, component: e.component || '', model: e.model }]));
    console.log(JSON.stringify({ ok: true, labels }));
  } finally {
    oracle.close();
    await ctx.close();
  }
}

main().catch((e) => { console.error(e && e.stack || e); process.exit(1); });
