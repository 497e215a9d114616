'use strict';
// Monitoring through the year (issue 21): a town official, on a phone in the village, records
// the declaration of an exited household from its page; the case opens at once as 脱贫不稳定户;
// closing it before any help is refused with the reason; a measure and a closing at the line
// remove the risk. Every page fits the 390-px screen; the case prints to PDF from the desk.

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

function overflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

test('a declaration on a phone opens a case, help and income remove its risk', { timeout: 180_000 }, async () => {
  const phone = await app.newPhoneContext();
  phone.setDefaultTimeout(15_000);
  const office = await app.newContext();
  office.setDefaultTimeout(15_000);
  try {
    const page = await phone.newPage();
    await app.signIn(page, 'tianchangjd', '/households/H002');
    await page.locator('#household-cases a.button').tap();
    await page.waitForURL((url) => url.pathname === '/monitoring/cases/new');
    assert.equal(await overflow(page), 0, 'the form fits the phone');
    // Today's line: 2020's 4,000.00 yuan × 150 % = 6,000.00 for H002's one member.
    await page.locator('input[name="net_income"]').fill('5000');
    await page.locator('textarea[name="situation"]').fill('户主突发疾病，无法务工');
    await page.screenshot({ path: outputPath('phone-case-new-390.png'), fullPage: true });
    await Promise.all([
      page.waitForURL((url) => /^\/monitoring\/cases\/JC\d+$/.test(url.pathname)),
      page.getByRole('button', { name: '提交' }).tap(),
    ]);
    const caseUrl = new URL(page.url()).pathname;
    assert.match(await page.locator('h1').textContent(), /脱贫不稳定户/);
    assert.equal(await overflow(page), 0, 'the case fits the phone');

    // The risk cannot be removed before any help.
    await page.locator('#close-form input[name="net_income"]').fill('6000');
    await page.locator('#close-form textarea[name="reason"]').fill('务工收入恢复');
    await page.locator('#close-form button').tap();
    await page.waitForSelector('#case-error');
    assert.match(await page.locator('#case-error').textContent(), /尚未落实帮扶措施/);

    await page.locator('#measure-form select[name="kind"]').selectOption('employment');
    await page.locator('#measure-form textarea[name="detail"]').fill('介绍到县工业园务工');
    await page.locator('#measure-form input[name="responsible"]').fill('赵军');
    await Promise.all([
      page.waitForURL((url) => url.pathname === caseUrl),
      page.locator('#measure-form button').tap(),
    ]);
    assert.match(await page.locator('#measures').textContent(), /介绍到县工业园务工/);
    await page.locator('#close-form input[name="net_income"]').fill('6000');
    await page.locator('#close-form textarea[name="reason"]').fill('务工收入恢复');
    await Promise.all([
      page.waitForSelector('#closed'),
      page.locator('#close-form button').tap(),
    ]);
    assert.match(await page.locator('#closed').textContent(), /务工收入恢复/);
    await page.screenshot({ path: outputPath('phone-case-390.png'), fullPage: true });

    // At the desk: the closed list and the printed case.
    const desk = await office.newPage();
    await app.signIn(desk, 'tianchang', '/monitoring/cases?state=closed');
    assert.match(await desk.locator('#cases').textContent(), /张建国/);
    await desk.goto(caseUrl);
    const pdf = await desk.pdf({ format: 'A4', path: outputPath('case.pdf') });
    assert.ok(pdf.length > 5_000, `a PDF of ${pdf.length} bytes`);
  } finally {
    await phone.close();
    await office.close();
  }
});
