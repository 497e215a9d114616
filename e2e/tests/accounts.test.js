'use strict';
// Accounts (issue 16): an administrator adds an account on /users and is shown its password
// once; its owner, on a 390-px phone, must choose their own password before any other page;
// once disabled, the account's open session ends at the next page.

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

/** Whether the page fits its viewport's width (no sideways scrolling). */
async function fitsWidth(page) {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

test('an account is added, its password changed on a phone, then disabled', { timeout: 120_000 }, async () => {
  const office = await app.newContext();
  const phone = await app.newPhoneContext();
  office.setDefaultTimeout(15_000);
  phone.setDefaultTimeout(15_000);
  try {
    const admin = await office.newPage();
    await app.signIn(admin, 'admin');
    await admin.goto('/users');
    const add = admin.locator('#add form');
    await add.locator('input[name="name"]').fill('王科长');
    await add.locator('select[name="role"]').selectOption('official');
    await add.locator('input[name="region"]').fill('341181000000');
    // The page that answers the form shows the password once (it is never put in a URL).
    await add.getByRole('button', { name: '新建' }).click();
    await admin.locator('#secret-value').waitFor();
    const password = (await admin.locator('#secret-value').textContent()).trim();
    assert.ok(password.length >= 10, password);
    await admin.screenshot({ path: outputPath('accounts-new-user.png'), fullPage: true });

    // The owner signs in on a phone and is sent to choose a password first.
    const mine = await phone.newPage();
    await mine.goto('/login');
    await mine.locator('input[name="name"]').fill('王科长');
    await mine.locator('input[name="password"]').fill(password);
    await Promise.all([mine.waitForURL((u) => u.pathname !== '/login'), mine.getByRole('button', { name: '登录' }).click()]);
    await mine.goto('/households');
    assert.equal(new URL(mine.url()).pathname, '/password');
    await mine.locator('#must-change').waitFor();
    assert.ok(await fitsWidth(mine), 'the password page is wider than the phone');
    await mine.screenshot({ path: outputPath('accounts-password-390.png'), fullPage: true });
    await mine.locator('input[name="current"]').fill(password);
    await mine.locator('input[name="new"]').fill('天长市扶贫办2026');
    await mine.locator('input[name="confirm"]').fill('天长市扶贫办2026');
    await Promise.all([mine.waitForLoadState('domcontentloaded'), mine.getByRole('button', { name: '保存新密码' }).click()]);
    await mine.locator('#changed').waitFor();
    const list = await mine.goto('/households');
    assert.equal(list.status(), 200);
    assert.equal(new URL(mine.url()).pathname, '/households');

    // Disabled by the administrator: the phone's session ends at its next page.
    await admin.goto('/users/' + encodeURIComponent('王科长'));
    admin.once('dialog', (d) => d.accept());
    await Promise.all([admin.waitForLoadState('domcontentloaded'), admin.getByRole('button', { name: '停用账号' }).click()]);
    await admin.locator('#state').filter({ hasText: '已停用' }).waitFor();
    await mine.goto('/households');
    assert.equal(new URL(mine.url()).pathname, '/login');
  } finally {
    await office.close();
    await phone.close();
  }
});
