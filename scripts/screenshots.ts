// `npm run screenshots -- --base http://127.0.0.1:3000 --out docs/screenshots`: full-page PNGs
// of every page, for looking at what users see (and for the README).
import fs from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { chromium } from "@playwright/test";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./support/chromium";

const PAGES = [
  ["overview", "/"],
  ["overview-24h", "/?range=24h"],
  ["stuck", "/stuck"],
  ["keys", "/keys"],
  ["clients", "/clients"],
  ["client", "/clients/hooli-android"],
  ["trends", "/trends"],
  ["store", "/store"],
  ["audit", "/audit"],
] as const;

const { values } = parseArgs({
  options: {
    base: { type: "string", default: "http://127.0.0.1:3000" },
    out: { type: "string", default: "test-results/screenshots" },
    only: { type: "string" },
  },
});

const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await fs.mkdir(values.out, { recursive: true });
  for (const [name, url] of PAGES) {
    if (values.only && !values.only.split(",").includes(name)) continue;
    await page.goto(values.base + url, { waitUntil: "networkidle" });
    await page.waitForTimeout(800); // let charts measure and draw
    const file = path.join(values.out, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    console.log(file);
  }
} finally {
  await browser.close();
}
