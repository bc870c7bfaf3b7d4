# -*- coding: utf-8 -*-
"""What an untranslated message looks like on a page in locale ``id``.

:func:`english_messages` reads the messages of CKAN's ``ckan.pot`` (with
ckanext-activity), ckanext-scheming's templates and code (it ships no
template), ckanext-dcat's ``.pot`` and the extension's own
``ckanext-satudata.pot`` and sources, and the Indonesian catalogues the portal loads
(CKAN's and the extension's). A message whose Indonesian is the same as the
English ("Dataset", "Email", "CKAN") is left out: seeing it is no finding.

:func:`findings` matches the visible texts of a page (text nodes, button
values, placeholders, titles, aria-labels, alt texts) against them: a text
that *is* one of those messages (messages with placeholders match with any
value in place) is English where Indonesian was expected.
"""
from __future__ import annotations

import dataclasses
import functools
import re
from pathlib import Path
from typing import Iterable, Iterator

from babel.messages.pofile import read_po

import ckan
import ckanext.dcat
import ckanext.scheming

EXTENSION_I18N = Path(__file__).resolve().parents[2] / "i18n"
CKAN_I18N = Path(ckan.__file__).parent / "i18n"

#: the visible texts of the page: text nodes outside script/style/template,
#: and the attributes a user reads or hears
PAGE_TEXTS_JS = """
() => {
  const out = [];
  const skip = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'CODE', 'PRE']);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const parent = node.parentElement;
    if (!parent || skip.has(parent.tagName) || parent.closest('script,style,template,[hidden]')) continue;
    const text = node.textContent.replace(/\\s+/g, ' ').trim();
    if (text) out.push(['text', text]);
  }
  for (const el of document.querySelectorAll(
      'input[type=submit][value], input[type=button][value], [placeholder], [title], [aria-label], img[alt]')) {
    for (const attr of ['value', 'placeholder', 'title', 'aria-label', 'alt']) {
      if (attr === 'value' && el.tagName !== 'INPUT') continue;
      const v = (el.getAttribute(attr) || '').replace(/\\s+/g, ' ').trim();
      if (v) out.push([attr, v]);
    }
  }
  if (document.title) out.push(['title', document.title.trim()]);
  return out;
}
"""

_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


@dataclasses.dataclass(frozen=True)
class Finding:
    url: str
    kind: str
    text: str

    def __str__(self) -> str:
        return f"{self.url}  [{self.kind}] {self.text!r}"


def _pot_ids(path: Path) -> set[str]:
    with open(path, "rb") as f:
        catalog = read_po(f)
    return {m.id[0] if isinstance(m.id, tuple) else m.id for m in catalog if m.id}


def _source_ids(root: Path) -> set[str]:
    """``_('…')`` in the templates and code under ``root`` (ckanext-scheming
    ships no template; the extension's newest messages may not be in its
    template yet)."""
    ids: set[str] = set()
    call = re.compile(r"""\b_\(\s*(['"])((?:\\.|(?!\1).)+)\1\s*[,)]""")
    for path in list(root.rglob("*.html")) + list(root.rglob("*.py")):
        if "tests" in path.parts:
            continue
        for m in call.finditer(path.read_text(errors="replace")):
            ids.add(m.group(2).replace("\\'", "'").replace('\\"', '"'))
    return ids


def _translations(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    with open(path, "rb") as f:
        catalog = read_po(f)
    out = {}
    for m in catalog:
        if not m.id or not m.string:
            continue
        msgid = m.id[0] if isinstance(m.id, tuple) else m.id
        msgstr = m.string[0] if isinstance(m.string, tuple) else m.string
        if msgstr:
            out[msgid] = msgstr
    return out


@functools.lru_cache(maxsize=1)
def english_messages() -> tuple[frozenset[str], tuple[re.Pattern, ...]]:
    """The English messages that must not be seen in locale ``id``: exact
    texts, and patterns for the messages with placeholders."""
    ids = set()
    ids |= _pot_ids(CKAN_I18N / "ckan.pot")
    ids |= _pot_ids(Path(ckanext.dcat.__path__[0]) / "i18n" / "ckanext-dcat.pot")
    ids |= _pot_ids(EXTENSION_I18N / "ckanext-satudata.pot")
    ids |= _source_ids(Path(ckanext.scheming.__path__[0]))
    ids |= _source_ids(EXTENSION_I18N.parent)
    own = _translations(EXTENSION_I18N / "id" / "LC_MESSAGES" / "ckanext-satudata.po")
    core = _translations(CKAN_I18N / "id" / "LC_MESSAGES" / "ckan.po")
    effective = {**core, **own}  # the extension's catalogue wins
    exact, patterns = set(), []
    for msgid in ids:
        text = " ".join(msgid.split())
        if effective.get(msgid, "").strip() == msgid.strip():
            continue  # the same in Indonesian
        if not re.search(r"[a-z]", text) or len(text) < 3:
            continue  # acronyms, numbers, punctuation
        if _PLACEHOLDER.search(text):
            literal = _PLACEHOLDER.sub("", text)
            if len(re.findall(r"[A-Za-z]", literal)) < 8:
                continue  # too little English to tell
            parts = [re.escape(p) for p in _PLACEHOLDER.split(text)]
            patterns.append(re.compile("^" + "(?:.+?)".join(parts) + "$", re.S))
        else:
            exact.add(text)
    return frozenset(exact), tuple(patterns)


def findings(url: str, texts: Iterable[tuple[str, str]]) -> Iterator[Finding]:
    exact, patterns = english_messages()
    seen = set()
    for kind, text in texts:
        if (kind, text) in seen:
            continue
        seen.add((kind, text))
        candidates = {text, text.rstrip(":").strip(), text.rstrip("*").strip()}
        if candidates & exact or any(p.match(text) for p in patterns):
            yield Finding(url, kind, text)
