'use strict';
// Issue 18 (book of record): the yearly report of a year opens in the browser, its printable
// version prints to A4 PDF without a script or policy error, and the report page fits a
// 390-px phone.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { startApp, outputPath } = require('../support/app.js');

let app;
before(async () => {
  app = await startApp();
});
after(async () => {
  if (app) await app.stop();
});

function watch(page) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) errors.push(`${r.status()} ${r.url()}`);
  });
  return errors;
}

test('the yearly report opens, prints to PDF and fits a phone', { timeout: 90_000 }, async () => {
  const context = await app.newContext();
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  const errors = watch(page);
  try {
    await app.signIn(page, 'tianchang');
    const res = await page.goto('/report?year=2016');
    assert.equal(res.status(), 200);
    assert.match(await page.locator('h1').textContent(), /年度报告/);
    assert.ok((await page.locator('#figures tr').count()) >= 10);

    const print = await context.newPage();
    const printErrors = watch(print);
    const printed = await print.goto('/report/print?year=2016');
    assert.equal(printed.status(), 200);
    assert.match(await print.locator('h1').textContent(), /2016 年/);
    const pdf = await print.pdf({ format: 'A4', path: outputPath('report-2016.pdf') });
    assert.ok(pdf.length > 10_000, `a PDF of ${pdf.length} bytes`);
    assert.ok(fs.existsSync(outputPath('report-2016.pdf')));
    assert.deepEqual(printErrors, [], 'no script or policy errors on the printable report');
    assert.deepEqual(errors, [], 'no script or policy errors on the report page');
  } finally {
    await context.close();
  }

  const phone = await app.newPhoneContext();
  phone.setDefaultTimeout(20_000);
  const small = await phone.newPage();
  try {
    await app.signIn(small, 'tianchang');
    await small.goto('/report?year=2016');
    const table = await small.locator('#figures').boundingBox();
    assert.ok(table.width <= 390, `the figures are ${table.width} px wide`);
    await small.screenshot({ path: outputPath('report-390.png'), fullPage: true });
  } finally {
    await phone.close();
  }
});
