'use strict';
// The bundle upload in a real browser: an administrator uploads a zip of a bundle whose
// households all have an error, watches the progress with the upload button disabled, downloads
// the error file and reads its rows; then uploads a good zip and confirms it.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { startApp, idNumber, outputPath } = require('../support/app.js');

// Enough rows that the check takes a few seconds, and more errors than are collected: each
// row has two (a year still to come, and one across files).
const BAD_ROWS = 120_000;
const ERRORS = 2 * BAD_ROWS;
const KEPT = 100_000;
const HEADER =
  'household_id,village_code,identified_year,status,exit_year,causes,food_secure,clothing_secure,housing_safe,water_safe';

let app;
before(async () => {
  app = await startApp();
});
after(async () => {
  if (app) await app.stop();
});

/** A zip of `files` inside the folder `folder` of the archive (as a user zips a folder). */
function zipOf(name, folder, files) {
  const dir = path.join(app.tmp, `${name}-src`);
  const inner = path.join(dir, folder);
  fs.mkdirSync(inner, { recursive: true });
  for (const [file, text] of Object.entries(files)) {
    fs.writeFileSync(path.join(inner, file), text, 'utf8');
  }
  const zip = path.join(app.tmp, `${name}.zip`);
  execFileSync('python3', ['-m', 'zipfile', '-c', zip, inner]);
  return zip;
}

test('a zip upload with progress, its errors downloaded, then a good zip confirmed', { timeout: 300_000 }, async () => {
  const context = await app.newContext();
  context.setDefaultTimeout(20_000);
  try {
    const page = await context.newPage();
    await app.signIn(page, 'admin');
    await page.goto('/imports');

    const lines = [HEADER];
    for (let i = 0; i < BAD_ROWS; i++) {
      // A year still to come: one error per row.
      lines.push(`X${String(i).padStart(6, '0')},341181100201,2030,poor,,illness,1,1,1,1`);
    }
    const bad = zipOf('bad', '数据包', { 'households.csv': lines.join('\n') + '\n' });

    // The upload is held back a moment: meanwhile the button is disabled and says so.
    let release;
    const held = new Promise((r) => (release = r));
    await page.route('**/imports', async (route) => {
      if (route.request().method() === 'POST') await held;
      await route.continue();
    });
    await page.locator('input[name="files"]').setInputFiles(bad);
    // The button as the page has it just after the form was sent.
    let reported;
    const seen = new Promise((r) => (reported = r));
    await page.exposeFunction('reportButton', (disabled, text) => reported({ disabled, text }));
    await page.evaluate(() =>
      document.addEventListener('submit', () =>
        setTimeout(() => {
          const b = document.querySelector('#import-upload');
          window.reportButton(b.disabled, b.textContent.trim());
        }, 0),
      ),
    );
    await page.locator('#import-upload').click({ noWaitAfter: true });
    assert.deepEqual(await seen, { disabled: true, text: '正在上传…' });
    release();
    await page.waitForURL(/\/imports\/[0-9a-f]+$/);
    await page.unroute('**/imports');

    // The check runs in the background: its progress shows, and no second upload can start.
    const progress = page.locator('#import-progress');
    await progress.waitFor();
    assert.match(await progress.textContent(), /正在/);
    assert.equal(await page.locator('#import-upload').isDisabled(), true);
    // Polled once a second: the file being read and its rows.
    await page.locator('#import-progress', { hasText: '第 1 / 1 个文件：households.csv' }).waitFor();
    await page.screenshot({ path: outputPath('import-progress.png'), fullPage: true });
    // A reload finds the same upload.
    await page.reload();
    await page.locator('text=有错误，未写入任何数据').waitFor({ timeout: 240_000 });
    assert.equal(await page.locator('#import-progress').count(), 0);
    assert.equal(await page.locator('#import-upload').isDisabled(), false);
    assert.match(await page.locator('.card').textContent(), new RegExp(`（${ERRORS}）[\\s\\S]*另有 ${ERRORS - 200} 条错误见下载文件`));

    // Every collected error in the download, the rest counted in its last row.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('a[href$="/errors.csv"]').click(),
    ]);
    assert.equal(download.suggestedFilename(), 'errors.csv');
    const bytes = fs.readFileSync(await download.path());
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    const rows = bytes.subarray(3).toString('utf8').trimEnd().split(/\r?\n/);
    assert.equal(rows[0], '文件,行,列,值,问题');
    assert.equal(rows.length, 1 + KEPT + 1);
    assert.match(rows[1], /^households\.csv,2,identified_year,2030,/);
    assert.match(rows[KEPT], new RegExp(`^households\\.csv,${KEPT + 1},`));
    assert.match(rows[KEPT + 1], new RegExp(`另有 ${ERRORS - KEPT} 条未列出`));

    // A good bundle: checked, then confirmed once.
    const head = idNumber('341181', '19880214', '031');
    const good = zipOf('good', 'bundle', {
      'households.csv': `${HEADER}\nH900,341181100202,2016,poor,,illness,1,1,1,1\n`,
      'members.csv': `household_id,id_number,name,relation,health,labour,schooling\nH900,${head},周敏,head,healthy,ordinary,none\n`,
    });
    await page.locator('input[name="files"]').setInputFiles(good);
    await Promise.all([page.waitForURL(/\/imports\/[0-9a-f]+$/), page.locator('#import-upload').click()]);
    await page.locator('text=检查通过，尚未写入').waitFor({ timeout: 60_000 });
    page.once('dialog', (d) => d.accept());
    await page.getByRole('button', { name: '确认导入' }).click();
    await page.locator('.notice.good', { hasText: '已导入' }).waitFor({ timeout: 60_000 });
    const household = await page.goto('/households/H900');
    assert.equal(household.status(), 200);
    assert.match(await page.locator('body').textContent(), /周敏/);
  } finally {
    await context.close();
  }
});
