'use strict';
// Field work starts on a phone (issue 20): at 390 × 844 with touch, every page of the menu of each
// role fits the screen's width — no sideways scrolling of the page (a wide table scrolls inside
// its own box) — and the menu folds behind one button, opened and closed by touch.

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

async function onPhone(name, work) {
  const context = await app.newPhoneContext();
  context.setDefaultTimeout(15_000);
  try {
    const page = await context.newPage();
    await app.signIn(page, name);
    await work(page);
  } finally {
    await context.close();
  }
}

/** How far the page reaches past the screen's right edge, in CSS pixels (0: it fits). */
function overflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

test('the menu folds behind one button on a phone', { timeout: 60_000 }, async () => {
  await onPhone('tianchang', async (page) => {
    const menu = page.locator('.side nav');
    const toggle = page.locator('.menu-toggle');
    assert.equal(await menu.isVisible(), false, 'the menu starts folded');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    await toggle.tap();
    assert.equal(await menu.isVisible(), true);
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    await page.screenshot({ path: outputPath('phone-menu-390.png') });
    await page.locator('.side nav a', { hasText: '贫困户' }).tap();
    await page.waitForURL((url) => url.pathname === '/households');
    assert.equal(await menu.isVisible(), false, 'a new page starts folded again');
  });
});

for (const name of ['admin', 'tianchang', 'tianchangjd', 'jiacun', 'zhaojun']) {
  test(`every page of ${name}'s menu fits a 390-px phone`, { timeout: 180_000 }, async () => {
    await onPhone(name, async (page) => {
      const links = await page
        .locator('.side nav a')
        .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      const pages = links.filter((href) => href.startsWith('/') && !href.startsWith('/api/'));
      assert.ok(pages.length >= 10, `${name}'s menu: ${pages}`);
      const wide = [];
      // The field's own pages too: a household, its visit form, what waits on the phone.
      const field = name === 'admin' || name === 'zhaojun' ? ['/households/H001', '/households/H001/visit', '/offline'] : [];
      for (const href of ['/workbench', ...pages, ...field]) {
        const response = await page.goto(href);
        assert.ok(response.ok(), `${href}: HTTP ${response.status()}`);
        const over = await overflow(page);
        if (over > 0) wide.push(`${href} (${over} px too wide)`);
      }
      await page.goto('/workbench');
      await page.screenshot({ path: outputPath(`phone-workbench-${name}-390.png`), fullPage: true });
      assert.deepEqual(wide, [], `pages wider than the phone for ${name}`);
    });
  });
}
