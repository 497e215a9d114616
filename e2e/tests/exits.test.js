'use strict';
// The exit procedure of rules.md §3 end to end in a real browser, as a county runs it: the
// county's official runs the year's assessment from the web and is led to 甲村; 甲村's secretary
// proposes the eligible household (chosen by name), records the democratic review and the
// public notice, prints the 公示 (a one-page A4 PDF), records an objection and resolves it; the
// town's official finds the approval waiting on the workbench and approves, then the county's,
// and only then is H001 recorded as exited in 2016 — each step named on the batch page.

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

const BATCH = '/exits/341181100201/2016';

/** Submits the form holding `button` and waits for the batch page it leads back to. */
async function submit(page, button) {
  await Promise.all([
    page.waitForURL((url) => url.pathname === BATCH && url.searchParams.has('done')),
    button.click(),
  ]);
  assert.match(await page.locator('#message').textContent(), /已完成/);
}

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

/** The number of pages of a PDF (its page objects). */
function pdfPages(pdf) {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
}

test('a village batch from proposal to the county approval', { timeout: 120_000 }, async () => {
  await as('tianchang', async (page) => {
    // Signing in lands on the workbench; the exit page offers the assessment.
    assert.equal(new URL(page.url()).pathname, '/workbench');
    await page.goto('/exits?year=2016');
    await page.locator('#run-assessment').click();
    await page.locator('#run_year').fill('2016');
    await page.getByRole('button', { name: '开始评估' }).click();
    await page.locator('#run-result').waitFor();
    assert.equal(await page.locator('#run-eligible').textContent(), '1');
    await Promise.all([
      page.waitForURL((url) => url.pathname === BATCH),
      page.locator('#run-villages').getByRole('link', { name: '去提名' }).click(),
    ]);
  });

  await as('jiacun', async (page) => {
    // The menu leads to the procedure; the village code opens its batch.
    await page.goto('/exits?year=2016');
    await page.locator('#village').fill('341181100201');
    await Promise.all([
      page.waitForURL((url) => url.pathname === BATCH),
      page.getByRole('button', { name: '打开' }).click(),
    ]);
    assert.equal(await page.locator('#stage').textContent(), '尚未提名');
    assert.match(await page.locator('#households').textContent(), /H001/);
    assert.match(await page.locator('#households').textContent(), /王大明/);
    assert.equal(await page.locator('#propose_H001').isChecked(), true);
    await page.locator('#proposed_on').fill('2016-11-30');
    await submit(page, page.getByRole('button', { name: '提名勾选的户' }));
    assert.equal(await page.locator('#stage').textContent(), '村提名');

    await page.locator('#review_date').fill('2016-12-01');
    await page.locator('#attendees').fill('25');
    // The review agrees on all but the ticked: nothing is ticked beforehand.
    assert.equal(await page.locator('#not_agreed_H001').isChecked(), false);
    await submit(page, page.getByRole('button', { name: '记录民主评议' }));
    assert.equal(await page.locator('#stage').textContent(), '民主评议');

    await page.locator('#notice_start').fill('2016-12-02');
    await submit(page, page.getByRole('button', { name: '开始公示' }));
    assert.equal(await page.locator('#stage').textContent(), '公示中');
    assert.match(await page.locator('#notice').textContent(), /2016-12-02 — 2016-12-08/);

    // The 公示 to post in the village: one A4 page, the head's name, the dates, no menu.
    await page.locator('#print-notice').click();
    await page.locator('#gongshi').waitFor();
    assert.match(await page.locator('#gongshi h1').textContent(), /甲村2016年度贫困户退出公示/);
    assert.match(await page.locator('#notice-list').textContent(), /王大明/);
    const pdf = await page.pdf({ format: 'A4', path: outputPath('exit-notice.pdf') });
    assert.equal(pdfPages(pdf), 1, 'the notice prints on one page');
    assert.ok(fs.existsSync(outputPath('exit-notice.pdf')));
    await page.goto(BATCH);

    await page.locator('#raised_on').fill('2016-12-03');
    await page.locator('#raised_by').fill('村民张某');
    await page.locator('#content').fill('家中有务工收入未计入');
    await submit(page, page.getByRole('button', { name: '记录异议' }));
    assert.match(await page.locator('#objections').textContent(), /家中有务工收入未计入/);

    await page.locator('#resolution_1').fill('经核实，务工收入已计入，异议不成立');
    await submit(page, page.getByRole('button', { name: '处理' }));
    assert.match(await page.locator('#objections').textContent(), /异议不成立/);
    // A secretary has no approval to give.
    assert.equal(await page.getByRole('button', { name: '乡镇审核通过' }).count(), 0);
  });

  await as('tianchangjd', async (page) => {
    // The workbench counts the batch waiting for the town's approval and leads to it.
    assert.equal(new URL(page.url()).pathname, '/workbench');
    assert.match(await page.locator('#waiting-town_approval').textContent(), /^1/);
    await page.locator('#waiting-town_approval').click();
    await page.locator('#waiting').getByRole('link', { name: '甲村' }).click();
    await page.waitForURL((url) => url.pathname === BATCH);
    assert.equal(await page.getByRole('button', { name: '县级审定并记录脱贫' }).count(), 0);
    await submit(page, page.getByRole('button', { name: '乡镇审核通过' }));
    assert.equal(await page.locator('#stage').textContent(), '乡镇审核');
  });

  await as('tianchang', async (page) => {
    // Still poor until the county approves.
    await page.goto('/households/H001/assessment?year=2016');
    assert.match(await page.locator('#recorded').textContent(), /尚未记录/);
    await page.goto(BATCH);
    await submit(page, page.getByRole('button', { name: '县级审定并记录脱贫' }));
    assert.equal(await page.locator('#stage').textContent(), '县级审定，已退出');
    const steps = await page.locator('#steps tbody tr').evaluateAll((rows) =>
      rows.map((tr) => [...tr.querySelectorAll('td')].slice(0, 2).map((td) => td.textContent.trim())),
    );
    assert.deepEqual(steps, [
      ['提名', 'jiacun'],
      ['民主评议', 'jiacun'],
      ['公示', 'jiacun'],
      ['乡镇审核', 'tianchangjd'],
      ['县级审定', 'tianchang'],
    ]);
    assert.match(await page.locator('#households').textContent(), /已退出/);
    await page.screenshot({ path: outputPath('exit-batch-approved.png'), fullPage: true });
    await page.goto('/households/H001/assessment?year=2016');
    assert.match(await page.locator('#recorded').textContent(), /exited/);
  });
});
