#!/usr/bin/env bash
# Maintains the Indonesian catalogue of ckanext-satudata:
#   scripts/i18n.sh          extract messages, merge them into the id catalogue,
#                            compile it and report what is untranslated
#
# The template holds the extension's own messages PLUS every message of the
# installed CKAN (ckan/i18n/ckan.pot, ckanext/activity included), ckanext-scheming
# and ckanext-dcat, so the ONE catalogue per language translates all of them.
# CKAN loads the extension's catalogue after its own and after dcat's
# (ITranslation iterates plugins in reverse, and satudata comes first in
# ckan.plugins), so these translations win over CKAN's incomplete id catalogue.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
I18N=ckanext/satudata/i18n
POT="$I18N/ckanext-satudata.pot"
PO="$I18N/id/LC_MESSAGES/ckanext-satudata.po"
SITE="$("$VENV/bin/python" -c 'import ckan, os; print(os.path.dirname(os.path.dirname(ckan.__file__)))')"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

"$VENV/bin/python" setup.py -q extract_messages -o "$TMP/own.pot" >/dev/null 2>&1 \
  || die "extract_messages failed"

# scheming ships no template, and the templates of dcat, xloader and CKAN
# 2.11.6 itself are newer than their .pot files (CKAN's "Manage resource:
# {name}" is in no .pot): extract them all from their sources
cat >"$TMP/mapping.cfg" <<'EOF'
[python: **.py]
[javascript: **.js]
[ckan: **/templates/**.html]
EOF
SOURCES=(ckan ckanext/activity ckanext/datastore ckanext/datatablesview
         ckanext/xloader ckanext/scheming ckanext/dcat)
POTS=()
for src in "${SOURCES[@]}"; do
  POTS+=("$TMP/${src//\//_}.pot")
  (cd "$SITE" && "$VENV/bin/pybabel" -q extract -F "$TMP/mapping.cfg" \
     --ignore-dirs=tests --ignore-dirs=node_modules --ignore-dirs=migration \
     -k translate -k isPlural -o "${POTS[-1]}" "$src") \
    || die "extracting the messages of $src failed"
done

# own messages first; a message shared with CKAN keeps both sets of
# locations (CKAN's build_js_translations looks for *.js among them)
msgcat -o "$TMP/all.pot" "$TMP/own.pot" "$SITE/ckan/i18n/ckan.pot" "${POTS[@]}" \
  "$SITE/ckanext/dcat/i18n/ckanext-dcat.pot"
# ... under the extension's own header (msgcat joins the five headers)
{ sed '/^$/q' "$TMP/own.pot"; sed '1,/^$/d' "$TMP/all.pot"; } >"$POT"

mkdir -p "$(dirname "$PO")"
if [ ! -f "$PO" ]; then
  "$VENV/bin/python" setup.py -q init_catalog -l id >/dev/null 2>&1 || die "init_catalog failed"
fi
# one catalogue per language: translate new messages in $PO itself
msgmerge -q --no-fuzzy-matching --backup=none -U "$PO" "$POT"
msgattrib --no-obsolete -o "$PO" "$PO"
msgfmt --check --statistics -o "${PO%.po}.mo" "$PO"
msgattrib --untranslated --no-obsolete --no-wrap "$PO" | grep "^msgid " | grep -v "^msgid \"\"$" || true
