'use strict';
// 政策假设测算 (issue 23) in a real browser: the county's official opens it from the assessment
// page, raises the poverty line, and sees the households and figures that would change, with
// nothing recorded; the same page fits a 390-px phone, and its workbook downloads.

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

async function run(context) {
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  await app.signIn(page, 'tianchang');
  await page.goto('/assessment/run?year=2016');
  await Promise.all([
    page.waitForURL((url) => url.pathname === '/assessment/what-if'),
    page.locator('#what-if-link').click(),
  ]);
  await page.locator('#wi_poverty_line').fill('100000');
  await Promise.all([
    page.waitForURL((url) => url.searchParams.get('poverty_line') === '100000'),
    page.getByRole('button', { name: '测算' }).click(),
  ]);
  await page.locator('#what-if-result').waitFor();
  assert.match(await page.locator('#what-if-households').textContent(), /H001/);
  const eligible = page.locator('#what-if-figures tr', { hasText: '符合退出标准（户）' });
  assert.deepEqual(
    await eligible.locator('td').allTextContents(),
    ['符合退出标准（户）', '1', '0', '-1'],
  );
  return page;
}

test('a higher line shows what would change, on a desktop', { timeout: 60_000 }, async () => {
  const context = await app.newContext();
  try {
    const page = await run(context);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('#what-if-export').click(),
    ]);
    assert.match(download.suggestedFilename(), /\.xlsx$/);
    await page.screenshot({ path: outputPath('what-if-desktop.png'), fullPage: true });
    // Nothing was recorded: the assessment page still finds H001 eligible under the 2016 line.
    await page.goto('/households/H001/assessment?year=2016');
    assert.match(await page.locator('body').textContent(), /2952/);
  } finally {
    await context.close();
  }
});

test('the what-if fits a 390-px phone', { timeout: 60_000 }, async () => {
  const context = await app.newPhoneContext();
  try {
    const page = await run(context);
    const over = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    await page.screenshot({ path: outputPath('what-if-phone-390.png'), fullPage: true });
    assert.equal(over, 0, `the page is ${over} px wider than the phone`);
  } finally {
    await context.close();
  }
});
