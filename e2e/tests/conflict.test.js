'use strict';
// Done when (b): two people open the same household's form; the first save wins, the second is
// refused with a conflict notice that keeps what the second person typed, and nothing of the
// second edit reaches the record.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startApp, historyRows, fact, outputPath } = require('../support/app.js');

let app;
before(async () => {
  app = await startApp();
});
after(async () => {
  if (app) await app.stop();
});

const isSave = (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/households/H001/edit';

test('the second of two concurrent edits gets a conflict and keeps its input', { timeout: 90_000 }, async () => {
  const first = await app.newContext();
  const second = await app.newContext();
  first.setDefaultTimeout(15_000);
  second.setDefaultTimeout(15_000);
  try {
    const a = await first.newPage();
    const b = await second.newPage();
    await app.signIn(a, 'admin');
    await app.signIn(b, 'tianchang');

    // Both open the form before either saves.
    for (const page of [a, b]) {
      const res = await page.goto('/households/H001/edit');
      assert.equal(res.status(), 200);
      assert.equal(await page.locator('input[name="causes"][value="illness"]').isChecked(), true);
      assert.equal(await page.locator('input[name="causes"][value="skills"]').isChecked(), true);
      assert.equal(await page.locator('input[name="causes"][value="land"]').isChecked(), false);
      assert.equal(await page.locator('select[name="water_safe"]').inputValue(), '1');
    }

    // The first ticks 缺土地 and saves: accepted.
    await a.locator('input[name="causes"][value="land"]').check();
    const [ok] = await Promise.all([a.waitForResponse(isSave), a.getByRole('button', { name: '保存' }).click()]);
    assert.equal(ok.status(), 303);
    await a.waitForURL((url) => url.pathname === '/households/H001');
    assert.ok((await fact(a, '致贫原因')).includes('缺土地'));

    // The second ticks 缺资金 and says the water is not safe, on the form it opened earlier.
    await b.locator('input[name="causes"][value="capital"]').check();
    await b.locator('select[name="water_safe"]').selectOption('0');
    const [refused] = await Promise.all([b.waitForResponse(isSave), b.getByRole('button', { name: '保存' }).click()]);
    assert.equal(refused.status(), 409);
    await b.waitForLoadState('domcontentloaded');
    const notice = b.locator('.notice.conflict');
    await notice.waitFor();
    assert.equal(await notice.getAttribute('role'), 'alert');
    assert.match(await notice.textContent(), /已被他人修改/);
    assert.equal(new URL(b.url()).pathname, '/households/H001/edit');
    await b.screenshot({ path: outputPath('conflict-H001.png'), fullPage: true });

    // The form still holds what the second person typed, and not the first person's change.
    assert.equal(await b.locator('input[name="causes"][value="capital"]').isChecked(), true);
    assert.equal(await b.locator('select[name="water_safe"]').inputValue(), '0');
    assert.equal(await b.locator('input[name="causes"][value="illness"]').isChecked(), true);
    assert.equal(await b.locator('input[name="causes"][value="land"]').isChecked(), false);

    // The record has the first change only.
    for (const page of [a, b]) {
      const res = await page.goto('/households/H001');
      assert.equal(res.status(), 200);
      const causes = await fact(page, '致贫原因');
      assert.ok(causes.includes('缺土地'), `causes shown: ${causes}`);
      assert.ok(!causes.includes('缺资金'), `causes shown: ${causes}`);
      assert.equal(await fact(page, '饮水安全'), '是');
    }
    await a.reload();
    // The household's own entries ("户 H001", not a member's "户 H001 身份证号 …").
    const edits = (await historyRows(a)).filter(
      (cells) => /修改了 户 H001(?! )/.test(cells[2]),
    );
    assert.equal(edits.length, 1, JSON.stringify(edits));
    assert.ok(edits[0][2].startsWith('admin '), edits[0][2]);
    assert.ok(edits[0][2].includes('缺土地') && !edits[0][2].includes('缺资金'), edits[0][2]);
  } finally {
    await first.close();
    await second.close();
  }
});
