// Drives the logsift dashboard in Debian's Chromium through playwright-core.
// Run by dashboard_test.go, which starts the pipeline and passes, in the
// environment: DASHBOARD_URL, INGEST_URL, CONTROL_URL (POST /gateway/stop,
// /gateway/start), CHROMIUM, USER_DATA_DIR, SCREENSHOT.
// Any failed check throws: the exit code and stderr are the test's verdict.
'use strict';

const { chromium } = require('playwright-core');
const assert = require('node:assert/strict');

const env = process.env;
for (const k of ['DASHBOARD_URL', 'INGEST_URL', 'CONTROL_URL', 'CHROMIUM', 'USER_DATA_DIR', 'SCREENSHOT']) {
  if (!env[k]) throw new Error('missing environment variable ' + k);
}

// Line i's level, text and service; the Go test double labels by the same
// keywords, so the expected severity of every line is known here.
const KINDS = [
  { level: 'INFO', sev: 'info', svc: 'api', text: 'request GET /api/orders served in 12ms' },
  { level: 'WARN', sev: 'warning', svc: 'payments', text: 'db pool at 90% of max connections' },
  { level: 'ERROR', sev: 'error', svc: 'node-3', text: 'disk /dev/sda1 write failed: I/O error' },
  { level: 'INFO', sev: 'info', svc: 'auth', text: 'login accepted for user alice from 10.0.0.7' },
  { level: 'ERROR', sev: 'error', svc: 'api', text: 'upstream timeout talking to 10.2.3.4:443' },
  { level: 'CRIT', sev: 'critical', svc: 'payments', text: 'config missing key payments.endpoint' },
];
const kind = (i) => KINDS[i % KINDS.length];
const message = (i) => `${kind(i).level} seq=${String(i).padStart(6, '0')} ${kind(i).text}`;
const isError = (i) => ['error', 'critical'].includes(kind(i).sev);
const range = (lo, hi) => Array.from({ length: hi - lo }, (_, k) => lo + k);

async function post(lo, hi) {
  const body = range(lo, hi).map((i) => JSON.stringify({ message: message(i), service: kind(i).svc })).join('\n') + '\n';
  const r = await fetch(env.INGEST_URL + '/v1/logs', { method: 'POST', headers: { 'Content-Type': 'application/x-ndjson' }, body });
  assert.equal(r.status, 202, `post [${lo},${hi}): ${r.status} ${await r.text()}`);
}

async function control(what) {
  const r = await fetch(env.CONTROL_URL + '/gateway/' + what, { method: 'POST' });
  assert.equal(r.status, 200, `gateway ${what}: ${r.status} ${await r.text()}`);
}

async function waitFor(what, fn, timeoutMs = 60000) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    last = await fn();
    if (last === true) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; last state: ${JSON.stringify(last)}`);
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

// hasExactly: every wanted seq present once, nothing else.
function diff(got, want) {
  const seen = new Map();
  for (const r of got) seen.set(r.seq, (seen.get(r.seq) || 0) + 1);
  const dup = [...seen].filter(([, n]) => n > 1).map(([s]) => s);
  const missing = want.filter((s) => !seen.has(s));
  const extra = [...seen.keys()].filter((s) => !want.includes(s));
  return { dup, missing, extra };
}

function exactly(want) {
  return async (page) => {
    const d = diff(await rows(page), want);
    return d.dup.length === 0 && d.missing.length === 0 && d.extra.length === 0 ? true : d;
  };
}

async function main() {
  const ctx = await chromium.launchPersistentContext(env.USER_DATA_DIR, {
    executablePath: env.CHROMIUM,
    headless: true,
    viewport: { width: 1360, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  try {
    const page = ctx.pages()[0] || await ctx.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    const states = [];
    await page.exposeFunction('__connState', (s) => states.push(s));

    await page.goto(env.DASHBOARD_URL + '/?from=earliest');
    // Record every connection state the page announces.
    await page.evaluate(() => {
      const el = document.getElementById('conn');
      new MutationObserver(() => window.__connState(el.dataset.state)).observe(el, { attributes: true });
    });
    const state = () => page.getAttribute('#conn', 'data-state');
    await waitFor('the dashboard to go live', async () => (await state()) === 'live' || await state());

    // 1. Rows arrive, newest first, with every column filled.
    await post(0, 30);
    await waitFor('lines 0-29', () => exactly(range(0, 30))(page));
    const first = await rows(page);
    // Newest first: lines of one service share a Kafka partition, which
    // keeps their order (across partitions the order is arrival order).
    for (const svc of new Set(KINDS.map((k) => k.svc))) {
      const seqs = first.filter((r) => r.service === svc).map((r) => r.seq);
      assert.deepEqual(seqs, [...seqs].sort((a, b) => b - a), `rows of ${svc} are not newest first`);
    }
    for (const r of first) {
      assert.equal(r.severity, kind(r.seq).sev, `row ${r.seq} severity`);
      assert.equal(r.service, kind(r.seq).svc, `row ${r.seq} service`);
      assert.ok(r.category && r.component && /^0\.\d\d$/.test(r.conf), `row ${r.seq} columns: ${JSON.stringify(r)}`);
    }
    const counted = await page.$$eval('#sev-counts tbody tr', (trs) => trs.map((tr) => tr.textContent));
    await waitFor('the severity counters', async () => {
      const c = await page.$$eval('#sev-counts tbody tr', (trs) => Object.fromEntries(trs.map((tr) => [tr.cells[0].textContent, Number(tr.cells[1].textContent)])));
      return c.error === 10 && c.critical === 5 && c.info === 10 && c.warning === 5 ? true : c;
    });
    void counted;

    // 2. A server-side filter, chosen through its label: only matching rows
    // remain, and new lines that do not match never show up.
    await page.getByLabel('Minimum severity').selectOption('error');
    await waitFor('only error rows', () => exactly(range(0, 30).filter(isError))(page));
    await post(30, 60);
    await waitFor('new error rows only', () => exactly(range(0, 60).filter(isError))(page));

    // 3. The text filter works on what is shown.
    await page.getByLabel('Text in template').fill('disk');
    await waitFor('only disk rows', () => exactly(range(0, 60).filter((i) => isError(i) && kind(i).text.includes('disk')))(page));
    await page.getByLabel('Text in template').fill('');
    await page.getByLabel('Minimum severity').selectOption('');
    await post(60, 80);
    const before = range(0, 60).filter(isError).concat(range(60, 80));
    await waitFor('all rows again', () => exactly(before)(page));

    // 4. The gateway goes away and comes back on the same port; lines
    // posted meanwhile arrive once each, with no gap.
    await control('stop');
    await waitFor('the page to notice', async () => ((await state()) !== 'live' ? true : 'still live'));
    await post(80, 120);
    await control('start');
    await post(120, 140);
    const after = before.concat(range(80, 140));
    await waitFor('resume without gaps', () => exactly(after)(page), 90000);
    await waitFor('live again', async () => ((await state()) === 'live' ? true : await state()));
    assert.ok(states.includes('reconnecting') || states.includes('offline'), `connection states seen: ${states}`);

    // 5. Scrolling pauses the tail; the resume button brings it back.
    await page.$eval('#scroller', (el) => { el.scrollTop = 300; });
    await waitFor('the pause', async () => page.isVisible('#resume'));
    await post(140, 145);
    await waitFor('the pending count', async () => ((await page.textContent('#resume')).includes('(5 new)') ? true : page.textContent('#resume')));
    assert.ok(!(await rows(page)).some((r) => r.seq >= 140), 'rows added while paused');
    await page.focus('#resume');
    await page.keyboard.press('Enter');
    await waitFor('the resumed rows', () => exactly(after.concat(range(140, 145)))(page));

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
    for (let i = 145; i < 265; i += 20) {
      await post(i, i + 20);
      await new Promise((r) => setTimeout(r, 400));
    }
    await waitFor('the last rows', async () => (await rows(page)).some((r) => r.seq === 264));
    await new Promise((r) => setTimeout(r, 1200)); // one more chart tick
    await page.evaluate(() => document.activeElement && document.activeElement.blur());
    await page.screenshot({ path: env.SCREENSHOT });
    assert.deepEqual(pageErrors, [], 'errors in the page');
    console.log(JSON.stringify({ ok: true, rows: (await rows(page)).length, states }));
  } finally {
    await ctx.close();
  }
}

main().catch((e) => { console.error(e && e.stack || e); process.exit(1); });
