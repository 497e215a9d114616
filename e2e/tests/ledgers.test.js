'use strict';
// The module ledgers in a real browser: a village's attendance ticked on one page (a member
// named, the household recorded with them), and a 抓规范 check added through the ledger form,
// with the importer's refusal shown beside the field first.

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

test('quick attendance of a village and a ledger row with its refusal', { timeout: 90_000 }, async () => {
  const context = await app.newContext();
  context.setDefaultTimeout(15_000);
  try {
    const page = await context.newPage();
    await app.signIn(page, 'tianchang');

    // The session's station serves 甲村 only, so its roll opens at once.
    await page.goto('/attendance?session=T1');
    assert.match(await page.locator('#session').textContent(), /2026-03-05/);
    const household = page.locator('#h_H001');
    assert.equal(await household.isChecked(), false);
    await page.getByLabel('李秀英').check();
    await Promise.all([
      page.waitForURL((url) => url.searchParams.get('saved') === '2'),
      page.getByRole('button', { name: '保存参训' }).click(),
    ]);
    assert.match(await page.locator('#message').textContent(), /已保存/);
    assert.equal(await page.locator('#h_H001').isChecked(), true);
    assert.equal(await page.getByLabel('李秀英').isChecked(), true);
    assert.equal(await page.getByLabel('王大明').isChecked(), false);
    await page.screenshot({ path: outputPath('attendance-T1.png'), fullPage: true });

    // A check of a station that does not exist is refused beside the field, typed values kept.
    await page.goto('/records/station_checks');
    await page.locator('#f_station_id').fill('ST9');
    await page.locator('#f_year').fill('2026');
    await page.locator('#f_item').selectOption('equipment');
    await page.locator('#f_result').selectOption('unmet');
    await page.getByRole('button', { name: '保存' }).click();
    await page.locator('#e_station_id').waitFor();
    assert.match(await page.locator('#e_station_id').textContent(), /不存在/);
    assert.equal(await page.locator('#f_item').inputValue(), 'equipment');
    await page.locator('#f_station_id').fill('ST1');
    await Promise.all([
      page.waitForURL((url) => url.searchParams.get('saved') === '1'),
      page.getByRole('button', { name: '保存' }).click(),
    ]);
    const cells = await page.locator('#entries tbody tr').first().locator('td').allTextContents();
    assert.deepEqual(cells.slice(0, 4), ['ST1', '2026', '设备维护', '未达标']);
  } finally {
    await context.close();
  }
});
