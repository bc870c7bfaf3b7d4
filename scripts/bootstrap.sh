#!/usr/bin/env bash
# Installs what is missing for ckanext-satudata on a Debian machine: system
# packages, the Python virtualenv with CKAN and this extension, the Maven
# build of the loopback Solr and the npm tools of the browser tests (axe-core;
# the tests drive Debian's chromium with Playwright). Reuses whatever is
# already there.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

APT_PACKAGES=(
  postgresql postgresql-contrib libpq-dev gcc
  redis-server
  openjdk-17-jdk-headless maven
  gettext curl
  # WeasyPrint (publication PDFs) and its fonts
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
  # the browser tests (ckanext/satudata/tests/browser): Playwright drives
  # Debian's chromium (Playwright's own browser download is not used)
  chromium fonts-liberation nodejs
)
# npm comes with some Node.js builds (NodeSource) and is a separate Debian
# package otherwise
command -v npm >/dev/null 2>&1 || APT_PACKAGES+=(npm)

install_apt() {
  local missing=() p
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    log "installing Debian packages: ${missing[*]}"
    local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

install_python() {
  if [ ! -x "$VENV/bin/python" ]; then
    log "creating virtualenv $VENV"
    "$PY" -m venv "$VENV"
  fi
  local want have
  want=$(cat "$ROOT/requirements.txt" "$ROOT/dev-requirements.txt" "$ROOT/pyproject.toml" | sha256sum | cut -d' ' -f1)
  have=$(cat "$VENV/.satudata-installed" 2>/dev/null || true)
  if [ "$want" != "$have" ]; then
    log "installing CKAN 2.11.6, ckanext-scheming, ckanext-dcat and ckanext-satudata into $VENV"
    mkdir -p "$LOGS"
    {
      "$VENV/bin/pip" install --disable-pip-version-check -U pip wheel "setuptools>=64,<80" &&
      "$VENV/bin/pip" install --disable-pip-version-check -r "$ROOT/dev-requirements.txt" &&
      "$VENV/bin/pip" install --disable-pip-version-check --no-deps -e "$ROOT"
    } >"$LOGS/pip.log" 2>&1 || { tail -n 30 "$LOGS/pip.log" >&2; die "pip install failed (see $LOGS/pip.log)"; }
    echo "$want" > "$VENV/.satudata-installed"
  fi
}

build_solr() {
  local lib="$ROOT/solr/target/lib" jar="$ROOT/solr/target/satudata-solr-1.0.0.jar"
  if [ ! -f "$jar" ] || [ ! -d "$lib" ] || [ "$ROOT/solr/pom.xml" -nt "$jar" ] \
     || [ -n "$(find "$ROOT/solr/src" -newer "$jar" -type f 2>/dev/null)" ]; then
    log "building the loopback Solr (Maven Central: org.apache.solr:solr-test-framework)"
    (cd "$ROOT/solr" && mvn -q -B -DskipTests package) || die "Maven build of solr/ failed"
  fi
}

compile_translations() {
  local po
  for po in "$ROOT"/ckanext/satudata/i18n/*/LC_MESSAGES/ckanext-satudata.po; do
    [ -f "$po" ] || continue
    local mo="${po%.po}.mo"
    if [ ! -f "$mo" ] || [ "$po" -nt "$mo" ]; then
      msgfmt -o "$mo" "$po" || die "msgfmt failed on $po"
    fi
  done
}

install_npm() {
  # axe-core for the accessibility checks of the browser tests and Chart.js
  # for the chart view, pinned by package-lock.json; node_modules/ is
  # reinstalled when the lock file changes
  local stamp="$ROOT/node_modules/.package-lock.json"
  if [ ! -f "$stamp" ] || [ "$ROOT/package-lock.json" -nt "$stamp" ]; then
    log "installing the npm tools of the browser tests (npm ci)"
    mkdir -p "$LOGS"
    (cd "$ROOT" && npm ci --no-audit --no-fund) >"$LOGS/npm.log" 2>&1 \
      || { tail -n 30 "$LOGS/npm.log" >&2; die "npm ci failed (see $LOGS/npm.log)"; }
  fi
}

# Chart.js (the chart view, lib/charts.py) from node_modules into the
# extension's webassets (ckanext/satudata/assets/vendor/, not in git)
vendor_assets() {
  local src="$ROOT/node_modules/chart.js/dist/chart.umd.min.js"
  local dst="$ROOT/ckanext/satudata/assets/vendor/chart.umd.min.js"
  [ -f "$src" ] || die "npm ci did not install chart.js ($src missing)"
  if [ ! -f "$dst" ] || [ "$src" -nt "$dst" ]; then
    mkdir -p "$(dirname "$dst")" && cp "$src" "$dst"
  fi
}

install_apt
install_python
install_npm
vendor_assets
build_solr
compile_translations
