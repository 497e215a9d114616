'use strict';
// Issue 7, done when: the dashboard opens, a click on a chart bar lands on the list behind it,
// and that list exports to Excel.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startApp } = require('../support/app.js');

let app;
before(async () => {
  app = await startApp();
});
after(async () => {
  if (app) await app.stop();
});

test('a click on a bar of the exits chart opens the households exited that year', { timeout: 90_000 }, async () => {
  const context = await app.newContext();
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) errors.push(`${r.status()} ${r.url()}`);
  });
  try {
    await app.signIn(page, 'tianchang');
    const res = await page.goto('/dashboard');
    assert.equal(res.status(), 200);
    assert.match(await page.locator('h1').textContent(), /数据看板 · 天长市/);
    // H001 is Tianchang's one poor household; H002 exited in 2015.
    assert.equal(await page.locator('#fact-poor-households').textContent(), '1');
    await page.locator('#chart-exits[data-drawn="1"] canvas').first().waitFor();
    assert.deepEqual(errors, [], 'no script or policy errors while drawing');

    // The middle of the bar of 2015 in the first series (exited households), as ECharts laid it out.
    const point = await page.evaluate(() => {
      const el = document.getElementById('chart-exits');
      const chart = echarts.getInstanceByDom(el);
      const data = chart.getModel().getSeriesByIndex(0).getData();
      const bar = data.getItemLayout(data.indexOfName('2015'));
      const box = el.getBoundingClientRect();
      return { x: box.left + bar.x + bar.width / 2, y: box.top + bar.y + bar.height / 2 };
    });
    await page.screenshot({ path: 'output/dashboard.png', fullPage: true });
    await Promise.all([
      page.waitForURL(/\/households\?.*exit_year=2015/),
      page.mouse.click(point.x, point.y),
    ]);
    assert.match(page.url(), /region=341181000000/);
    assert.match(await page.locator('#drill').textContent(), /脱贫年度 2015/);
    assert.equal(await page.locator('#total').textContent(), '1');
    assert.equal(await page.locator('#list a[href="/households/H002"]').count(), 1);
    assert.equal(await page.locator('#list a[href="/households/H001"]').count(), 0);

    // The list behind the bar exports to Excel with the same filter.
    const href = await page.locator('a[href^="/households/export.xlsx"]').getAttribute('href');
    assert.match(href, /exit_year=2015/);
    const xlsx = await context.request.get(href);
    assert.equal(xlsx.status(), 200);
    assert.match(xlsx.headers()['content-type'], /spreadsheetml/);
    const body = await xlsx.body();
    assert.equal(body.subarray(0, 2).toString(), 'PK');

    // A figure drills down too: the poor households are H001 alone.
    await page.goto('/dashboard');
    await Promise.all([page.waitForURL(/poor=1/), page.locator('#fact-poor-households').click()]);
    assert.equal(await page.locator('#total').textContent(), '1');
    assert.equal(await page.locator('#list a[href="/households/H001"]').count(), 1);
  } finally {
    await context.close();
  }
});
