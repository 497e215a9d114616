'use strict';
// The workbench (工作台) of each role in a real browser: every account lands on it after signing
// in, and its counts lead to the lists behind them — C1 was paired with H001 in 2015 and never
// visited, so the helper, the village, the county and the administrator see one overdue visit
// (the other county none), and the count opens the list naming the household's head.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startApp, outputPath } = require('../support/app.js');

let app;
before(async () => {
  app = await startApp();
});
after(async () => {
  if (app) await app.stop();
});

async function as(name, work) {
  const context = await app.newContext();
  context.setDefaultTimeout(15_000);
  try {
    const page = await context.newPage();
    await app.signIn(page, name);
    await work(page);
  } finally {
    await context.close();
  }
}

// The overdue-visit tile fills itself in after the page is shown (it loses its hx-get then).
const tile = (page, id) => page.locator(`#count-${id}:not([hx-get]) b`);

for (const [name, overdue] of [
  ['admin', '1'],
  ['tianchang', '1'],
  ['jiacun', '1'],
  ['zhaojun', '1'],
  ['xijian', '0'],
]) {
  // A helper and a village secretary land on their households (issue 20), the others on the
  // workbench; the menu's first entry is where they land.
  const home = { zhaojun: ['/mine', '我的帮扶户'], jiacun: ['/mine', '本村农户'] }[name] || ['/workbench', '工作台'];
  test(`${name} lands on ${home[0]} and the workbench counts`, { timeout: 60_000 }, async () => {
    await as(name, async (page) => {
      assert.equal(new URL(page.url()).pathname, home[0]);
      assert.equal(await page.locator('.side nav a').first().textContent(), home[1]);
      if (home[0] !== '/workbench') await page.goto('/workbench');
      assert.match(await page.locator('h1').first().textContent(), /工作台/);
      assert.equal(await tile(page, 'visits-overdue').textContent(), overdue);
      await page.locator('#count-visits-overdue:not([hx-get])').click();
      await page.waitForURL((url) => url.pathname === '/workbench/visits');
      assert.equal(await page.locator('#overdue-total').textContent(), overdue);
      if (overdue === '1') {
        const row = await page.locator('#visits-due tbody tr').first().textContent();
        assert.match(row, /王大明/);
        assert.match(row, /赵军/);
      }
      await page.goBack();
      await page.locator('#count-chain-gaps').click();
      await page.waitForURL((url) => url.pathname === '/chain');
      if (name === 'tianchang') {
        await page.goto('/workbench');
        await page.screenshot({ path: outputPath('workbench-county.png'), fullPage: true });
      }
    });
  });
}
