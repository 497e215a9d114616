'use strict';
// Shared set-up for the browser tests: a fresh SQLite database with a small bundle imported,
// three accounts, the xplus server on a free port, and Debian's Chromium driven by playwright-core.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, execFileSync } = require('node:child_process');
const { chromium } = require('playwright-core');

const E2E_DIR = path.resolve(__dirname, '..');
const XPLUS_BIN = process.env.XPLUS_BIN
  ? path.resolve(process.env.XPLUS_BIN)
  : path.resolve(E2E_DIR, '..', 'target', 'debug', 'xplus');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const OUTPUT_DIR = path.join(E2E_DIR, 'output');
const PASSWORD = 'correct-horse-battery';

/** A GB 11643 identity number from area (6 digits), birth date (YYYYMMDD) and sequence (3 digits). */
function idNumber(area, born, seq) {
  const body = `${area}${born}${seq}`;
  if (!/^\d{17}$/.test(body)) throw new Error(`bad identity number body: ${body}`);
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((acc, d, i) => acc + Number(d) * weights[i], 0);
  return body + '10X98765432'[sum % 11];
}

const ID = {
  wangDaming: idNumber('341181', '19700305', '011'),
  liXiuying: idNumber('341181', '19720819', '022'),
  zhangJianguo: idNumber('342301', '19500115', '041'),
  liuFang: idNumber('341102', '19801130', '052'),
};

function csv(lines) {
  return lines.join('\n') + '\n';
}

const BUNDLE = {
  'regions.csv': csv([
    'code,name,level,parent_code',
    '340000000000,安徽省,province,',
    '341100000000,滁州市,city,340000000000',
    '341181000000,天长市,county,341100000000',
    '341181100000,天长街道,town,341181000000',
    '341181100201,甲村,village,341181100000',
    '341181100202,乙村,village,341181100000',
    '341102000000,琅琊区,county,341100000000',
    '341102001000,西涧街道,town,341102000000',
    '341102001001,丙村,village,341102001000',
  ]),
  'villages.csv': csv([
    'village_code,poor_village,population,exit_year,planned_exit_year',
    '341181100201,1,1200,,2017',
    '341181100202,0,900,,',
    '341102001001,1,800,,2018',
  ]),
  'households.csv': csv([
    'household_id,village_code,identified_year,status,exit_year,causes,food_secure,clothing_secure,housing_safe,water_safe',
    'H001,341181100201,2014,poor,,illness;skills,1,1,1,1',
    'H002,341181100202,2014,exited,2015,disability,1,1,1,0',
    'H101,341102001001,2015,poor,,labour,1,1,0,1',
  ]),
  'members.csv': csv([
    'household_id,id_number,name,relation,health,labour,schooling,medical_insured,pension_insured,migrant_months',
    `H001,${ID.wangDaming},王大明,head,healthy,ordinary,none,1,1,6`,
    `H001,${ID.liXiuying},李秀英,spouse,chronic,weak,none,1,1,0`,
    `H002,${ID.zhangJianguo},张建国,head,disabled,lost,none,1,1,0`,
    `H101,${ID.liuFang},刘芳,head,healthy,skilled,none,1,,12`,
  ]),
  'incomes.csv': csv([
    'household_id,year,wage,production,property,transfer,production_cost,medical_cost',
    'H001,2016,9000,2500,100,1500,1000,',
  ]),
  'units.csv': csv(['unit_id,name,kind', 'U1,滁州市财政局,organ']),
  'cadres.csv': csv(['cadre_id,name,unit_id,role,phone', 'C1,赵军,U1,helper,13800000001']),
  'stations.csv': csv(['station_id,village_code,kind,name,upgraded_year', 'ST1,341181100201,station,甲村远教站点,2016']),
  'training_sessions.csv': csv([
    'session_id,station_id,date,mode,lecturer_kind,topic,title',
    'T1,ST1,2026-03-05,party_school,cadre,policy,扶贫政策解读',
  ]),
  'cadre_household_pairings.csv': csv([
    'cadre_id,household_id,start_date,end_date',
    'C1,H001,2015-01-01,',
  ]),
};

const ACCOUNTS = [
  ['admin', ['--role', 'admin']],
  ['xijian', ['--role', 'official', '--region', '341102001000']],
  ['tianchang', ['--role', 'official', '--region', '341181000000']],
  ['tianchangjd', ['--role', 'official', '--region', '341181100000']],
  ['jiacun', ['--role', 'secretary', '--region', '341181100201']],
  ['zhaojun', ['--role', 'helper', '--cadre', 'C1']],
];

const ENV = { ...process.env, XPLUS_LANG: 'zh' };

function xplus(db, args, input) {
  try {
    return execFileSync(XPLUS_BIN, ['--db', db, ...args], {
      env: ENV,
      input: input ?? '',
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  } catch (e) {
    throw new Error(
      `xplus ${args.join(' ')} failed (status ${e.status}):\n${e.stdout || ''}\n${e.stderr || ''}`,
    );
  }
}

/** Starts `xplus serve` on a free port; resolves once it prints its address. */
function serve(db) {
  return new Promise((resolve, reject) => {
    const child = spawn(XPLUS_BIN, ['--db', db, 'serve', '--addr', '127.0.0.1:0'], {
      env: ENV,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`xplus serve printed no address within 30 s:\n${out}\n${err}`));
    }, 30_000);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) {
        clearTimeout(timer);
        resolve({ child, baseURL: `http://127.0.0.1:${m[1]}`, log: () => out + err });
      }
    });
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`xplus serve exited (${code ?? signal}) before listening:\n${out}\n${err}`));
    });
  });
}

/**
 * Everything one test file needs: call in `before`, and `stop()` in `after`.
 * Returns { baseURL, browser, db, tmp, signIn(context, name), stop() }.
 */
async function startApp() {
  if (!fs.existsSync(XPLUS_BIN)) {
    throw new Error(`no xplus binary at ${XPLUS_BIN}: run \`cargo build -p xplus-cli\` or set XPLUS_BIN`);
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xplus-e2e-'));
  const db = `sqlite://${path.join(tmp, 'e2e.db')}`;
  const bundle = path.join(tmp, 'bundle');
  fs.mkdirSync(bundle);
  for (const [name, text] of Object.entries(BUNDLE)) {
    fs.writeFileSync(path.join(bundle, name), text, 'utf8');
  }
  xplus(db, ['import', bundle]);
  for (const [name, args] of ACCOUNTS) {
    xplus(db, ['user', 'add', name, ...args], `${PASSWORD}\n`);
  }
  const server = await serve(db);
  let browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  } catch (e) {
    server.child.kill('SIGTERM');
    throw e;
  }
  const app = {
    tmp,
    db,
    baseURL: server.baseURL,
    browser,
    serverLog: server.log,
    /** A new browser context (own cookies) with the locale the app expects. */
    async newContext() {
      return browser.newContext({ baseURL: server.baseURL, locale: 'zh-CN' });
    },
    /** The same on a 390 × 844 touch phone, as field staff use the app. */
    async newPhoneContext() {
      return browser.newContext({
        baseURL: server.baseURL,
        locale: 'zh-CN',
        viewport: { width: 390, height: 844 },
        isMobile: true,
        hasTouch: true,
      });
    },
    /** Signs `name` in through the login form of `page`; resolves on the page after the redirect. */
    async signIn(page, name, next = '/') {
      await page.goto(`/login?next=${encodeURIComponent(next)}`);
      await page.locator('input[name="name"]').fill(name);
      await page.locator('input[name="password"]').fill(PASSWORD);
      await Promise.all([
        page.waitForURL((url) => url.pathname !== '/login'),
        page.getByRole('button', { name: '登录' }).click(),
      ]);
    },
    async stop() {
      if (browser) await browser.close().catch(() => {});
      if (server.child.exitCode === null) {
        const exited = new Promise((r) => server.child.once('exit', r));
        server.child.kill('SIGTERM');
        const t = setTimeout(() => server.child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(t);
      }
      if (!process.env.E2E_KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
  return app;
}

function outputPath(name) {
  fs.mkdirSync(OUTPUT_DIR, { recursive: true });
  return path.join(OUTPUT_DIR, name);
}

module.exports = { startApp, idNumber, ID, PASSWORD, outputPath, XPLUS_BIN, CHROMIUM };

/** The rows of the household page's #history table, each as an array of cell texts. */
async function historyRows(page) {
  return page.locator('#history tbody tr').evaluateAll((rows) =>
    rows.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())),
  );
}

/** The value shown beside `label` in the household page's facts block. */
async function fact(page, label) {
  return page.locator('.facts > div').evaluateAll(
    (divs, label) => {
      const div = divs.find((d) => d.querySelector('span')?.textContent.trim() === label);
      if (!div) return null;
      return div.textContent.slice(div.querySelector('span').textContent.length).trim();
    },
    label,
  );
}

module.exports.historyRows = historyRows;
module.exports.fact = fact;
