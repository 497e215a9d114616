'use strict';
// Done when (a): an administrator finds a household by a member's identity number, edits its
// causes through the form, and sees the change and its audit entry on the household page.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startApp, ID, outputPath, historyRows, fact } = require('../support/app.js');

let app;
before(async () => {
  app = await startApp();
});
after(async () => {
  if (app) await app.stop();
});

test('admin searches by ID number, ticks a cause, saves, and sees it in the history', { timeout: 90_000 }, async () => {
  const context = await app.newContext();
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  try {
    await app.signIn(page, 'admin');

    await page.goto('/households');
    assert.equal(await page.locator('#total').textContent(), '3');

    // Search by 刘芳's identity number; htmx swaps #list and pushes the query into the address.
    await page.locator('#households-q').fill(ID.liuFang);
    await Promise.all([
      page.waitForURL((url) => url.searchParams.get('q') === ID.liuFang),
      page.getByRole('button', { name: '查询' }).click(),
    ]);
    const found = page.locator('#list a[href="/households/H101"]');
    await found.waitFor();
    await page.waitForFunction(() => document.querySelector('#total')?.textContent.trim() === '1');
    assert.equal(await page.locator('#list a[href="/households/H001"]').count(), 0);
    assert.equal(await page.locator('#list a[href="/households/H002"]').count(), 0);

    await Promise.all([page.waitForURL('**/households/H101'), found.click()]);
    assert.match(await page.locator('h1').textContent(), /H101/);
    assert.equal(await fact(page, '致贫原因'), '缺劳力');

    await Promise.all([
      page.waitForURL('**/households/H101/edit'),
      page.locator('h1').getByRole('link', { name: '编辑' }).click(),
    ]);
    const land = page.locator('input[type="checkbox"][name="causes"][value="land"]');
    assert.equal(await land.isChecked(), false);
    assert.equal(await page.locator('input[name="causes"][value="labour"]').isChecked(), true);
    await land.check();

    const [saved] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/households/H101/edit')),
      page.getByRole('button', { name: '保存' }).click(),
    ]);
    assert.equal(saved.status(), 303, `save answered ${saved.status()}`);
    await page.waitForURL((url) => url.pathname === '/households/H101');

    // The page shows the new cause by its Chinese label, and the history has admin's entry.
    await page.locator('#history').waitFor();
    const causes = await fact(page, '致贫原因');
    assert.ok(causes.includes('缺土地'), `causes shown: ${causes}`);
    assert.ok(causes.includes('缺劳力'), `causes shown: ${causes}`);
    assert.ok((await page.locator('main').textContent()).includes('缺土地'));

    // The entry reads as a sentence: who changed which field of the household, old → new,
    // by the Chinese labels (no raw JSON).
    const rows = await historyRows(page);
    const entry = rows.find((cells) => cells[2].startsWith('admin 修改了 户 H101的 致贫原因：'));
    assert.ok(entry, `no history entry by admin on the causes among:\n${JSON.stringify(rows, null, 1)}`);
    const [before, after] = entry[2].split('：')[1].split(' → ');
    assert.equal(before, '缺劳力');
    assert.deepEqual(after.split('、').sort(), ['缺劳力', '缺土地'].sort());
    assert.ok(!entry[2].includes('{'), entry[2]);

    await page.screenshot({ path: outputPath('household-H101.png'), fullPage: true });
  } finally {
    await context.close();
  }
});
