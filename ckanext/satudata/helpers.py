# -*- coding: utf-8 -*-
"""Every template helper of the portal, registered by ``tk.blanket.helpers``
(the names in ``__all__``). Each runs at most one bounded query per page,
never one per list item; the metadata helpers touch no database at all.

Sections: the walidata roles; the portal pages (dates in one format, the home
page, "waiting for me"); forms (one error summary); the metadata schema (code
labels, form choices, grouped metadata, completeness); dissemination.
"""
from __future__ import annotations

import re
from typing import Any, Callable, Optional
from urllib.parse import urlencode

from markupsafe import Markup, escape

import ckan.model as model
import ckan.plugins.toolkit as tk

from .lib import metadata, publishing, reference, release_calendar, roles, states
from .lib import charts, dates, datastore, markdown_text, review, round_report, validation
from .lib import workdays

__all__ = [
    "satudata_approval_chain", "satudata_role_label", "satudata_column_type_label",
    "satudata_row_errors", "satudata_may",
    "satudata_is_walidata_staff",
    "satudata_returned_notes",
    "render_datetime", "satudata_time_zone", "render_markdown", "markdown_extract",
    "compare_pkg_dicts", "satudata_beside_its_name",
    "datatablesview_get_language_file_path", "xloader_badge", "linked_user",
    "get_allowed_view_types",
    "satudata_waiting_for_me", "satudata_public_requests_waiting", "satudata_home_facts",
    "satudata_upcoming_releases", "satudata_error_summary", "satudata_error_labels",
    "satudata_named_filters", "satudata_datastore_page_status",
    "satudata_visibility_editable", "satudata_governed", "satudata_review_message",
    "satudata_has_data_file",
    "satudata_code_choices",
    "satudata_code_labels", "satudata_selected_codes", "satudata_flag_label",
    "satudata_metadata_groups", "satudata_form_group", "satudata_metadata_completeness",
    "satudata_saved_dataset",
    "satudata_is_walidata_organization", "satudata_recently_published",
    "satudata_staged_revision", "satudata_staged_table_change", "satudata_dissemination_facts", "satudata_resource_period",
    "satudata_next_release", "satudata_deletion_refusal",
    "satudata_bar_width", "satudata_dissemination_transition_label",
    "satudata_public_step_label", "satudata_public_event_label",
    "satudata_data_checks", "satudata_datastore_status", "satudata_table_unshown",
    "satudata_dataset_chart",
    "satudata_figure", "satudata_readable_changes", "satudata_form_version",
    "satudata_resource_form_version", "satudata_time_zone_id",
    "satudata_working_request", "satudata_core_markup", "satudata_walidata_contact",
    "satudata_site_intro", "satudata_site_about", "satudata_reports_waiting", "satudata_view_title",
    "satudata_nav_without", "satudata_pending_invitations", "satudata_member_draft",
    "satudata_without_remember",
    "satudata_with_values", "satudata_report_html", "satudata_today",
    "satudata_region_within", "satudata_display_name",
]


def N_(message: str) -> str:  # noqa: N802 (gettext's "no-op" marker, read by babel)
    return message


#: CKAN's user page prints a user's state with ``_(user.state)``, a message
#: of no catalogue ("Status: active" on an Indonesian page): marked here for
#: the catalogue
CKAN_STATES = (N_("active"), N_("pending"), N_("deleted"))

#: CKAN names a form's field in its list of errors by the field's key, through
#: the catalogue ("Logo upload: …" on the settings page, "Image upload: …"
#: on a group's): marked here for it
CKAN_FIELD_LABELS = (N_("Logo upload"), N_("Image upload"))

#: CKAN's own templates write a few words in English outside its catalogue:
#: (the markup CKAN writes, the same markup with a translated message, the message)
CKAN_ENGLISH_MARKUP = (
    # the user fields of the "promote to sysadmin" and "add a group member" forms
    ('placeholder="Username"', 'placeholder="%s"', N_("Username")),
    ('placeholder="Email address"', 'placeholder="%s"', N_("Email address")),
    # the (screen reader's) label of the button closing the facets on a phone
    ('<span class="text">close</span>', '<span class="text">%s</span>', N_("Close")),
    # the (screen reader's) label of the DataStore's download formats button
    ('aria-label="list of downloadable formats"', 'aria-label="%s"',
     N_("List of downloadable formats")),
)


def satudata_core_markup(html: Any) -> Markup:
    """A block of CKAN's own markup (``super()`` in a template) with the
    words CKAN writes outside its catalogue translated."""
    text = str(html)
    for english, translated, message in CKAN_ENGLISH_MARKUP:
        if english in text:
            text = text.replace(english, translated % escape(tk._(message)))
    return Markup(text)


#: the "Remember me" checkbox of CKAN's login form, with its form group
_REMEMBER = re.compile(r'<div class="form-group\s*">\s*<div class="controls">\s*'
                       r'<label class="checkbox" for="field-remember">.*?</div>\s*</div>',
                       re.S)


def satudata_without_remember(html: Any) -> Markup:
    """CKAN's login form without its "Remember me" checkbox (a login lasts
    its browser session: views/login.py)."""
    return Markup(_REMEMBER.sub("", str(html), count=1))


def satudata_nav_without(html: Any, endpoint: str, **kw: Any) -> Markup:
    """A block of CKAN's navigation tabs (``super()``) without the tab that
    opens ``endpoint`` with ``kw``: a tab its reader would only meet a 403
    behind (an OPD's "Members" for a visitor)."""
    href = re.escape(str(escape(tk.h.url_for(endpoint, **kw))))
    return Markup(re.sub(rf'<li[^>]*>\s*<a href="{href}"[^>]*>.*?</a>\s*</li>', "",
                         str(html), flags=re.S))


def satudata_pending_invitations(group_id: str) -> list[dict[str, str]]:
    """The people invited by e-mail to an OPD or group who have not accepted
    yet (a pending account with an active membership), oldest first: CKAN's
    member list leaves them out, so an invitation seemed lost. One query."""
    rows = model.Session.query(model.User, model.Member.capacity).join(
        model.Member, model.Member.table_id == model.User.id).filter(
        model.Member.group_id == group_id, model.Member.table_name == "user",
        model.Member.state == model.State.ACTIVE,
        model.User.state == model.State.PENDING).order_by(model.User.created)
    return [{"id": user.id, "name": user.name, "email": user.email or "", "capacity": capacity}
            for user, capacity in rows]


#: the session key under which :mod:`.views.members` keeps what was typed
#: in the "add member" form
MEMBER_DRAFT_KEY = "satudata_member_draft"


def satudata_may(action: str, data_dict: Optional[dict[str, Any]] = None) -> bool:
    """CKAN's ``h.check_access``, false also for what is not found: an
    activity of a dataset purged since, in a user's stream, made the whole
    page "not found" (the portal answers an unreadable dataset so)."""
    try:
        return bool(tk.h.check_access(action, data_dict))
    except tk.ObjectNotFound:
        return False


def satudata_row_errors(field: dict[str, Any], errors: Any) -> Any:
    """``errors`` for the form of a composite field (``variables``): a
    message about the whole list (more rows than a table has columns) is
    shown at the first subfield of its first row. Scheming's form reads one
    object per row, and a message string there was an HTTP 500."""
    name = field.get("field_name")
    messages = (errors or {}).get(name) if isinstance(errors, dict) else None
    if "repeating_subfields" not in field or not isinstance(messages, list) \
            or all(isinstance(m, dict) for m in messages):
        return errors
    rows = [dict(m) for m in messages if isinstance(m, dict)] or [{}]
    first = field["repeating_subfields"][0]["field_name"]
    rows[0][first] = [*rows[0].get(first, []), *(m for m in messages if isinstance(m, str))]
    return dict(errors, **{name: rows})


def satudata_member_draft() -> dict[str, str]:
    """What was typed in the "add member" form before CKAN sent it back with
    an error (:mod:`.views.members`), read once; {} otherwise."""
    from ckan.common import session

    return session.pop(MEMBER_DRAFT_KEY, None) or {}


def satudata_with_values(html: Any, values: dict[str, str]) -> Markup:
    """A block of CKAN's form markup (``super()``) with the ``value`` of the
    inputs named in ``values`` set (CKAN writes ``value=""``); an empty
    value leaves its input as it is."""
    text = str(html)
    for name, value in values.items():
        if value:
            text = re.sub(rf'<input\b[^>]*\bname="{re.escape(name)}"[^>]*>',
                          _with_value(value), text)
    return Markup(text)


def _with_value(value: str) -> Callable[["re.Match[str]"], str]:
    """The replacement of an ``<input ...>`` tag (a match) by the same tag
    with ``value`` as its only value attribute."""
    def replace(tag: "re.Match[str]") -> str:
        markup = re.sub(r'\svalue="[^"]*"', "", tag.group(0))
        return f'{markup[:-1].rstrip("/ ")} value="{escape(value)}">'

    return replace


#: the default titles of a table's views (CKAN's DataTables view, the
#: portal's chart), which are stored in the language of whoever made them
VIEW_TITLES = ("Table", "Chart")
#: each default title in each offered language -> its message (filled once)
_VIEW_TITLE_MESSAGES: dict[str, str] = {}


def satudata_view_title(title: Optional[str]) -> str:
    """A view's title in the reader's language when it is one of the
    default titles in any offered language (a view made on the Indonesian
    portal is "Tabel", and /en showed "Tabel"); any other title as given."""
    if not title:
        return ""
    if not _VIEW_TITLE_MESSAGES:
        import flask_babel

        for locale in tk.aslist(tk.config.get("ckan.locales_offered")) or ["en"]:
            with flask_babel.force_locale(locale):
                for message in VIEW_TITLES:
                    _VIEW_TITLE_MESSAGES.setdefault(str(tk._(message)), message)
        for message in VIEW_TITLES:
            _VIEW_TITLE_MESSAGES[message] = message
    message = _VIEW_TITLE_MESSAGES.get(title)
    return tk._(message) if message else title


def satudata_approval_chain() -> list[str]:
    return roles.approval_chain()


def satudata_column_type_label(column_type: str | None) -> str:
    """A DataStore column's type in the reader's language ("Teks",
    "Numerik"), not PostgreSQL's word; an unknown type as it is."""
    labels = {
        "text": tk._("Text"), "numeric": tk._("Numeric"), "int": tk._("Whole number"),
        "int4": tk._("Whole number"), "int8": tk._("Whole number"),
        "float8": tk._("Numeric"), "timestamp": tk._("Date and time"), "date": tk._("Date"),
        "time": tk._("Time"), "bool": tk._("Yes/no"), "json": tk._("JSON"),
    }
    return labels.get(column_type or "", column_type or "")


def satudata_role_label(role: str | None) -> str:
    """A walidata role as people call it ("Kepala Dinas", not "kadis")."""
    return roles.role_label(role)


def satudata_is_walidata_staff(user_name: str | None) -> bool:
    return roles.is_walidata_staff(user_name)


def satudata_display_name(user_name: str | None) -> str:
    """An account's full name (else its user name) by its user name: CKAN's
    password reset e-mail greets by ``user_name`` ("Yth. produsen-dinkes,"),
    the portal's own e-mails by the full name."""
    user = model.User.get(user_name) if user_name else None
    return user.display_name if user is not None else (user_name or "")


# -- portal pages: dates, home page, "waiting for me" -------------------------------

@tk.chained_helper
def datatablesview_get_language_file_path(next_helper: Any, lang: str) -> str:
    """The table preview's translation with the language's own number
    symbols (:mod:`.views.preview`): the shipped Indonesian one wrote 1'000."""
    shipped = next_helper(lang)
    if not shipped:  # English: none needed
        return shipped
    name = shipped.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return tk.h.url_for("satudata_preview.language", lang=name)


#: the longest user name a link shows in full (:func:`linked_user`)
LINKED_NAME_LENGTH = 60


@tk.chained_helper
def linked_user(next_helper: Any, user: Any, maxlength: int = 0, avatar: int = 20) -> Any:
    """CKAN's link to a user's page, as text where that page is refused
    (``ckan.auth.public_user_details`` off, an anonymous reader): the
    public activity streams linked every actor to a 403. A name is cut at
    :data:`LINKED_NAME_LENGTH` characters where the caller sets no limit (a
    2,000-character full name widened the activity stream to 14,000 px)."""
    maxlength = maxlength or LINKED_NAME_LENGTH
    if tk.current_user.is_authenticated or tk.config.get("ckan.auth.public_user_details"):
        return next_helper(user, maxlength, avatar)
    user_obj = user if isinstance(user, model.User) else model.User.get(str(user))
    if user_obj is None:
        return str(user)
    name = user_obj.display_name
    if maxlength and len(name) > maxlength:
        name = name[:maxlength] + "..."
    return escape(name)


@tk.chained_helper
def get_allowed_view_types(next_helper: Any, resource: dict[str, Any],
                           package: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The view types a table may be given, named in the reader's language:
    the "New view" menu listed the table preview as "Table" (the view
    plugins' titles are untranslated texts; CKAN prints them as they are)."""
    return [(name, tk._(title), icon) for name, title, icon in next_helper(resource, package)]


@tk.chained_helper
def xloader_badge(next_helper: Any, resource: dict[str, Any]) -> Any:
    """xloader's badge of a table's loading into the DataStore ("pending",
    "error") for whoever may change the table only: a citizen read a red
    "Error" on a file the portal could not load (a publication's
    compilation), which told them nothing they could act on."""
    try:
        tk.check_access("resource_update", {"user": tk.current_user.name  # type: ignore
                                            if tk.current_user.is_authenticated else ""},
                        {"id": resource.get("id")})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return ""
    return next_helper(resource)


@tk.chained_helper
def render_datetime(next_helper: Any, datetime_: Any, date_format: Optional[str] = None,
                    with_hours: bool = False, with_seconds: bool = False) -> str:
    """CKAN's ``h.render_datetime`` in the portal's one format: ``1 Desember
    2026``, with the time ``1 Desember 2026 22.53 WIB`` (see
    :mod:`.lib.dates`), in the zone deadlines and releases are counted in
    (``satudata.timezone``: with ``ckan.display_timezone`` left at WIB, a
    release typed 09:00 on a WIT portal was shown as 07.00 WIB). An explicit
    ``date_format`` keeps CKAN's behaviour."""
    if date_format:
        return next_helper(datetime_, date_format, with_hours, with_seconds)
    try:
        locale = tk.h.lang() or tk.config.get("ckan.locale_default")
    except (RuntimeError, AttributeError, KeyError):  # outside a request
        locale = tk.config.get("ckan.locale_default")
    return dates.format_datetime(datetime_, locale, publishing.timezone(),
                                  with_hours=with_hours, with_seconds=with_seconds)


def satudata_beside_its_name(image: Any) -> Markup:
    """An image (CKAN's ``h.user_image``) shown beside the name it stands
    for, without a text of its own: the header read the account's name twice
    (axe: image-redundant-alt)."""
    return Markup(re.sub(r'\balt="[^"]*"', 'alt=""', str(image), count=1))


def satudata_time_zone() -> str:
    """The portal's time zone as people name it: WIB, WITA or WIT."""
    return publishing.to_local(publishing.utcnow()).tzname() or ""  # type: ignore[union-attr]


def satudata_time_zone_id() -> str:
    """The portal's time zone as the browser names it (``Asia/Jakarta``)."""
    return str(publishing.timezone())


@tk.chained_helper
def render_markdown(next_helper: Any, data: str, auto_link: bool = True,
                    allow_html: bool = False) -> Any:
    """CKAN's ``h.render_markdown`` on a parser and cleaner built once
    (:mod:`.lib.markdown_text`); with ``allow_html`` CKAN's own."""
    if allow_html or not data:
        return next_helper(data, auto_link, allow_html)
    rendered = markdown_text.render(data)
    if auto_link:
        rendered = tk.h.html_auto_link(rendered)
    return tk.literal(rendered)


def satudata_today() -> str:
    """Today's date in the portal's time zone (``YYYY-MM-DD``): the first
    day a date field of a step that looks ahead (a release) offers."""
    return workdays.today().isoformat()


def satudata_report_html(body: str) -> Any:
    """A round report's text as its page shows it: Markdown, each line of
    the text a line (as the book prints it)."""
    if not body:
        return ""
    return tk.literal(tk.h.html_auto_link(markdown_text.render(body, breaks=True)))


@tk.chained_helper
def markdown_extract(next_helper: Any, text: str, extract_length: int = 190) -> Any:
    """CKAN's ``h.markdown_extract`` on a parser and cleaner built once."""
    return markdown_text.extract(text, extract_length)


@tk.chained_helper
def compare_pkg_dicts(next_helper: Any, old: dict[str, Any], new: dict[str, Any],
                      old_activity_id: str) -> list[dict[str, Any]]:
    """The activity plugin's changes between two versions of a dataset (the
    history's "Changes" page), with a version without a licence named
    "No licence": CKAN's description of a licence change joins the old and
    new titles to its text and fails on a missing one (a 500). The
    portal's own record of a dataset's publication
    (``satudata_dissemination``, which its own pages show) is no change of
    the dataset: it read as a raw dictionary."""
    old, new = ({k: v for k, v in d.items() if k != publishing.DICT_KEY} for d in (old, new))
    changes = next_helper(old, new, old_activity_id)
    for change in changes:
        if change.get("type") == "license":
            for key in ("old_title", "new_title"):
                if not change.get(key):
                    change[key] = tk._("No licence")
    return changes


def satudata_waiting_for_me(limit: int = 0) -> Optional[dict[str, Any]]:
    """The data requests waiting for something the current user can do (the
    "waiting for me" queue of ``satudata_request_list``), soonest deadline
    first: ``{"count", "results"}`` with at most ``limit`` results; None
    for a user who may not see data requests. Computed once per page."""
    if not tk.current_user.is_authenticated:
        return None
    cache = tk.g.setdefault("_satudata_waiting_for_me", {})
    if limit not in cache:
        try:
            cache[limit] = tk.get_action("satudata_request_list")(
                roles.web_context(), {"actionable": True, "limit": limit, "sort": "due_date"})
        except tk.NotAuthorized:
            cache[limit] = None
    return cache[limit]


def satudata_reports_waiting() -> list[dict[str, Any]]:
    """The round reports waiting for something the current user may do:
    ``[{"round", "title", "state", "due_date"}]``, the earliest first."""
    if not tk.current_user.is_authenticated:
        return []
    # titled in the reader's language, as the report's page is (its stored
    # title is the portal's: Indonesian on an English dashboard)
    return [{"round": round_.name,
             "title": tk._("Report of %(round)s") % {"round": round_.title},
             "state": round_report.state_label(report.state),
             "due_date": report.due_date.isoformat() if report.due_date else None}
            for round_, report in round_report.waiting_for(tk.current_user.name)]


def satudata_public_requests_waiting(limit: int = 5) -> Optional[dict[str, Any]]:
    """The citizens' data requests the walidata still owes an answer, the
    soonest deadline first (``{"count", "results"}``, at most ``limit``);
    None for whoever does not answer them (all but the walidata staff)."""
    if not roles.is_walidata_staff(tk.current_user.name if tk.current_user.is_authenticated
                                   else None):
        return None
    return tk.get_action("satudata_public_request_list")(
        roles.web_context(), {"waiting": True, "limit": limit})


def waiting_for_me_counted(count: int) -> None:
    """The page listed the user's whole queue itself (``actionable`` and no
    other filter): the header's number is that count, not a second one."""
    tk.g.setdefault("_satudata_waiting_for_me", {})[0] = {"count": count, "results": []}


def _site_text(key: str, english_key: str) -> str:
    """A text a sysadmin sets for the site, in the reader's language: CKAN's
    ``key`` (one text, in the portal's language), or for English readers
    ``english_key``; "" for the portal's own."""
    default = tk.config.get("ckan.locale_default") or "id"
    if (tk.h.lang() or default) != default:
        return tk.config.get(english_key) or ""
    return tk.config.get(key) or ""


def satudata_site_about() -> str:
    """The about page's text set by a sysadmin (an English reader read the
    Indonesian text set on the settings page): :func:`_site_text`."""
    return _site_text("ckan.site_about", "satudata.site_about_en")


def satudata_site_intro() -> str:
    """The home page's introduction (an English page had the Indonesian
    one): :func:`_site_text`."""
    return _site_text("ckan.site_intro_text", "satudata.site_intro_text_en")


def satudata_home_facts(organization_limit: int = 1000) -> dict[str, Any]:
    """What the home page counts, from public data only (an anonymous
    search, so nothing private, draft or archived): the number of
    ``datasets``, of OPD publishing (``organizations``), of government
    affairs covered (``affairs``), and every OPD with its number of public
    datasets (``opd_list``). One search with facets and the list of
    organizations, a page of 25 at a time."""
    search = tk.get_action("package_search")(
        {"ignore_auth": True, "user": ""}, {  # type: ignore[arg-type]
            "q": "*:*", "rows": 0, "include_private": False,
            "facet.field": ["organization", "vocab_government_affairs"],
            "facet.limit": -1})
    facets = search.get("facets") or {}
    counts = {name: n for name, n in (facets.get("organization") or {}).items() if n}
    affairs = [name for name, n in (facets.get("vocab_government_affairs") or {}).items() if n]
    # CKAN gives at most ckan.group_and_organization_list_all_fields_max (25)
    # organizations with their fields per call, whatever the limit: the OPDs
    # after the 25th were missing, some of them publishing
    organizations: list[dict[str, Any]] = []
    while len(organizations) < organization_limit:
        page = tk.get_action("organization_list")(
            {"ignore_auth": True, "user": ""}, {  # type: ignore[arg-type]
                "all_fields": True, "sort": "title asc", "offset": len(organizations),
                "limit": organization_limit - len(organizations),
                "include_dataset_count": False, "include_extras": False,
                "include_users": False, "include_groups": False, "include_tags": False})
        organizations += page
        if not page:
            break
    opd_list = [{"name": o["name"], "title": o.get("title") or o["name"],
                 "image_url": o.get("image_display_url") or "",
                 "datasets": counts.get(o["name"], 0)} for o in organizations]
    return {"datasets": search.get("count", 0), "organizations": len(counts),
            "affairs": len(affairs), "opd_list": opd_list}


def satudata_upcoming_releases(limit: int = 5) -> list[dict[str, Any]]:
    """The next scheduled releases of the public release calendar (titles,
    OPD and time only, as the calendar shows them)."""
    try:
        return tk.get_action("satudata_release_calendar")(
            {"user": ""}, {"limit": limit})["results"]  # type: ignore[arg-type]
    except tk.NotAuthorized:
        return []


def satudata_returned_notes(package_id: str | None) -> dict | None:
    """The reason and labelled per-field notes of the latest return of the
    request of this dataset, while it is returned and the current user may
    see the request (for the edit form); None otherwise."""
    import ckan.plugins.toolkit as tk

    from .lib import review

    user = tk.current_user.name if tk.current_user.is_authenticated else None  # type: ignore
    return review.returned_for_package(package_id, user)


# -- forms: one error summary per form ----------------------------------------------

def _messages(value: Any) -> list[str]:
    """Every message of an error value: a string, a list of them, or the
    nested dicts and lists of repeating fields and resources."""
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, dict):
        return [m for v in value.values() for m in _messages(v)]
    if isinstance(value, (list, tuple)):
        return [m for v in value for m in _messages(v)]
    return []


def satudata_error_summary(errors: Any, fields: Any = ()) -> list[dict[str, str]]:
    """The errors of a form for ``satudata/snippets/error_summary.html``:
    ``[{"label", "message", "anchor"}]``, in the order of ``fields``, a
    list of ``(name, label)`` or ``(name, label, element id)`` (the id
    defaults to ``field-<name>``; None: a field without an input to link). An error of a field not in ``fields`` is
    listed by its message alone, never by its key. ``errors`` is an error
    dict (``{field: [message]}``) or a list of messages."""
    if not errors:
        return []
    if not isinstance(errors, dict):
        return [{"label": "", "message": m, "anchor": ""} for m in _messages(errors)]
    known = {f[0]: (f[1], f[2] if len(f) > 2 else f"field-{f[0]}") for f in fields}
    order = {name: i for i, name in enumerate(known)}
    summary = []
    for name, value in sorted(errors.items(), key=lambda kv: order.get(kv[0], len(order))):
        label, element = known.get(name, ("", ""))
        for message in _messages(value):
            summary.append({"label": label, "message": message,
                            "anchor": f"#{element}" if label and element else ""})
    return summary


def satudata_error_labels(errors: Any, fields: Any = ()) -> dict[str, str]:
    """CKAN's ``error_summary`` (``{label: message}``, for its own forms'
    ``form.errors``) with the fields named by their labels
    (:func:`satudata_error_summary`'s ``fields``): CKAN names them by their
    keys ("Password1: ...")."""
    labelled: dict[str, str] = {}
    for error in satudata_error_summary(errors, fields):
        key = error["label"]
        labelled[key] = f"{labelled[key]} {error['message']}" if key in labelled \
            else error["message"]
    return labelled


def satudata_named_filters(facets: dict[str, Any]) -> dict[str, Any]:
    """The search form's ``facets`` with every active filter named in the
    list of active filters, and each of its values labelled: one that is no
    facet of the page (the link "show archived data", a tag of a dataset's
    page) read "None: …", and a value no result has (a search that found
    nothing) its code ("annual", "1.02", "dinas-kesehatan")."""
    from .search import FACET_FIELDS

    fields = facets.get("fields") or {}
    titles = dict(facets.get("titles") or {})
    missing = [name for name in fields if not titles.get(name)]
    names = {"satudata_status": tk._("Status"), "tags": tk._("Tags"),
             "groups": tk._("Groups"), "license_id": tk._("Licenses"),
             "res_format": tk._("Formats")}
    titles.update({name: names.get(name, name) for name in missing})
    translated = dict(facets.get("translated_fields") or {})
    listed = facets.get("search") or {}
    lang = reference.current_language()
    for field, values in fields.items():
        shown = {item.get("name") for item in (listed.get(field) or {}).get("items") or []}
        for value in values:
            if (field, value) in translated or (value in shown and field != "satudata_status"):
                continue
            label: Optional[str] = None
            if field == "satudata_status":
                label = states.state_label(value)
                label = label[:1].upper() + label[1:]
            elif field in ("organization", "groups"):
                group = model.Group.get(value)
                label = group.display_name if group is not None and group.state == "active" \
                    else None
            elif FACET_FIELDS.get(field, (None, None))[1]:
                entry = reference.get(FACET_FIELDS[field][1], value)
                label = entry.label(lang) if entry else None
            if label:
                translated[(field, value)] = label
    return dict(facets, titles=titles, translated_fields=translated)


def satudata_visibility_editable(package_id: Optional[str] = None) -> bool:
    """Whether the dataset form's visibility select means anything for the
    current user: only a sysadmin's choice on a dataset outside the workflow
    is kept (``dissemination.lock_create``/``lock_update``); for everyone
    else, and on any dataset of a data request, the request's state decides
    and the select would be silently ignored. One query."""
    import ckan.authz as authz


    if not tk.current_user.is_authenticated:
        return False
    if not authz.is_sysadmin(tk.current_user.name):  # type: ignore[attr-defined]
        return False
    return not (package_id and publishing.governed(package_id))


def satudata_governed(package_id: Optional[str]) -> bool:
    """Whether the workflow decides what becomes of the dataset (linked to a
    data request or published through one): its form offers no Delete
    button, which would only lead to a refusal. One query."""
    return bool(package_id) and publishing.governed(package_id)


def satudata_review_message(package_id: Optional[str]) -> Optional[str]:
    """Why the dataset (an id or a name) cannot be changed now, while its
    request is reviewed or approved and waits for publication (None
    otherwise, and for the workflow itself): its pages offered "Manage",
    "Edit resource" and an editable form, refused only once saved."""
    pkg = model.Package.get(package_id) if roles.clean_id(package_id) else None
    user = tk.current_user.name if tk.current_user.is_authenticated else ""  # type: ignore
    if pkg is None or publishing.bypasses_lock({"user": user}, pkg.id):
        return None
    return publishing.review_message(pkg.id)


def satudata_has_data_file(pkg_dict: dict[str, Any]) -> bool:
    """Whether the dataset has the data file a submission needs (a CSV or
    XLSX resource, uploaded or linked: ``metadata.is_data_resource``)."""

    return not metadata.data_errors(pkg_dict)


# -- the metadata schema -----------------------------------------------------------

#: core fields the dataset page already shows elsewhere (title, notes, tags,
#: organization, license in the sidebar)
_SHOWN_ELSEWHERE = {"title", "name", "notes", "tag_string", "owner_org", "license_id"}


def satudata_code_choices(field: dict[str, Any]) -> list[dict[str, Any]]:
    """scheming ``choices_helper``: the choices of the field's ``satudata_code_list``."""
    return reference.scheming_choices(field["satudata_code_list"])


def satudata_code_labels(list_name: str, value: Any) -> list[str]:
    """Labels (reader's language) of one code or a list of codes; a
    kabupaten/kota is shown with its province."""
    codes = reference.as_code_list(_flag_code(value))
    if list_name == reference.WILAYAH:
        return [reference.wilayah_label(c) for c in codes]
    return [reference.label(list_name, c) for c in codes]


def _flag_code(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower()
    return value


def satudata_region_within() -> Optional[dict[str, str]]:
    """The region a dataset search keeps with the regions within it
    (``ext_wilayah``, a province's code page links it): its ``code``,
    ``label`` and the address of the same search without it; None."""
    from . import search

    code = search.region_code(tk.request.args.getlist(search.REGION_WITHIN))
    if code is None:
        return None
    args = [(k, v) for k, v in tk.request.args.items(multi=True)
            if k not in (search.REGION_WITHIN, "page")]
    return {"code": code, "label": reference.wilayah_label(code),
            "without": tk.h.url_for("dataset.search") + (
                "?" + urlencode(args) if args else "")}


def satudata_selected_codes(value: Any) -> list[str]:
    """The codes selected in a form field (a code, a list, a JSON list or a flag)."""
    return reference.as_code_list(_flag_code(value))


def satudata_flag_label(value: Any) -> str:
    """``Ya``/``Tidak`` (``Yes``/``No``) for a stored flag; empty when unset."""
    if value is None or value == "":
        return ""
    return reference.label("yes_no", _flag_code(value))


def satudata_metadata_groups(pkg_dict: dict[str, Any],
                             dataset_type: str | None = None) -> list[dict[str, Any]]:
    """The groups of the dataset page (standar data, indikator, variabel,
    cakupan, sumber, urusan, kontak), each with the fields that have a value;
    empty groups are left out."""
    groups = metadata.field_groups(dataset_type or pkg_dict.get("type") or "dataset")
    shown = []
    for group in groups:
        fields = [f for f in group["fields"]
                  if f["field_name"] not in _SHOWN_ELSEWHERE
                  and f.get("display_snippet", "") is not None
                  and metadata.is_filled(f, pkg_dict)]
        if fields:
            shown.append(dict(group, fields=fields))
    return shown


def satudata_form_group(field: dict[str, Any],
                        dataset_type: str = "dataset") -> dict[str, Any] | None:
    """The group a form field belongs to (for the group headings of the form)."""
    name = field.get("satudata_group")
    for group in metadata.dataset_schema(dataset_type).get("satudata_field_groups", []):
        if group["name"] == name:
            return group
    return None


def satudata_metadata_completeness(pkg_dict: dict[str, Any],
                                   level: str = "submit") -> dict[str, Any]:
    """:func:`metadata.completeness` plus the full ``checklist``."""
    result = metadata.completeness(pkg_dict, level)
    result["checklist"] = metadata.checklist(pkg_dict, level)
    return result


def satudata_saved_dataset(package_id: Optional[str]) -> Optional[dict[str, Any]]:
    """The dataset as it is saved (the edit form, shown again with errors,
    holds what was typed): for the completeness checklist, which must not
    count values that were refused. None when it cannot be read."""
    if not package_id:
        return None
    try:
        return tk.get_action("package_show")({}, {"id": package_id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return None


def satudata_walidata_contact() -> Optional[dict[str, Any]]:
    """How to reach the walidata (its organization's title, description and
    contact fields), for the about page; None when it has no organization."""
    org = roles.walidata_organization()
    if org is None:
        return None
    extras = org.extras or {}
    return {"name": org.name, "title": org.title or org.name,
            "description": org.description or "",
            **{key: extras.get(key) or "" for key in ("address", "phone", "email", "website")}}


def satudata_is_walidata_organization(name_or_id: str | None) -> bool:
    """Whether the organization is the walidata (``satudata.walidata_organization``)."""
    return bool(name_or_id) and name_or_id == tk.config.get("satudata.walidata_organization")


# -- dissemination -------------------------------------------------------------------

def satudata_recently_published(limit: int = 5) -> list[dict[str, Any]]:
    """The public datasets most recently published (one search)."""
    try:
        return tk.get_action("satudata_recently_published")({}, {"limit": limit})
    except tk.NotAuthorized:
        return []


def satudata_staged_revision(pkg_dict: dict[str, Any]) -> Optional[dict[str, Any]]:
    """The staged revision of a published (or withdrawn, private) dataset,
    if there is one and the current user may see it (its producers, the
    walidata staff); asked once per page (a table's page asks for its
    notice and for its buttons)."""
    if not tk.current_user.is_authenticated or not (
            pkg_dict.get(publishing.DICT_KEY) or pkg_dict.get("private")):
        return None
    cache = tk.g.setdefault("_satudata_staged_revision", {})
    if pkg_dict["id"] not in cache:
        try:
            cache[pkg_dict["id"]] = tk.get_action("satudata_revision_show")(
                roles.web_context(), {"id": pkg_dict["id"]})
        except (tk.NotAuthorized, tk.ObjectNotFound):
            cache[pkg_dict["id"]] = None
    return cache[pkg_dict["id"]]


def satudata_staged_table_change(revision: Optional[dict[str, Any]],
                                 res: dict[str, Any]) -> Optional[str]:
    """What the staged revision (:func:`satudata_staged_revision`) does to
    the live table ``res``: ``removed``, ``new_file``, ``changed`` or None."""
    if not revision or not isinstance(res, dict):
        return None
    return review.table_change(res, revision.get("data") or {})


def satudata_dissemination_facts(pkg_dict: dict[str, Any]) -> Optional[dict[str, Any]]:
    """The public publication facts of a dataset dictionary (no query)."""
    facts = pkg_dict.get(publishing.DICT_KEY)
    return facts if isinstance(facts, dict) else None


def satudata_resource_period(pkg_dict: dict[str, Any], res: dict[str, Any]
                             ) -> Optional[dict[str, Any]]:
    """The period a resource covers (``label``: its ``period`` field, else
    its round's title) and whether that period is ``archived``; from the
    dataset's publication facts (no query)."""
    facts = satudata_dissemination_facts(pkg_dict) or {}
    period = next((p for p in facts.get("periods") or []
                   if p.get("round_id") and p.get("round_id") == res.get(publishing.ROUND_KEY)),
                  None)
    label = res.get(publishing.PERIOD_KEY) or (period or {}).get("title")
    if not label:
        return None
    return {"label": label, "archived": bool(period and period.get("status") == "archived")}


def satudata_deletion_refusal(kind: str, id_: Optional[str]) -> Optional[str]:
    """Why the user or the organization (``kind``) ``id_`` cannot be
    deleted, or None: CKAN's delete page asked "are you sure?" and, once
    confirmed, answered "Unauthorized to delete user with id …" (or the
    OPD's reason on an error page)."""
    if not isinstance(id_, str) or not id_ or not tk.h.check_access(
            f"{kind}_delete", {"id": id_}):  # a reason only to whom may delete
        return None
    return roles.deletion_refusal(kind, id_)


def satudata_next_release(pkg_dict: dict[str, Any]) -> Optional[dict[str, Any]]:
    """The next release of a dataset shown on its page: the announced one
    (with its postponement) or the one expected from its update frequency.
    One query (two when nothing is announced)."""
    if not pkg_dict.get("id"):
        return None
    return release_calendar.next_release(pkg_dict["id"])


def satudata_bar_width(value: Optional[int], maximum: Optional[int], full: int = 100) -> float:
    """The length of a bar of the progress chart (0..``full``)."""
    if not value or not maximum:
        return 0.0
    return round(full * value / maximum, 1)


def satudata_dissemination_transition_label(name: str) -> str:
    """The translated label of a transition (button of its form)."""
    return states.transition_label(name)


def satudata_public_step_label(name: str) -> str:
    """The translated name of a step of a public data request."""
    return states.public_step_label(name)


def satudata_public_event_label(name: str, to_state: str = "") -> str:
    """What a step of a public data request did, for its history."""
    return states.public_event_label(name, to_state)


def satudata_data_checks(package_id: Optional[str]) -> Optional[dict[str, Any]]:
    """The checks of the dataset's data files (``satudata_data_check_list``,
    as the current user) for its edit pages; None when the user may not see
    them or the dataset is new. One query."""
    if not package_id:
        return None
    try:
        return tk.get_action("satudata_data_check_list")(
            {"user": tk.g.user}, {"id": package_id})  # type: ignore[typeddict-item]
    except (tk.NotAuthorized, tk.ObjectNotFound, tk.ValidationError):
        return None


def satudata_datastore_page_status(status: Any, resource_id: Optional[str] = None) -> Any:
    """xloader's DataStore page's status, a file the data check could not
    read told why in the reader's language (:func:`.lib.datastore.page_status`)."""
    return datastore.page_status(status, resource_id) if isinstance(status, dict) else status


def satudata_datastore_status(resource_id: Optional[str],
                              context: Optional[dict[str, Any]] = None
                              ) -> Optional[dict[str, Any]]:
    """xloader's loading status of a resource for its editor (as the current
    user): state, Indonesian label, error and the last lines of the log;
    None when the user may not see it. One query."""
    if not resource_id:
        return None
    return datastore.status(context or {"user": tk.g.user}, resource_id)


def satudata_table_unshown(resource_id: Optional[str]) -> Optional[str]:
    """Why the DataStore's rows of the resource are not shown: ``loading``
    (a new file waits for its load), ``failed`` (it could not be loaded);
    None when they are its file's. One query."""
    state = datastore.load_state(str(resource_id)) if resource_id else None
    if state in (None, "complete"):
        return None
    return "failed" if state == "error" else "loading"


def satudata_dataset_chart(pkg_dict: dict[str, Any]) -> Optional[dict[str, Any]]:
    """The chart of a public dataset's first chartable table of its latest
    period, as the current user reads it (``datastore_search``); None for
    unpublished data. Two queries of the DataStore per table tried."""
    return charts.dataset_chart(tk.g.user, pkg_dict, period_key=publishing.ROUND_KEY)


def satudata_form_version(package_id: Optional[str]) -> str:
    """The version of a dataset its edit form is built from (sent back on
    saving: a stale form is refused, :func:`.lib.publishing.refuse_stale_form`)."""
    package = model.Package.get(package_id) if package_id else None
    return publishing.form_version(package) if package is not None else ""


def satudata_resource_form_version(resource_id: Optional[str]) -> str:
    """The version of a table its edit form is built from (sent back on
    saving: a stale form is refused, as the dataset's)."""
    try:
        return publishing.resource_form_version(tk.g.user, resource_id) if resource_id else ""
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return ""


def satudata_figure(value: Any) -> Any:
    """A number as the page's language writes it (``1.012`` for 1012.0 on
    an Indonesian page); anything else as it is."""
    return validation.figure(value, reference.current_language())


def satudata_readable_changes(old: dict[str, Any], new: dict[str, Any],
                              old_activity_id: str,
                              dataset_type: Optional[str] = None) -> list[dict[str, Any]]:
    """CKAN's changes between two versions of a dataset
    (``compare_pkg_dicts``), in the reader's words
    (:func:`.lib.review.readable_changes`)."""
    return review.readable_changes(tk.h.compare_pkg_dicts(old, new, old_activity_id), old,
                                   new, dataset_type or metadata.DATASET_TYPE)


def satudata_working_request(pkg_dict: dict[str, Any]) -> Optional[dict[str, str]]:
    """The data request still working on a dataset (not published,
    archived or cancelled; withdrawn data's, whose revision is sent from
    it), for a user who may open it: ``{"id", "state"}`` (its label) and
    ``withdrawn``, else None. The producer who filled in the metadata or
    added a table from the request page lands on the dataset page: it
    links back to the request, where the next step is (a change of
    withdrawn data was saved as a revision without a word)."""
    if not tk.g.user or not pkg_dict.get("id"):
        return None
    pkg = model.Package.get(pkg_dict["id"])  # its id or (a table's form) its name
    if pkg is None:
        return None
    working = [r for r in publishing.package_requests(pkg.id)
               if r.state not in publishing.FINISHED or r.state == states.State.WITHDRAWN.value]
    if not working:
        return None
    request = working[-1]
    try:
        tk.check_access("satudata_request_show", {"user": tk.g.user}, {"id": request.id})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return None
    return {"id": request.id, "state": states.state_label(request.state),
            "withdrawn": request.state == states.State.WITHDRAWN.value}
