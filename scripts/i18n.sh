#!/usr/bin/env bash
# Maintains the Indonesian catalogue of ckanext-satudata:
#   scripts/i18n.sh          extract messages, merge them into the id catalogue,
#                            compile it and report what is untranslated
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
I18N=ckanext/satudata/i18n
POT="$I18N/ckanext-satudata.pot"
PO="$I18N/id/LC_MESSAGES/ckanext-satudata.po"

"$VENV/bin/python" setup.py -q extract_messages >/dev/null 2>&1 || die "extract_messages failed"
mkdir -p "$(dirname "$PO")"
if [ ! -f "$PO" ]; then
  "$VENV/bin/python" setup.py -q init_catalog -l id >/dev/null 2>&1 || die "init_catalog failed"
fi
# one catalogue per language: translate new messages in $PO itself
msgmerge -q --no-fuzzy-matching --backup=none -U "$PO" "$POT"
msgattrib --no-obsolete -o "$PO" "$PO"
msgfmt --statistics -o "${PO%.po}.mo" "$PO"
msgattrib --untranslated --no-obsolete --no-wrap "$PO" | grep "^msgid " | grep -v "^msgid \"\"$" || true
