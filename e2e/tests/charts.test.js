'use strict';
// Issue 19 (wording): shares are in % on every chart, as in the tables, and a chart's legend
// covers neither the bars nor the axis labels — at a desktop width and at a phone's.

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

/** The legend's box and the plot's box (axis labels included) of a chart, in page pixels. */
async function boxes(page, id) {
  return page.evaluate((id) => {
    const el = document.getElementById(id);
    const chart = echarts.getInstanceByDom(el);
    const option = chart.getOption();
    const legendModel = chart.getModel().getComponent('legend');
    const legendView = legendModel && chart.getViewOfComponentModel(legendModel);
    const legend = legendView && option.legend[0].show ? legendView.group.getBoundingRect().clone() : null;
    if (legend) {
      legend.x += legendView.group.x;
      legend.y += legendView.group.y;
    }
    // The grid and every axis label drawn (ECharts' own layout).
    const grid = chart.getModel().getComponent('grid').coordinateSystem.getRect();
    let bottom = grid.y + grid.height;
    el.querySelectorAll('canvas');
    chart.getZr().storage.getDisplayList().forEach((d) => {
      if (d.type === 'text' || (d.style && typeof d.style.text === 'string')) {
        const r = d.getBoundingRect().clone();
        if (d.transform) r.applyTransform(d.transform);
        const inLegend = legend && r.y >= legend.y - 1 && r.y + r.height <= legend.y + legend.height + 1;
        if (!inLegend) bottom = Math.max(bottom, r.y + r.height);
      }
    });
    return {
      legend: legend && { top: legend.y, bottom: legend.y + legend.height },
      plotBottom: bottom,
      unit: option.yAxis[0].axisLabel && option.yAxis[0].axisLabel.formatter,
      xUnit: option.xAxis[0].axisLabel && option.xAxis[0].axisLabel.formatter,
    };
  }, id);
}

for (const width of [1280, 390]) {
  test(`charts at ${width} px: % for shares, the legend clear of the plot`, { timeout: 90_000 }, async () => {
    const context = await app.browser.newContext({
      baseURL: app.baseURL,
      locale: 'zh-CN',
      viewport: { width, height: 900 },
    });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    try {
      await app.signIn(page, 'admin');
      await page.goto('/dashboard');
      await page.locator('#chart-coverage[data-drawn="1"] canvas').first().waitFor();
      await page.locator('#chart-incidence[data-drawn="1"] canvas').first().waitFor();
      const text = await page.locator('main').textContent();
      assert.ok(!/[‰‱]/.test(text), 'no ‰ or ‱ on the dashboard');
      assert.match(await page.locator('#chart-coverage').locator('..').locator('h2').textContent(), /%/);

      const coverage = await boxes(page, 'chart-coverage');
      assert.equal(coverage.unit, '{value}%', 'the coverage axis is in %');
      assert.ok(coverage.legend, 'the coverage chart has a legend (several links)');
      assert.ok(
        coverage.legend.top >= coverage.plotBottom,
        `legend (top ${coverage.legend.top}) overlaps the plot or its labels (bottom ${coverage.plotBottom})`,
      );
      const incidence = await boxes(page, 'chart-incidence');
      assert.equal(incidence.xUnit, '{value}%', 'incidence in %');

      // No part of the page is wider than the screen.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the page is ${overflow} px wider than the screen`);
      await page.screenshot({ path: outputPath(`dashboard-${width}.png`), fullPage: true });
    } finally {
      await context.close();
    }
  });
}
