// Drives the dashboard's sign-in against a gateway with auth configured.
// Run by TestDashboardSignIn with DASHBOARD_URL, TOKEN, CHROMIUM and
// USER_DATA_DIR in the environment; a failed check throws.
'use strict';

const { chromium } = require('playwright-core');
const assert = require('node:assert/strict');

const env = process.env;

async function waitFor(what, fn, timeoutMs = 30000) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    last = await fn();
    if (last === true) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; last state: ${JSON.stringify(last)}`);
}

async function main() {
  const ctx = await chromium.launchPersistentContext(env.USER_DATA_DIR, {
    executablePath: env.CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  try {
    const page = ctx.pages()[0] || await ctx.newPage();
    const requests = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(env.DASHBOARD_URL + '/?from=earliest');

    // The page asks for the token, with focus in the field.
    await waitFor('the sign-in form', async () => page.isVisible('#login'));
    assert.equal(await page.evaluate(() => document.activeElement.id), 'token', 'focus is not in the token field');
    assert.equal(await page.getAttribute('#conn', 'data-state'), 'signin');

    // A wrong token is refused and said so.
    await page.getByLabel('Access token').fill('wrong');
    await page.keyboard.press('Enter');
    await waitFor('the refusal', async () => ((await page.textContent('#login-error')).includes('not accepted') ? true : page.textContent('#login-error')));

    // The right one: the stream opens and the row arrives.
    await page.getByLabel('Access token').fill(env.TOKEN);
    await page.keyboard.press('Enter');
    await waitFor('live', async () => ((await page.getAttribute('#conn', 'data-state')) === 'live' ? true : page.getAttribute('#conn', 'data-state')));
    await waitFor('the row', async () => ((await page.$$('#rows tbody tr')).length === 1 ? true : (await page.$$('#rows tbody tr')).length));

    // The cookie is HttpOnly: no script can read it.
    assert.equal(await page.evaluate(() => document.cookie), '', 'session cookie visible to scripts');
    const cookies = await ctx.cookies();
    const c = cookies.find((k) => k.name === 'logsift_session');
    assert.ok(c && c.httpOnly && c.sameSite === 'Strict', `cookie ${JSON.stringify(c)}`);

    // Asked once: a reload goes straight to the stream.
    await page.reload();
    await waitFor('live after reload', async () => ((await page.getAttribute('#conn', 'data-state')) === 'live' ? true : page.getAttribute('#conn', 'data-state')));
    assert.ok(!(await page.isVisible('#login')), 'asked for the token again');

    // The token never travelled in a URL.
    for (const u of requests) assert.ok(!u.includes(env.TOKEN), `token in ${u}`);
    console.log(JSON.stringify({ ok: true }));
  } finally {
    await ctx.close();
  }
}

main().catch((e) => { console.error(e && e.stack || e); process.exit(1); });
