#!/usr/bin/env bash
# `npm test`: the whole suite, in the order that fails fastest. Unit and integration tests start
# their own embedded PostgreSQL; the end-to-end tests build the app and run the real demo in
# Debian's Chromium (/usr/bin/chromium). promtool and prometheus come from Debian's package
# "prometheus" (alert rule tests, the metrics lint and the real scrape test).
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

step() { printf '\n\033[1m== %s\033[0m\n' "$1"; }

step "type-check"
npx tsc --noEmit
step "lint and format"
npx eslint .
npx prettier --check .
step "Prometheus alert rules (promtool check rules, promtool test rules)"
promtool check rules deploy/prometheus/alerts.yml
(cd deploy/prometheus && promtool test rules alerts.test.yml)
step "unit and integration tests (Vitest, embedded PostgreSQL)"
npx vitest run
step "production build"
npx next build
step "end-to-end tests (Playwright, Chromium)"
npx playwright test
