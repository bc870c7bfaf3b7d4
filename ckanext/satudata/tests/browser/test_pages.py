# -*- coding: utf-8 -*-
"""The key pages in Chromium: accessibility (axe-core) and phone width.

* axe-core (``node_modules/axe-core``, installed by ``scripts/bootstrap.sh``
  with ``npm ci``) runs on the home, search, dataset, request and edit
  pages: no violation of impact "serious" or "critical".
* Each key page is rendered at 1366 px and 390 px; at 390 px no page is
  wider than the viewport. The screenshots go to a temporary directory, or
  to ``SATUDATA_SCREENSHOTS_DIR`` (``tests/browser/take_screenshots.sh``
  writes docs/screenshots/ with it).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from .conftest import AXE, World

pytestmark = pytest.mark.slow

WIDTHS = (1366, 390)
MAX_SCREENSHOT_HEIGHT = 2400  # px: the top of long pages is what a reader sees first
SERIOUS = ("serious", "critical")


def key_pages(world: World) -> list[tuple[str, str, str]]:
    """``(name, user, path)`` of the key pages."""
    requests, datasets = world.requests, world.datasets
    return [
        ("home", "anonymous", "/"),
        ("dataset-search", "anonymous", "/dataset/"),
        ("dataset", "anonymous", f"/dataset/{datasets['published']['name']}"),
        ("table", "anonymous", f"/dataset/{datasets['published']['name']}/resource/"
                               f"{datasets['published']['resources'][0]['id']}"),
        ("request-list", "admin-walidata", "/permintaan-data/?mine=0"),
        ("request-producer", "produsen-a", f"/permintaan-data/{requests['returned']['id']}"),
        ("request-verifier", "verifikator", f"/permintaan-data/{requests['review']['id']}"),
        ("edit-form", "produsen-a", f"/dataset/edit/{datasets['returned']['name']}"),
        ("release-calendar", "anonymous", "/jadwal-rilis"),
        ("progress", "anonymous", "/progres-data"),
    ]


#: the pages axe-core checks (names of key_pages)
AXE_PAGES = ("home", "dataset-search", "dataset", "request-producer", "request-verifier",
             "edit-form")


#: (page, axe rule) found and not fixed yet: the test xfails while they
#: remain (listing them) and fails on any other; remove an entry once fixed
#: (page, rule) pairs known to fail, each with the reason; none today (the
#: select2 "×" links get their names from assets/select2-labels.js)
KNOWN_VIOLATIONS: set[tuple[str, str]] = set()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """The serious and critical violations axe-core finds on the page."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v.get("impact") in SERIOUS]


def describe(name: str, violation: dict[str, Any]) -> str:
    nodes = "; ".join(" ".join(map(str, n["target"])) + " " + " ".join(n["html"].split())[:120]
                      for n in violation["nodes"][:3])
    return (f"{name}: {violation['id']} ({violation['impact']}, {len(violation['nodes'])}x) "
            f"{violation['help']} — {nodes}")


def test_no_serious_accessibility_violation(world, open_as):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: scripts/bootstrap.sh installs it with npm ci")
    pages = {name: (user, path) for name, user, path in key_pages(world)}
    problems = []
    for name in AXE_PAGES:
        user, path = pages[name]
        page = open_as(user)
        assert page.goto(world.url + path).status == 200, path
        problems += [(name, v["id"], describe(name, v)) for v in axe_violations(page)]
    new = [text for name, rule, text in problems if (name, rule) not in KNOWN_VIOLATIONS]
    assert not new, "axe-core: serious or critical violations:\n" + "\n".join(new)
    if problems:
        pytest.xfail("known axe-core violations, not fixed yet:\n"
                     + "\n".join(text for _, _, text in problems))


def test_key_pages_fit_a_phone_and_screenshots(world, open_as, tmp_path):
    out = Path(os.environ.get("SATUDATA_SCREENSHOTS_DIR") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    too_wide = []
    for width in WIDTHS:
        pages: dict[str, Any] = {}
        for name, user, path in key_pages(world):
            page = pages.get(user) or pages.setdefault(
                user, open_as(user, width=width, height=900 if width > 500 else 844))
            assert page.goto(world.url + path).status == 200, path
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if width < 500 and scroll_width > width:
                too_wide.append(f"{name} ({path}): {scroll_width} px")
            if width < 500 and name == "table":
                # the download and API buttons above the heading, not squeezing
                # it into "Fa/sili/tas"
                heading = page.eval_on_selector("h1.page-heading",
                                                "e => e.getBoundingClientRect().width")
                if heading < width * 0.75:
                    too_wide.append(f"table heading squeezed to {heading} px")
            if width < 500 and name in ("dataset", "table"):
                # the page (a table's title, download, preview; a dataset's
                # heading and notices) before the side column: CKAN stacks the
                # side column first on a phone (an archived dataset's banner
                # came last, above the footer)
                top = page.eval_on_selector("[role=main] h1, h1.page-heading",
                                            "e => e.getBoundingClientRect().top")
                side = page.eval_on_selector("aside.secondary",
                                             "e => e.getBoundingClientRect().top")
                if top > side:
                    too_wide.append(f"{name} heading at {top} px, below the side column")
            if width < 500 and name == "progress" and page.locator(
                    ".satudata-progress-chart text").count():
                # the chart readable (shrunk to the screen, its names were 5 px)
                text = page.eval_on_selector(".satudata-progress-chart text",
                                             "e => e.getBoundingClientRect().height")
                if text < 9:
                    too_wide.append(f"progress chart text {text:.1f} px high")
            if width < 500 and name == "dataset-search":
                # the search box first: the archive's filter (the side column's)
                # stood between the breadcrumb and it
                shown = page.locator(".satudata-archive-filter:visible")
                box = page.eval_on_selector("#field-giant-search",
                                            "e => e.getBoundingClientRect().top")
                if shown.count() != 1 or shown.bounding_box()["y"] < box:
                    too_wide.append("the archive's filter above the search box")
            height = min(page.evaluate("document.documentElement.scrollHeight"),
                         MAX_SCREENSHOT_HEIGHT)
            page.screenshot(path=str(out / f"{name}-{width}.png"), full_page=True,
                            clip={"x": 0, "y": 0, "width": width, "height": height})
    assert not too_wide, "not fit for a 390 px phone:\n" + "\n".join(too_wide)


def test_a_refused_form_leads_to_what_is_wrong(world, open_as):
    """A form shown again with its errors left the focus on the page: a
    screen reader heard nothing of them, and no field was marked invalid nor
    tied to its message (assets/form-errors.js)."""
    page = open_as("produsen-a")
    page.goto(f"{world.url}/dataset/edit/{world.datasets['returned']['name']}")
    page.fill("#field-producer_contact_email", "bukan-email")
    with page.expect_navigation():
        page.locator("form#dataset-edit button[name=save]").click()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    field = page.locator("#field-producer_contact_email")
    assert field.get_attribute("aria-invalid") == "true"
    described = field.get_attribute("aria-describedby")
    assert described and "bukan alamat email" in page.locator(
        f"#{described.split()[-1]}").inner_text()


def test_enter_in_a_field_of_the_dataset_form_saves_it(world, open_as):
    """Enter pressed in a text field "clicked" the URL preview's Edit button
    (the form's first, of no type): nothing was saved, and the hidden URL
    field opened at the top of the form."""
    page = open_as("produsen-a")
    page.goto(f"{world.url}/dataset/edit/{world.datasets['returned']['name']}")
    assert page.locator(".slug-preview button").get_attribute("type") == "button"
    page.fill("#field-producer_contact_email", "bukan-email")
    with page.expect_navigation():
        page.locator("#field-producer_contact_email").press("Enter")
    # the form was sent: its answer names the refused e-mail address
    assert "bukan alamat email" in page.locator("#error-summary").inner_text()


def test_a_tables_delete_confirmation_fits_a_phone(world, open_as):
    """CKAN's confirmation page put its row, with no container, as the page:
    12 px wider than a 390 px screen."""
    page = open_as("produsen-a", width=390)
    dataset = world.datasets["returned"]
    page.goto(f"{world.url}/dataset/{dataset['name']}/resource/"
              f"{dataset['resources'][0]['id']}/delete")
    assert page.locator("#confirm-resource-delete-form").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_checkbox_label_ends_without_a_colon(world, open_as):
    """CKAN's style sheet puts ":" after every label: the confirmations
    read "Ya, kirim permintaan ke OPD sekarang:"."""
    page = open_as("admin-walidata")
    page.goto(f"{world.url}/permintaan-data/?mine=0")
    after = page.evaluate("""() => [...document.querySelectorAll('label.form-check-label')]
        .map(l => getComputedStyle(l, '::after').content)""")
    assert after and all(content in ("none", "normal", '""') for content in after), after


def test_the_pickers_speak_the_pages_language_to_screen_readers(world, open_as):
    """select2 announced its results in English on the Indonesian pages
    ("One result is available, press enter to select it."): its bundled
    "id" locale is Malay, and none was loaded."""
    page = open_as("produsen-a")
    said = "() => jQuery.fn.select2.defaults.formatMatches(3)"
    for prefix, words in (("", "3 hasil tersedia"), ("/en", "3 results are available")):
        path = f"{prefix}/dataset/edit/{world.datasets['returned']['name']}"
        assert page.goto(world.url + path).status == 200, path
        assert words in page.evaluate(said), (prefix, page.evaluate(said))


def _name_of(page: Any, selector: str) -> str:
    """The text of the elements ``selector``'s aria-labelledby names."""
    return page.evaluate("""(selector) => {
        const element = document.querySelector(selector);
        return (element.getAttribute('aria-labelledby') || '').split(/\\s+/)
            .map(id => document.getElementById(id)).filter(Boolean)
            .map(e => e.textContent.trim()).join(' ');
    }""", selector)


def test_a_picker_a_dialog_and_the_table_preview_are_usable_by_keyboard(world, open_as,
                                                                       run_jobs, smtp):
    """A picker of one value announced only its value, not its field; the
    confirmation dialog had no name, left the focus behind it and gave it
    back to the page's top; the table preview's Tab went through hidden
    copies of its filters and an unnamed box."""
    page = open_as("produsen-a")
    assert page.goto(world.url + f"/dataset/edit/{world.datasets['returned']['name']}").status \
        == 200
    page.wait_for_selector("#s2id_field-license_id input.select2-focusser")
    assert "Lisensi" in _name_of(page, "#s2id_field-license_id input.select2-focusser")
    assert page.title().startswith("Ubah - "), page.title()
    assert page.locator("h1").count() >= 1
    # the reviewer's note below its field is read with the field
    assert "note-notes" in (page.get_attribute("#field-notes", "aria-describedby") or "")
    # a table's file: the box of the uploaded one is named; a file chosen by
    # keyboard keeps the focus on the form (it went to the page's top)
    returned = world.datasets["returned"]
    page.goto(world.url + f"/dataset/{returned['name']}/resource/"
                          f"{returned['resources'][0]['id']}/edit")
    assert page.get_attribute(".resource-upload-field input[readonly]", "aria-label")
    page.goto(world.url + f"/dataset/{returned['name']}/resource/new")
    # (as the "Upload" button's click does, the file chosen in the dialog it opens)
    page.evaluate("""() => {
        document.getElementById('resource-upload-button').focus();
        document.getElementById('resource-url-upload').checked = true; }""")
    page.locator("#field-resource-upload").set_input_files(files=[{
        "name": "tabel.csv", "mimeType": "text/csv", "buffer": b"tahun,jumlah\n2025,1\n"}])
    page.wait_for_function("document.activeElement.id === 'field-resource-upload'")

    draft = world.region.call("walidata_admin", "satudata_round_create", name="dialog-uji",
                              title="Dialog uji", year=2099, start_date="2099-01-05")
    try:
        page = open_as("admin-walidata")
        page.goto(world.url + "/permintaan-data/putaran/dialog-uji")
        opener = page.locator("[data-module=confirm-action]").first
        opener.focus()
        page.keyboard.press("Enter")
        page.wait_for_selector(".modal.show")
        page.wait_for_function("document.activeElement.closest('.modal') !== null")
        assert _name_of(page, ".modal.show"), "the dialog has no name"
        assert page.evaluate("document.activeElement.classList.contains('btn-cancel')")
        page.keyboard.press("Escape")
        page.wait_for_selector(".modal.show", state="detached")
        page.wait_for_function(
            "document.activeElement.getAttribute('data-module') === 'confirm-action'")
    finally:
        world.region.call("walidata_admin", "satudata_round_delete", id=draft["id"])

    run_jobs()  # the published table's load, as the jobs worker runs it
    page = open_as("anonymous")
    published = world.datasets["published"]
    page.goto(world.url + f"/dataset/{published['name']}/resource/"
                          f"{published['resources'][0]['id']}")
    page.wait_for_selector("iframe[data-module=data-viewer]")
    frame = page.frame_locator("iframe[data-module=data-viewer]").first
    frame.locator("table#dtprv thead input.fhead").first.wait_for(timeout=15_000)
    frame = next(f for f in page.frames if "dtprv" in (f.content() if f.url != "about:blank"
                                                         else ""))
    hidden_stops = frame.evaluate("""() => [...document.querySelectorAll(
        '.dataTables_sizing input, .dataTables_sizing button, input[tabindex="0"]')]
        .filter(e => e.tabIndex >= 0 && (e.closest('.dataTables_sizing')
                 || e.parentElement.getBoundingClientRect().height <= 1)).length""")
    assert hidden_stops == 0


def test_the_filters_on_a_phone_are_a_dialog_a_keyboard_can_use(world, open_as):
    """The search filters open over the page on a phone: their close button
    was announced as "button" only, Tab walked through the results hidden
    behind them, Escape did nothing and closing left the focus nowhere."""
    page = open_as("anonymous", width=390, height=844)
    page.goto(world.url + "/dataset/")
    page.focus(".show-filters")
    page.keyboard.press("Enter")
    panel = page.locator(".secondary .filters")
    panel.and_(page.locator("[role=dialog]")).wait_for()
    assert page.evaluate("document.body.classList.contains('filters-modal')")
    assert (panel.get_attribute("role"), panel.get_attribute("aria-modal"),
            panel.get_attribute("aria-label")) == ("dialog", "true", "Saring Hasil")
    assert page.locator(".hide-filters").get_attribute("aria-label") == "Tutup"
    closer = page.locator(".hide-filters").bounding_box()
    assert closer["width"] >= 44 and closer["height"] >= 44, closer  # a finger's size
    inside = "() => document.querySelector('.secondary .filters').contains(document.activeElement)"
    assert page.evaluate(inside), "the focus stayed behind the filters"
    stops = set()
    for key in ["Tab"] * 25 + ["Shift+Tab"] * 5:
        page.keyboard.press(key)
        assert page.evaluate(inside), f"{key} left the filters"
        stops.add(page.evaluate("document.activeElement.outerHTML.slice(0, 80)"))
    assert len(stops) > 2  # the facets' links and the close button
    page.keyboard.press("Escape")
    assert not page.evaluate("document.body.classList.contains('filters-modal')")
    assert page.evaluate("document.activeElement.classList.contains('show-filters')")
    assert page.locator(".show-filters").get_attribute("aria-expanded") == "false"
