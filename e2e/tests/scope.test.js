'use strict';
// Done when (c): an official sees only the households of their own region; another region's
// household is "not found", not "forbidden", so its existence is not given away.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startApp } = require('../support/app.js');

let app;
before(async () => {
  app = await startApp();
});
after(async () => {
  if (app) await app.stop();
});

test('an official of 西涧街道 gets 404 for a 天长市 household and 200 for their own', { timeout: 60_000 }, async () => {
  const context = await app.newContext();
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  try {
    await app.signIn(page, 'xijian');

    const other = await page.goto('/households/H001');
    assert.equal(other.status(), 404);
    assert.match(await page.locator('body').textContent(), /找不到/);
    assert.ok(!(await page.content()).includes('王大明'));

    const edit = await page.goto('/households/H001/edit');
    assert.equal(edit.status(), 404);

    const own = await page.goto('/households/H101');
    assert.equal(own.status(), 200);
    assert.match(await page.locator('h1').textContent(), /H101/);
    assert.match(await page.locator('body').textContent(), /刘芳/);

    const list = await page.goto('/households');
    assert.equal(list.status(), 200);
    assert.equal(await page.locator('#total').textContent(), '1');
    assert.equal(await page.locator('#list a[href="/households/H101"]').count(), 1);
    assert.equal(await page.locator('#list a[href="/households/H001"]').count(), 0);
  } finally {
    await context.close();
  }
});

// A write outside the account's reach is 403, and a write to a number that does not exist gets
// the same answer: the write paths must not tell which numbers exist in other regions.
test('a save to an out-of-reach household is answered like one to a missing household', { timeout: 60_000 }, async () => {
  const context = await app.newContext();
  try {
    const page = await context.newPage();
    await app.signIn(page, 'xijian');
    await page.goto('/households/H101/edit');
    const csrf = await page.locator('form input[name="_csrf"]').last().inputValue();
    const statuses = {};
    for (const id of ['H001', 'H999']) {
      const res = await context.request.post(`/households/${id}/edit`, {
        form: { _csrf: csrf, _fingerprint: '', village_code: '341102001001', identified_year: '2015', status: 'poor' },
        maxRedirects: 0,
      });
      statuses[id] = res.status();
    }
    assert.deepEqual(statuses, { H001: 403, H999: 403 });
  } finally {
    await context.close();
  }
});
