// logsift dashboard: one EventSource on /v1/stream, re-opened when the
// server-side filters change. No framework and no third-party code; every
// value from the stream reaches the page through textContent only.
'use strict';

(function () {
  const MAX_ROWS = 500;        // rows kept in memory and in the table
  const MAX_PENDING = 5000;    // events held while the tail is paused
  const CHART_SECONDS = 300;   // the events/s chart covers 5 minutes
  const SEVERITIES = ['debug', 'info', 'warning', 'error', 'critical'];
  const DEFAULT_CATEGORIES = ['auth', 'network', 'storage', 'database', 'hardware',
    'system', 'application', 'resource', 'scheduler', 'config'];

  const $ = (id) => document.getElementById(id);
  const conn = $('conn'), scroller = $('scroller'), tbody = document.querySelector('#rows tbody');
  const resumeBtn = $('resume'), tailState = $('tail-state');

  // The page's own query string may ask for the first subscription to start
  // at the beginning of retention (?from=earliest) instead of the live end.
  const pageQuery = new URLSearchParams(location.search);
  let startEarliest = pageQuery.get('from') === 'earliest';

  let es = null;               // the open EventSource
  let lastId = '';             // id of the last event received: the resume point
  let retryTimer = 0, retryDelay = 1000;
  let filters = { severity: '', category: '', service: '', text: '' };
  let rows = [];               // newest first: {ev, tr}
  let pending = [];            // received while paused, oldest first
  let paused = false;
  let sevCounts = {}, catCounts = {};
  let buckets = new Array(CHART_SECONDS).fill(0), bucketSec = Math.floor(Date.now() / 1000);
  let categories = DEFAULT_CATEGORIES;

  function setConn(state, text) {
    conn.dataset.state = state;
    conn.textContent = text;
  }

  // ---- subscription ----

  function streamURL() {
    const q = new URLSearchParams();
    if (filters.severity) q.set('severity', filters.severity);
    if (filters.category) q.set('category', filters.category);
    if (filters.service) q.set('service', filters.service);
    if (lastId) q.set('last_event_id', lastId);
    else if (startEarliest) q.set('from', 'earliest');
    return '/v1/stream' + (q.toString() ? '?' + q : '');
  }

  function connect() {
    clearTimeout(retryTimer);
    if (es) es.close();
    setConn('connecting', 'Connecting…');
    const src = new EventSource(streamURL());
    es = src;
    src.onopen = () => {
      if (es !== src) return;
      retryDelay = 1000;
      setConn('live', 'Live');
    };
    src.onmessage = (e) => {
      if (es !== src) return;
      if (e.lastEventId) lastId = e.lastEventId;
      let ev;
      try { ev = JSON.parse(e.data); } catch (_) { return; }
      receive(ev);
    };
    src.onerror = () => {
      if (es !== src) return;
      if (src.readyState === EventSource.CONNECTING) {
        // EventSource retries by itself and sends Last-Event-ID: the
        // gateway resumes after the last event we got.
        setConn('reconnecting', 'Reconnecting… (resumes where it left off)');
        return;
      }
      // Closed for good (an HTTP error such as 401 or 503): find out
      // whether we must sign in, else try again with backoff.
      src.close();
      setConn('reconnecting', 'Disconnected; retrying in ' + Math.round(retryDelay / 1000) + ' s');
      retryTimer = setTimeout(() => { checkSession().then((ok) => { if (ok) connect(); }); }, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 30000);
    };
  }

  // Re-subscribing with new filters keeps the resume point, so the rows go
  // on from where they were; rows already shown are filtered here.
  function applyFilters() {
    const next = {
      severity: $('f-severity').value,
      category: $('f-category').value,
      service: $('f-service').value.split(',').map((s) => s.trim()).filter(Boolean).join(','),
      text: $('f-text').value.trim().toLowerCase(),
    };
    const serverSide = next.severity !== filters.severity || next.category !== filters.category || next.service !== filters.service;
    filters = next;
    refilter();
    if (serverSide) {
      sevCounts = {}; catCounts = {}; buckets.fill(0);
      renderCounts();
      connect();
    }
  }

  // ---- events ----

  function rank(sev) { return SEVERITIES.indexOf(sev); }

  function matchesServer(ev) {
    if (filters.severity && rank(ev.severity) < rank(filters.severity)) return false;
    if (filters.category && ev.category !== filters.category) return false;
    if (filters.service && !filters.service.split(',').includes(ev.service)) return false;
    return true;
  }

  function matchesText(ev) {
    if (!filters.text) return true;
    return (ev.template || ev.message || '').toLowerCase().includes(filters.text);
  }

  function receive(ev) {
    sevCounts[ev.severity] = (sevCounts[ev.severity] || 0) + 1;
    catCounts[ev.category] = (catCounts[ev.category] || 0) + 1;
    tick();
    buckets[buckets.length - 1]++;
    countsDirty = true;
    if (paused) {
      pending.push(ev);
      if (pending.length > MAX_PENDING) pending.splice(0, pending.length - MAX_PENDING);
      showPaused();
      return;
    }
    addRow(ev);
  }

  function addRow(ev) {
    const tr = renderRow(ev);
    if (!matchesText(ev)) tr.hidden = true;
    tbody.insertBefore(tr, tbody.firstChild);
    rows.unshift({ ev, tr });
    while (rows.length > MAX_ROWS) rows.pop().tr.remove();
  }

  function cell(tr, text, cls) {
    const td = document.createElement('td');
    td.textContent = text;
    if (cls) td.className = cls;
    tr.appendChild(td);
    return td;
  }

  function fmtTime(ts) {
    const d = new Date(ts);
    if (isNaN(d)) return ts || '';
    return d.toLocaleTimeString([], { hour12: false }) + '.' + String(d.getMilliseconds()).padStart(3, '0');
  }

  function renderRow(ev) {
    const tr = document.createElement('tr');
    tr.dataset.severity = ev.severity || '';
    tr.dataset.category = ev.category || '';
    tr.dataset.service = ev.service || '';
    const t = cell(tr, fmtTime(ev.ts), 'time');
    t.title = ev.ts || '';
    cell(tr, ev.service || '', 'service');
    cell(tr, ev.severity || '', 'sev sev-' + (ev.severity || ''));
    cell(tr, ev.category || '', 'category');
    cell(tr, ev.component || '', 'component');
    cell(tr, typeof ev.confidence === 'number' ? ev.confidence.toFixed(2) : '', 'conf');
    const line = cell(tr, ev.message || '', 'line');
    if (ev.template) line.title = 'template: ' + ev.template;
    return tr;
  }

  function refilter() {
    let kept = [];
    for (const r of rows) {
      if (!matchesServer(r.ev)) { r.tr.remove(); continue; }
      r.tr.hidden = !matchesText(r.ev);
      kept.push(r);
    }
    rows = kept;
    pending = pending.filter(matchesServer);
    if (paused) showPaused();
  }

  // ---- pause while scrolled ----

  function showPaused() {
    resumeBtn.hidden = false;
    resumeBtn.textContent = 'Resume live tail (' + pending.length + ' new)';
    tailState.textContent = 'Paused while you scroll.';
  }

  function resume() {
    paused = false;
    const batch = pending.slice(-MAX_ROWS);
    pending = [];
    for (const ev of batch) addRow(ev);
    resumeBtn.hidden = true;
    tailState.textContent = '';
    scroller.scrollTop = 0;
  }

  scroller.addEventListener('scroll', () => {
    if (scroller.scrollTop > 4 && !paused) {
      paused = true;
      showPaused();
    } else if (scroller.scrollTop <= 4 && paused && pending.length === 0) {
      paused = false;
      resumeBtn.hidden = true;
      tailState.textContent = '';
    }
  });
  resumeBtn.addEventListener('click', () => { resume(); scroller.focus(); });
  $('clear').addEventListener('click', () => {
    for (const r of rows) r.tr.remove();
    rows = []; pending = [];
    if (paused) showPaused();
  });

  // ---- counters and chart ----

  let countsDirty = true;

  function fillCounts(table, names, counts) {
    const body = table.tBodies[0];
    body.textContent = '';
    for (const n of names) {
      const tr = document.createElement('tr');
      cell(tr, n, table.id === 'sev-counts' ? 'sev sev-' + n : '');
      cell(tr, String(counts[n] || 0), 'n');
      body.appendChild(tr);
    }
  }

  function renderCounts() {
    fillCounts($('sev-counts'), SEVERITIES, sevCounts);
    const extra = Object.keys(catCounts).filter((c) => !categories.includes(c));
    fillCounts($('cat-counts'), categories.concat(extra), catCounts);
    countsDirty = false;
  }

  // tick moves the per-second buckets up to now.
  function tick() {
    const now = Math.floor(Date.now() / 1000);
    const n = Math.min(now - bucketSec, CHART_SECONDS);
    for (let i = 0; i < n; i++) { buckets.shift(); buckets.push(0); }
    if (now > bucketSec) bucketSec = now;
  }

  function drawChart() {
    tick();
    const c = $('rate'), ctx = c.getContext('2d');
    const w = c.width, h = c.height, pad = 22;
    ctx.clearRect(0, 0, w, h);
    const done = buckets.slice(0, -1); // the current second is still filling
    const peak = Math.max(1, ...done);
    ctx.strokeStyle = '#2a323c';
    ctx.fillStyle = '#9aa5b1';
    ctx.font = '11px system-ui, sans-serif';
    for (const f of [0, 0.5, 1]) {
      const y = h - pad - f * (h - 2 * pad);
      ctx.beginPath(); ctx.moveTo(40, y); ctx.lineTo(w - 4, y); ctx.stroke();
      ctx.fillText(String(Math.round(peak * f)), 4, y + 4);
    }
    ctx.fillText('5 min ago', 40, h - 6);
    ctx.fillText('now', w - 28, h - 6);
    const bw = (w - 44) / done.length;
    ctx.fillStyle = '#5fb3f9';
    done.forEach((v, i) => {
      const bh = (v / peak) * (h - 2 * pad);
      ctx.fillRect(40 + i * bw, h - pad - bh, Math.max(bw - 0.5, 0.5), bh);
    });
    const last = done[done.length - 1] || 0;
    const avg = done.reduce((a, b) => a + b, 0) / done.length;
    $('rate-text').textContent = 'Last second: ' + last + ' events/s; 5-minute average ' + avg.toFixed(1) + '; peak ' + Math.max(0, ...done) + '.';
    if (countsDirty) renderCounts();
  }
  setInterval(drawChart, 1000);

  // ---- sign-in ----

  // checkSession asks the gateway whether it wants a token and whether the
  // browser already holds the cookie; it resolves true when we may subscribe.
  function checkSession() {
    return fetch('/v1/session', { credentials: 'same-origin', cache: 'no-store' })
      .then((r) => r.json())
      .then((s) => {
        if (Array.isArray(s.categories) && s.categories.length) {
          categories = s.categories;
          fillCategorySelect();
        }
        if (s.auth_required && !s.authenticated) {
          showLogin();
          return false;
        }
        return true;
      })
      .catch(() => {
        setConn('offline', 'Gateway unreachable; retrying');
        retryTimer = setTimeout(() => checkSession().then((ok) => { if (ok) connect(); }), retryDelay);
        retryDelay = Math.min(retryDelay * 2, 30000);
        return false;
      });
  }

  function showLogin() {
    if (es) { es.close(); es = null; }
    setConn('signin', 'Sign-in needed');
    $('login').hidden = false;
    $('main').hidden = true;
    $('token').focus();
  }

  $('login').addEventListener('submit', (e) => {
    e.preventDefault();
    const token = $('token').value;
    fetch('/v1/session', {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token }),
    }).then((r) => {
      if (r.status !== 204) {
        $('login-error').textContent = r.status === 401 ? 'That token was not accepted.' : 'Sign-in failed (' + r.status + ').';
        $('token').select();
        return;
      }
      $('token').value = '';
      $('login-error').textContent = '';
      $('login').hidden = true;
      $('main').hidden = false;
      connect();
    }).catch(() => { $('login-error').textContent = 'The gateway did not answer.'; });
  });

  // ---- wiring ----

  function fillCategorySelect() {
    const sel = $('f-category'), cur = sel.value;
    sel.length = 1;
    for (const c of categories) sel.add(new Option(c, c));
    sel.value = cur;
  }

  $('filters').addEventListener('submit', (e) => { e.preventDefault(); applyFilters(); });
  $('f-severity').addEventListener('change', applyFilters);
  $('f-category').addEventListener('change', applyFilters);
  $('f-service').addEventListener('change', applyFilters);
  let textTimer = 0;
  $('f-text').addEventListener('input', () => { clearTimeout(textTimer); textTimer = setTimeout(applyFilters, 150); });

  fillCategorySelect();
  renderCounts();
  drawChart();
  checkSession().then((ok) => { if (ok) connect(); });
})();
