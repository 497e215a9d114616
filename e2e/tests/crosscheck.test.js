'use strict';
// Cross-department checks (issue 21): a county official uploads a death list and a payroll
// list, reads the findings and records them; the helper, on a phone, sees the tasks on their
// page, confirms the death, and the member leaves the household from the day of death — the
// card of the year before still lists her, the card of the year of her death does not.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { startApp, ID, outputPath } = require('../support/app.js');

let app;
before(async () => {
  app = await startApp();
});
after(async () => {
  if (app) await app.stop();
});

/** The department files: 李秀英 died on 2016-10-01; 王大明 has been on a payroll since 2016. */
function departmentFiles() {
  const dir = path.join(app.tmp, 'departments');
  fs.mkdirSync(dir, { recursive: true });
  const deaths = path.join(dir, 'deaths.csv');
  fs.writeFileSync(deaths, `身份证号,姓名,死亡日期\n${ID.liXiuying},李秀英,2016-10-01\n${ID.liuFang},刘芳,2016-11-01\n`, 'utf8');
  const payroll = path.join(dir, 'payroll.csv');
  fs.writeFileSync(payroll, `id_number,name,employer,since\n${ID.wangDaming},王大明,县水利局,2016-01-01\n`, 'utf8');
  return [deaths, payroll];
}

test('an official records department findings and the helper confirms a death', { timeout: 180_000 }, async () => {
  const office = await app.newContext();
  const phone = await app.newPhoneContext();
  office.setDefaultTimeout(15_000);
  phone.setDefaultTimeout(15_000);
  try {
    const desk = await office.newPage();
    await app.signIn(desk, 'tianchang', '/crosscheck');
    await desk.locator('#crosscheck_files').setInputFiles(departmentFiles());
    await desk.locator('#crosscheck_as_of').fill('2016-12-31');
    await Promise.all([
      desk.waitForURL((url) => /^\/crosscheck\/[^/]+$/.test(url.pathname)),
      desk.getByRole('button', { name: '比对', exact: true }).click(),
    ]);
    // 刘芳 lives in 琅琊区, outside 天长市: only H001's two members are found.
    assert.equal((await desk.locator('#findings-total').textContent()).trim(), '2');
    assert.doesNotMatch(await desk.locator('#findings').textContent(), /H101/);
    await desk.screenshot({ path: outputPath('crosscheck-1280.png'), fullPage: true });
    await Promise.all([
      desk.waitForSelector('#applied'),
      desk.locator('#apply').click(),
    ]);
    assert.match(await desk.locator('#applied').textContent(), /已登记 2 条/);

    // The helper's phone: the tasks are on their page.
    const page = await phone.newPage();
    await app.signIn(page, 'zhaojun');
    assert.equal(new URL(page.url()).pathname, '/mine');
    const tile = page.locator('#waiting-tasks-open');
    assert.match(await tile.textContent(), /2/);
    await tile.tap();
    await page.waitForURL((url) => url.pathname === '/tasks');
    await page.screenshot({ path: outputPath('phone-tasks-390.png'), fullPage: true });
    await page.locator('#tasks a', { hasText: '死亡' }).first().tap();
    await page.waitForURL((url) => /^\/households\/H001\/findings\/\d+$/.test(url.pathname));
    assert.match(await page.locator('#finding').textContent(), /2016-10-01/);
    await page.locator('input[name="outcome"][value="confirmed"]').check();
    await page.screenshot({ path: outputPath('phone-task-390.png'), fullPage: true });
    await Promise.all([
      page.waitForSelector('#outcome'),
      page.getByRole('button', { name: '提交' }).tap(),
    ]);
    assert.match(await page.locator('#outcome').textContent(), /属实/);

    // She has left the household from the day of death; the year before still has her.
    await page.goto('/households/H001');
    assert.doesNotMatch(await page.locator('main').textContent(), new RegExp(ID.liXiuying));
    await desk.goto('/households/H001/card?year=2015');
    assert.match(await desk.locator('body').textContent(), /李秀英/);
    await desk.goto('/households/H001/card?year=2016');
    const card2016 = await desk.locator('body').textContent();
    assert.doesNotMatch(card2016.split('部门比对核查')[0], /李秀英/);
    assert.match(card2016, /部门比对核查/);
    // The overdue counts start at nothing: both were recorded today, due in 15 days.
    await desk.goto('/tasks');
    assert.equal((await desk.locator('#overdue-tasks').textContent()).trim(), '0');
    assert.equal((await desk.locator('#open-tasks').textContent()).trim(), '1');
  } finally {
    await office.close();
    await phone.close();
  }
});
