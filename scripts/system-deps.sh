#!/usr/bin/env bash
# Installs the Debian packages eduboard needs when they are missing:
# gettext (compiles translations), chromium (real-browser tests), fonts for pages and documents,
# Pango (WeasyPrint draws PDF text with it); in CI (CI=true) also LibreOffice's Writer and Calc, without their
# desktop, for the test that opens the report's DOCX and XLSX, and poppler-utils for the PDF checks with pdfinfo
# (tests/reports/test_document_access.py skips them where they are missing, so a newcomer's `make setup` does
# not pay for them); in CI and for `make cluster` (CLUSTER=1) the cluster's parts: PgBouncer, nginx, Redis and
# PostgreSQL's server.
set -euo pipefail
missing=()
if [ "${CI:-}" = "true" ] && ! command -v soffice >/dev/null 2>&1; then
  missing+=(libreoffice-writer-nogui libreoffice-calc-nogui)
fi
if [ "${CI:-}" = "true" ] && ! command -v pdfinfo >/dev/null 2>&1; then
  missing+=(poppler-utils)
fi
# The cluster's parts (`make cluster`, tests/deploy/test_cluster.py in CI's PostgreSQL pass).
if [ "${CI:-}" = "true" ] || [ "${CLUSTER:-}" = "1" ]; then
  command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ] || missing+=(pgbouncer)
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
fi
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so.0" || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing Debian packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "Cannot install ${missing[*]}: run as root or install them with apt-get." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
