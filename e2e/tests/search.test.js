'use strict';
// Issue 19, search: the header's search box finds a person by part of their name and by the
// last six digits of their identity number (within the account's reach), and the region picker
// of the household list suggests regions by name and fills in the code.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startApp, ID } = require('../support/app.js');

let app;
before(async () => {
  app = await startApp();
});
after(async () => {
  if (app) await app.stop();
});

test('the header box finds a person by part of a name and by the last six digits', { timeout: 90_000 }, async () => {
  const context = await app.newContext();
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  try {
    await app.signIn(page, 'admin');
    await page.goto('/regions');
    // Two characters of 李秀英: she is shown as the spouse of 王大明, with a link to the household.
    await page.fill('#header-q', '秀英');
    await Promise.all([page.waitForURL(/\/search\?q=/), page.press('#header-q', 'Enter')]);
    const people = page.locator('#people');
    assert.match(await people.textContent(), /李秀英/);
    assert.match(await people.textContent(), /配偶/);
    assert.match(await people.textContent(), /王大明/);
    assert.equal(await people.locator('a[href="/households/H001"]').count(), 1);

    // The last six digits of 刘芳's number, from the box of the results page's header.
    await page.fill('#header-q', ID.liuFang.slice(-6));
    await Promise.all([page.waitForURL(/\/search\?q=/), page.press('#header-q', 'Enter')]);
    assert.match(await page.locator('#people').textContent(), /刘芳/);
    await page.locator('#people a[href="/households/H101"]').click();
    await page.waitForURL(/\/households\/H101$/);

    // One character is not searched for, and the page says why.
    await page.fill('#header-q', '刘');
    await Promise.all([page.waitForURL(/\/search\?q=/), page.press('#header-q', 'Enter')]);
    assert.match(await page.locator('#search-problem').textContent(), /至少输入2个字/);
  } finally {
    await context.close();
  }
});

test('an official does not find another county\'s people', { timeout: 60_000 }, async () => {
  const context = await app.newContext();
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  try {
    await app.signIn(page, 'tianchang');
    await page.goto('/regions');
    await page.fill('#header-q', ID.liuFang.slice(-6));
    await Promise.all([page.waitForURL(/\/search\?q=/), page.press('#header-q', 'Enter')]);
    assert.equal(await page.locator('#people').count(), 0);
    assert.equal(await page.locator('#search-nothing').count(), 1);
  } finally {
    await context.close();
  }
});

test('the region picker suggests a village by name and the list takes its code', { timeout: 60_000 }, async () => {
  const context = await app.newContext();
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  try {
    await app.signIn(page, 'admin');
    await page.goto('/households');
    const field = page.locator('input[name="region"]');
    await field.click();
    await field.pressSequentially('甲村', { delay: 50 });
    // The suggestions arrive in the field's datalist: the village's code, labelled by its name.
    const option = page.locator('#region-options option[value="341181100201"]');
    await option.waitFor({ state: 'attached' });
    assert.match(await option.textContent(), /天长街道 甲村/);
    // Choosing a suggestion puts its code in the field, as a typed code would be.
    await field.fill(await option.getAttribute('value'));
    await page.locator('form.filters button[type="submit"]').click();
    await page.waitForURL(/region=341181100201/);
    assert.equal(await page.locator('#total').textContent(), '1');
    assert.equal(await page.locator('#list a[href="/households/H001"]').count(), 1);
    assert.equal(await page.locator('#list a[href="/households/H101"]').count(), 0);
  } finally {
    await context.close();
  }
});
