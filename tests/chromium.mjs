// Headless Chromium for the tests that open pages (tests/report_browser_test.ts,
// tests/hosts/browser.mjs): Debian's chromium package (.ci/run installs it), driven by
// playwright-core's launchPersistentContext with a fresh profile directory.

import process from "node:process";

/** The browser: Debian's chromium, or the one CHROMIUM_PATH names. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Its flags: headless, no sandbox or GPU, and no network service of its own (updates, sync, QUIC). */
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
