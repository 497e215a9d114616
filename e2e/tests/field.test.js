'use strict';
// Field work on a phone (issue 20), at 390 × 844 with touch: a helper signs in and lands on
// their households; records a visit with a photo; loses the connection, records two more (one
// with the household's income) and sees them wait on the phone; the office changes the same
// household's income meanwhile; the connection returns: the plain visit is saved, the one with
// the income comes back as a conflict showing both versions, and the helper's choice saves it —
// with the office's figure kept in the household's history, so nothing is lost.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const zlib = require('node:zlib');
const { startApp, historyRows, outputPath } = require('../support/app.js');

let app;
before(async () => {
  app = await startApp();
});
after(async () => {
  if (app) await app.stop();
});

/** A real PNG photo of `w` × `h` pixels (a colour gradient), as a file input takes it. */
function photo(w, h) {
  const crc = (buf) => {
    let c = ~0;
    for (const b of buf) {
      c ^= b;
      for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
    }
    return ~c >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const rows = [];
  for (let y = 0; y < h; y++) {
    const row = Buffer.alloc(1 + w * 3);
    for (let x = 0; x < w; x++) row.set([x % 256, y % 256, (x * y) % 256], 1 + x * 3);
    rows.push(row);
  }
  const head = Buffer.alloc(13);
  head.writeUInt32BE(w, 0);
  head.writeUInt32BE(h, 4);
  head.set([8, 2, 0, 0, 0], 8);
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', head),
    chunk('IDAT', zlib.deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
  return { name: 'photo.png', mimeType: 'image/png', buffer: png };
}

function day(offset) {
  const d = new Date();
  d.setDate(d.getDate() + offset);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** The header's "N 条待上传" status, once it says `expected`. */
async function pendingSays(page, expected) {
  const pending = page.locator('header .pending');
  await page.waitForFunction(
    (want) => {
      const el = document.querySelector('header .pending');
      return el && !el.hidden && el.textContent.includes(want);
    },
    expected,
    { timeout: 15_000 },
  );
  return pending.textContent();
}

test('a helper records visits on a phone, online and offline, and resolves a conflict', { timeout: 180_000 }, async () => {
  const phone = await app.newPhoneContext();
  const office = await app.newContext();
  phone.setDefaultTimeout(15_000);
  office.setDefaultTimeout(15_000);
  try {
    const page = await phone.newPage();
    await app.signIn(page, 'zhaojun');
    // The helper lands on their households.
    assert.equal(new URL(page.url()).pathname, '/mine');
    const card = page.locator('.mine-card[data-household="H001"]');
    await card.waitFor();
    assert.match(await card.textContent(), /王大明/);
    assert.match(await card.textContent(), /甲村/);
    await page.screenshot({ path: outputPath('phone-mine-390.png'), fullPage: true });

    // One tap from the card to the visit form; a visit with a photo, online.
    await card.locator('.mine-visit').tap();
    await page.waitForURL((url) => url.pathname === '/households/H001/visit');
    assert.equal(await page.locator('input[name="date"]').inputValue(), day(0));
    await page.locator('textarea[name="activity"]').fill('入户核实收入，宣讲健康政策');
    await page.locator('textarea[name="found"]').fill('李秀英慢性病需复查');
    await page.locator('input[name="photos"]').setInputFiles(photo(2400, 1800));
    await page.locator('.photo-previews img').waitFor();
    await page.screenshot({ path: outputPath('phone-visit-form-390.png'), fullPage: true });
    await page.getByRole('button', { name: '保存走访' }).tap();
    await page.waitForURL((url) => url.pathname === '/households/H001' && url.search.includes('saved=visit'));
    const visits = page.locator('#visits');
    assert.match(await visits.textContent(), /入户核实收入/);
    const img = visits.locator('.visit-photos img').first();
    await img.waitFor();
    // The photo was fitted within 1600 px before it was kept.
    const size = await img.evaluate((el) => new Promise((resolve) => {
      const probe = new Image();
      probe.onload = () => resolve([probe.naturalWidth, probe.naturalHeight]);
      probe.src = el.src;
    }));
    assert.deepEqual(size, [1600, 1200]);

    // Back on the list the phone keeps the households' pages for offline use.
    await page.goto('/mine');
    await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller);
    await page.evaluate(async () => {
      // The first visit under a new worker asks it to keep the pages; wait until it has.
      for (let i = 0; i < 50; i++) {
        const cache = await caches.open('xplus-pages');
        if (await cache.match('/households/H001/visit')) return;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error('the visit form was not kept for offline use');
    });

    // No connection: two more visits wait on the phone.
    await phone.setOffline(true);
    await page.goto('/households/H001/visit');
    await page.locator('input[name="date"]').fill(day(-1));
    await page.locator('input[name="kind"][value="phone"]').check();
    await page.locator('textarea[name="activity"]').fill('电话回访，了解务工情况');
    await page.getByRole('button', { name: '保存走访' }).tap();
    await page.locator('.queued-note').waitFor();
    assert.match(await page.locator('.queued-note').textContent(), /已保存在本机/);
    assert.match(await pendingSays(page, '1 条待上传'), /1 条待上传/);

    await page.locator('input[name="date"]').fill(day(-2));
    await page.locator('textarea[name="activity"]').fill('帮助联系务工岗位');
    await page.locator('details summary').tap();
    await page.locator('input[name="update_income"]').check();
    await page.locator('#f_wage').fill('12000');
    await page.locator('#f_production').fill('2000');
    await page.locator('#f_property').fill('0');
    await page.locator('#f_transfer').fill('1800');
    await page.locator('#f_production_cost').fill('500');
    await page.getByRole('button', { name: '保存走访' }).tap();
    assert.match(await pendingSays(page, '2 条待上传'), /2 条待上传/);
    await page.screenshot({ path: outputPath('phone-queued-390.png'), fullPage: true });

    // Meanwhile the office records the year's income of the same household.
    const desk = await office.newPage();
    await app.signIn(desk, 'tianchang');
    await desk.goto('/households/H001/incomes/new');
    const year = String(new Date().getFullYear());
    await desk.locator('#f_year').fill(year);
    await desk.locator('#f_wage').fill('9500');
    await desk.locator('#f_production').fill('2500');
    await desk.locator('#f_property').fill('100');
    await desk.locator('#f_transfer').fill('1500');
    await desk.locator('#f_production_cost').fill('1000');
    await Promise.all([
      desk.waitForURL((url) => url.pathname === '/households/H001'),
      desk.getByRole('button', { name: '保存' }).click(),
    ]);

    // The connection returns: the plain visit is saved; the one with the income conflicts.
    await phone.setOffline(false);
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    assert.match(await pendingSays(page, '1 条需处理'), /1 条需处理/);
    await page.locator('header .pending').tap();
    await page.waitForURL((url) => url.pathname === '/offline');
    const item = page.locator('.outbox-item.conflict');
    await item.waitFor();
    // Both versions, side by side: the helper's wage and the office's.
    assert.match(await item.locator('.version-mine').textContent(), /12000/);
    assert.match(await item.locator('.version-kept').textContent(), /9500/);
    await page.screenshot({ path: outputPath('phone-conflict-390.png'), fullPage: true });
    await item.getByRole('button', { name: '以我的为准上传' }).tap();
    await page.locator('.outbox-item').waitFor({ state: 'detached' });
    await page.waitForFunction(() => document.querySelector('header .pending').hidden);

    // Everything is kept: three visits, the helper's income, and the office's in the history.
    await page.goto('/households/H001');
    const text = await page.locator('#visits').textContent();
    for (const what of ['入户核实收入', '电话回访，了解务工情况', '帮助联系务工岗位']) {
      assert.ok(text.includes(what), `${what} on the household page`);
    }
    const incomes = await page.locator('table').nth(1).textContent();
    assert.match(incomes, /12000/);
    const history = (await historyRows(page)).map((r) => r.join(' ')).join('\n');
    assert.match(history, /9,500\.00 → 12,000\.00/, 'the office figure stays in the history');
    await page.screenshot({ path: outputPath('phone-household-390.png'), fullPage: true });
  } finally {
    await phone.close();
    await office.close();
  }
});

test('the visit API takes a photo as multipart and refuses what is not a picture', { timeout: 60_000 }, async () => {
  const context = await app.newContext();
  try {
    const page = await context.newPage();
    await app.signIn(page, 'zhaojun');
    const csrf = await page.locator('meta[name="csrf-token"]').getAttribute('content');
    const post = (photoFile) =>
      page.request.post('/api/v1/households/H001/visits', {
        headers: { 'X-CSRF-Token': csrf },
        multipart: { date: day(-5), kind: 'group', activity: '集中宣讲', photos: photoFile },
      });
    const refused = await post({ name: 'x.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('<svg onload=alert(1)>') });
    assert.equal(refused.status(), 422);
    assert.match(JSON.stringify(await refused.json()), /JPEG、PNG 或 WebP/);
    const saved = await post(photo(640, 480));
    assert.equal(saved.status(), 201);
    const body = await saved.json();
    assert.equal(body.photos.length, 1);
    const again = await post(photo(640, 480));
    assert.equal(again.status(), 200, 'the same visit sent twice writes nothing');
    assert.equal((await again.json()).changed, false);
    assert.ok(body.photos[0].startsWith('/api/v1/households/H001/visits/C1/'));
    const jpeg = await page.request.get(body.photos[0]);
    assert.equal(jpeg.headers()['content-type'], 'image/jpeg');
    const list = await (await page.request.get('/api/v1/households/H001/visits')).json();
    assert.ok(list.visits.some((v) => v.activity === '集中宣讲' && v.photos.length === 1));
  } finally {
    await context.close();
  }
});

test('a visit queued while signed out waits on the phone and is sent after signing in again', { timeout: 120_000 }, async () => {
  const phone = await app.newPhoneContext();
  phone.setDefaultTimeout(15_000);
  try {
    const page = await phone.newPage();
    await app.signIn(page, 'zhaojun');
    await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller);
    await page.goto('/households/H001/visit');
    await phone.setOffline(true);
    await page.locator('input[name="date"]').fill(day(-10));
    await page.locator('textarea[name="activity"]').fill('傍晚走访，核实住房安全');
    await page.getByRole('button', { name: '保存走访' }).tap();
    assert.match(await pendingSays(page, '1 条待上传'), /1 条待上传/);

    // The session ends while the phone is away (the server answers with the sign-in page):
    // the visit is not taken for sent, and waits.
    await phone.clearCookies();
    await phone.setOffline(false);
    await page.evaluate(() => window.xplusField.sync());
    const left = await page.evaluate(() => window.xplusField.all().then((items) => items.map((i) => i.state)));
    assert.deepEqual(left, ['waiting']);

    // Signed in again: sent.
    await app.signIn(page, 'zhaojun');
    await page.waitForFunction(() => document.querySelector('header .pending') && document.querySelector('header .pending').hidden);
    await page.goto('/households/H001');
    assert.match(await page.locator('#visits').textContent(), /傍晚走访，核实住房安全/);
  } finally {
    await phone.close();
  }
});
