# -*- coding: utf-8 -*-
"""The walidata roles in one place: the configured approval chain, the
walidata's organisation of work (which roles keep the Daftar Data, send
rounds, publish and archive: ``satudata.roles.<duty>``) and who holds which
role. Auth functions ask here; nothing else decides roles."""
from __future__ import annotations

import datetime
from typing import Any, Callable, Iterable, Optional

import sqlalchemy as sa

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk

from ..model import CollectionRound, DataRequest, RequestEvent, WalidataRole, WalidataRoleEvent
from .states import (
    ACTION_OF, DATASET_WRITES, FOUR_EYES, HANDS, PAST_REVIEW, PREPARATIONS, STEPS, SUBMISSIONS,
    TABLE, Actor, State, actors_of, next_actors, rule,
)

#: the walidata's duties a region gives to roles (``satudata.roles.<duty>``),
#: besides its administrators who always hold them: keep the Daftar Data and
#: prepare rounds, send a round's requests, publish (and schedule and
#: withdraw), archive
DUTIES = ("draft", "send", "publish", "archive")


def approval_chain(round_: Any = None) -> list[str]:
    """The roles in order, verifier first, then each approval level: the
    round's own chain when ``round_`` (a round, or its id) has one, else the
    configured ``satudata.approval_chain``."""
    if isinstance(round_, str):
        round_ = model.Session.get(CollectionRound, round_)
    own = getattr(round_, "approval_chain", None)
    return list(own) if own else list(tk.config.get("satudata.approval_chain"))


def report_chain(round_: Any = None) -> list[str]:
    """The roles a round's report goes up, verifier first: the round's own
    report chain (SOP 001: the data validated by the Kasi alone, the report
    checked up to the Kadis), else its approval chain."""
    if isinstance(round_, str):
        round_ = model.Session.get(CollectionRound, round_)
    own = getattr(round_, "report_chain", None)
    return list(own) if own else approval_chain(round_)


def chain_of(request: Any) -> list[str]:
    """The approval chain ``request`` follows: its round's."""
    return approval_chain(request.round_id)


def round_chains() -> dict[str, list[str]]:
    """The rounds that carry their own chain: ``{round id: chain}`` (one
    query; the other rounds follow the site's chain)."""
    stmt = sa.select(CollectionRound.id, CollectionRound.approval_chain).where(
        CollectionRound.approval_chain.is_not(None))
    return {rid: list(chain) for rid, chain in model.Session.execute(stmt).all() if chain}


def forum_role() -> Optional[str]:
    """The chain role that is the Forum Satu Data (``satudata.forum_level``),
    whose decisions may cover several requests at once; None when unset."""
    return (tk.config.get("satudata.forum_level") or "").strip() or None


def duty_roles(duty: str) -> list[str]:
    """The walidata roles configured for ``duty`` (one of :data:`DUTIES`)."""
    assert duty in DUTIES, duty
    return list(tk.config.get(f"satudata.roles.{duty}") or [])


def duties() -> dict[str, set[str]]:
    """Every duty with its configured roles."""
    return {duty: set(duty_roles(duty)) for duty in DUTIES}


def duty_labels() -> dict[str, str]:
    """Each duty's translated description, for the roles page."""
    return {
        "draft": tk._("Keep the Daftar Data and prepare rounds"),
        "send": tk._("Send a round's requests"),
        "publish": tk._("Publish, schedule and withdraw data"),
        "archive": tk._("Archive published data"),
    }


def role_label(role: Optional[str]) -> str:
    """A walidata role as people call it, in the reader's language: the
    roles of the default approval chain (``verifikator kabid kadis``) by
    their titles, any other role by its name ("menunggu kabid" read as a
    code)."""
    titles = {"verifikator": tk._("Verifier"), "kabid": tk._("Head of Division"),
              "kadis": tk._("Head of Agency")}
    return titles.get(role or "", role or "")


def known_roles() -> list[str]:
    """The walidata roles a user can be given: those of the approval chain,
    then those only named by a duty, each once."""
    names = approval_chain()
    for duty in DUTIES:
        names += duty_roles(duty)
    return list(dict.fromkeys(names))


def may(duty: str, user_name: Optional[str]) -> bool:
    """Whether the user holds ``duty``: a walidata administrator, or the
    holder of a role configured for it."""
    if is_walidata_admin(user_name):
        return True
    user = user_obj(user_name)
    return bool(user) and bool(user_roles(user.id) & set(duty_roles(duty)))


def walidata_organization() -> Optional[model.Group]:
    """The walidata's organization, looked up by name once per database
    session (as :func:`user_obj`): CKAN's ``Group.get`` of a name costs two
    queries, and the walidata administrator check runs at most auth checks."""
    name = tk.config.get("satudata.walidata_organization")
    if not name:
        return None
    return _session_memo("satudata_groups", name, model.Group.get,
                         lambda group: group.name == name)


def _session_memo(memo: str, key: str, look_up: Callable[[str], Any],
                  still: Callable[[Any], bool]) -> Any:
    """``look_up(key)``, kept for the rest of the database session: the
    object is held, so later calls take it from the session's identity map
    (reloaded by its primary key after a commit expired it) while ``still``
    holds for it (a renamed object is looked up again)."""
    held = model.Session.info.setdefault(memo, {})
    found = held.get(key)
    if found is not None and found in model.Session:
        try:
            if still(found):
                return found
        except sa.orm.exc.ObjectDeletedError:  # purged since
            pass
    found = look_up(key)
    if found is not None:
        held[key] = found
    return found


def record_role_change(user_id: str, role: str, step: str,
                       actor: Optional[model.User]) -> None:
    """The roles' trail: ``user_id`` given (``grant``) or deprived of
    (``revoke``) ``role`` by ``actor`` (None: the site, a command), in the
    change's transaction."""
    model.Session.add(WalidataRoleEvent(
        id=model.types.make_uuid(), user_id=user_id, role=role, step=step,
        actor_id=actor.id if actor else None, timestamp=datetime.datetime.utcnow()))


def end_roles(user: model.User, actor: Optional[model.User]) -> None:
    """Take every walidata role of ``user``, whose account is deleted, each
    recorded in the trail (the roles stayed, hidden: the trail said the
    account still held them, and an account made active again got them back
    without a trace)."""
    held = model.Session.execute(
        sa.select(WalidataRole).where(WalidataRole.user_id == user.id)).scalars().all()
    for role in held:
        record_role_change(user.id, role.role, "revoke", actor)
        model.Session.delete(role)


def user_roles(user_id: Optional[str]) -> set[str]:
    """The walidata roles held by a user (by id); empty for anonymous."""
    if not user_id:
        return set()
    stmt = sa.select(WalidataRole.role).where(WalidataRole.user_id == user_id)
    return set(model.Session.execute(stmt).scalars())


def role_holders(user_ids: Iterable[str]) -> set[str]:
    """Of ``user_ids``, those holding a walidata role, in one query."""
    ids = list(user_ids)
    return set(model.Session.execute(sa.select(WalidataRole.user_id).where(
        WalidataRole.user_id.in_(ids))).scalars()) if ids else set()


def _current_user() -> Optional[model.User]:
    """The user logged in to the web request being served, if any."""
    try:
        user = tk.current_user
        return user if user.is_authenticated else None  # type: ignore
    except (RuntimeError, AttributeError):  # no request: the CLI, a job
        return None


def web_context() -> dict[str, Any]:
    """The context of an action called while serving a page: the logged-in
    user with its user object at hand (as CKAN's views pass it: the auth
    functions do not look the user up again)."""
    user = _current_user()
    return {"user": user.name, "auth_user_obj": user} if user is not None else {"user": ""}


def user_obj(user_name: Optional[str]) -> Optional[model.User]:
    """The user of that name or id: the logged-in user of the web request
    when it is them (as CKAN's auth does). Otherwise a name is looked up
    once per database session: later calls take the user from the session's
    identity map (reloaded only after a commit expired it)."""
    if not user_name:
        return None
    current = _current_user()
    if current is not None and user_name in (current.name, current.id):
        return current
    return _session_memo("satudata_users", user_name, model.User.get,
                         lambda user: user_name in (user.name, user.id))


def has_role(user_name: Optional[str], role: str) -> bool:
    user = user_obj(user_name)
    return bool(user) and role in user_roles(user.id)


def org_capacities(user: Optional[model.User],
                   org_ids: Iterable[Optional[str]]) -> dict[str, str]:
    """The user's capacity (CKAN's organization role: member, editor,
    admin) in each of the organizations ``org_ids`` they are an active
    member of, in one query: CKAN's ``authz.users_role_for_group_or_org``
    for several organizations at once (CKAN's takes three queries per
    organization: the group, the user and the membership)."""
    ids = [org_id for org_id in (org_ids or ()) if org_id]
    if user is None or not ids:
        return {}
    stmt = sa.select(model.Member.group_id, model.Member.capacity).where(
        model.Member.table_name == "user", model.Member.table_id == user.id,
        model.Member.state == "active", model.Member.group_id.in_(ids))
    return dict(model.Session.execute(stmt).all())


def _has_parent_organization(org: model.Group) -> bool:
    """Whether ``org`` sits below another group (CKAN's hierarchy: a
    membership of the group whose ``table_id`` is the parent), asked once
    per database session."""
    known = model.Session.info.setdefault("satudata_has_parent", {})
    if org.id not in known:
        stmt = sa.select(model.Member.id).where(
            model.Member.group_id == org.id, model.Member.table_name == "group",
            model.Member.state == "active").limit(1)
        known[org.id] = model.Session.execute(stmt).first() is not None
    return known[org.id]


def _capacity(user_name: str, org_id: str) -> Optional[str]:
    """The user's capacity in the organization ``org_id``, or None."""
    return org_capacities(user_obj(user_name), [org_id]).get(org_id)


def is_walidata_admin(user_name: Optional[str], user: Optional[model.User] = None,
                      capacities: Optional[dict[str, str]] = None) -> bool:
    """Sysadmins and admins of the walidata organization manage roles,
    the Daftar Data and collection rounds (``user``: the user of that name
    when the caller has it already; ``capacities``: the user's
    :func:`org_capacities` when the caller read them with the walidata's).
    Decides as CKAN's ``has_user_permission_for_group_or_org(org, user,
    "admin")`` in one query: an admin of the organization, or, when the
    walidata's organization sits below another, CKAN's own check of the
    roles that cascade down the hierarchy."""
    if not user_name:
        return False
    user = user if user is not None else user_obj(user_name)
    if user is None:
        return False
    if user.sysadmin:
        return True
    org = walidata_organization()
    if org is None:
        return False
    if capacities is None:
        capacities = org_capacities(user, [org.id])
    if capacities.get(org.id) in authz.get_roles_with_permission("admin"):
        return True
    return _has_parent_organization(org) and authz.has_user_permission_for_group_or_org(
        org.id, user_name, "admin")


def is_walidata_staff(user_name: Optional[str]) -> bool:
    """Anyone on the walidata side: an admin or the holder of any role."""
    user = user_obj(user_name)
    return bool(user) and (is_walidata_admin(user_name) or bool(user_roles(user.id)))


def users_with_role(role: str) -> list[model.User]:
    stmt = (
        sa.select(model.User)
        .join(WalidataRole, WalidataRole.user_id == model.User.id)
        .where(WalidataRole.role == role, model.User.state == "active")
        .order_by(model.User.name)
    )
    return list(model.Session.execute(stmt).scalars())


def last_holder_message(user: model.User, role: str) -> Optional[str]:
    """Why ``user`` may not stop holding ``role`` (by losing it or their
    account), or None: they are the only active holder of a level of the
    approval chain, and every request reaching that level would wait for
    nobody."""
    if role not in approval_chain():
        return None
    others = sa.select(WalidataRole.id).join(model.User, model.User.id == WalidataRole.user_id)\
        .where(WalidataRole.role == role, WalidataRole.user_id != user.id,
               model.User.state == "active").limit(1)
    if model.Session.execute(others).first():
        return None
    return tk._("%(user)s is the only %(role)s of the approval chain: give the role to "
                "another officer first") % {"user": user.display_name, "role": role_label(role)}


# -- producers (OPD members), used by the data-request workflow --------------

PRODUCER_CAPACITIES = ("editor", "admin")


def producer_org_ids(user_name: Optional[str], user: Optional[model.User] = None) -> set[str]:
    """Ids of the active organizations in which the user is an editor or
    admin: the OPDs whose data requests they handle. One query (``user``:
    the user of that name when the caller has it already)."""
    user = user if user is not None else user_obj(user_name)
    if not user:
        return set()
    stmt = (
        sa.select(model.Member.group_id)
        .join(model.Group, model.Group.id == model.Member.group_id)
        .where(
            model.Member.table_name == "user",
            model.Member.table_id == user.id,
            model.Member.state == "active",
            model.Member.capacity.in_(PRODUCER_CAPACITIES),
            model.Group.is_organization.is_(True),
            model.Group.state == "active",
        )
    )
    return set(model.Session.execute(stmt).scalars())


def is_producer(user_name: Optional[str], org_id: Optional[str]) -> bool:
    """Editor or admin of the organization ``org_id`` (CKAN's own capacity,
    not sysadmin rights)."""
    if not user_name or not org_id:
        return False
    return _capacity(user_name, org_id) in PRODUCER_CAPACITIES


def producers_of(org_ids: list[str] | set[str], invited: bool = False
                 ) -> dict[str, list[model.User]]:
    """Active editors and admins of each organization, in one query; not a
    sysadmin (CKAN makes whoever creates an OPD its admin: the sysadmin
    who set the OPDs up received each one's requests and returns).
    ``invited``: those invited who have not accepted yet too (a round sent
    before they set their password reached nobody, and was never sent
    again)."""
    result: dict[str, list[model.User]] = {org_id: [] for org_id in org_ids}
    if not org_ids:
        return result
    stmt = (
        sa.select(model.Member.group_id, model.User)
        .join(model.User, model.User.id == model.Member.table_id)
        .where(
            model.Member.table_name == "user",
            model.Member.state == "active",
            model.Member.capacity.in_(PRODUCER_CAPACITIES),
            model.Member.group_id.in_(list(org_ids)),
            model.User.state.in_(("active", "pending") if invited else ("active",)),
            model.User.sysadmin.is_(False),
        )
        .order_by(model.User.name)
    )
    for org_id, user in model.Session.execute(stmt).all():
        result[org_id].append(user)
    return result


def last_producer_message(user: model.User, org_ids: Iterable[str]) -> Optional[str]:
    """Why ``user`` may not stop producing for the OPDs ``org_ids`` (by
    leaving them or their account), or None: the only producer (active, or
    invited and not yet in) of an OPD whose requests wait for its producers
    or may come back to them (they would wait for nobody, and its returns
    e-mailed nobody)."""
    org_ids = set(org_ids)
    if not org_ids:
        return None
    producers = producers_of(org_ids, invited=True)
    alone = [org_id for org_id in org_ids
             if [u.id for u in producers[org_id]] == [user.id]]
    org = waiting_for_producers(alone)
    if org is None:
        return None
    return tk._("%(user)s is the only producer of %(opd)s, whose data requests wait for "
                "its producers or are under review and may come back to them: add another "
                "producer to the OPD first") % {
                    "user": user.display_name, "opd": org.display_name}


def leaving_refusal(user: model.User) -> Optional[str]:
    """Why the account ``user`` may not be deleted, or None: the only holder
    of a level of the approval chain, or the only producer of an OPD whose
    requests wait for its producers (the caller takes the locks first when
    it deletes). An invited producer not yet in counts as one (the round's
    e-mail went to them: deleted, the OPD's requests waited for nobody)."""
    if user.state not in ("active", "pending"):
        return None
    for role in sorted(user_roles(user.id)):
        last = last_holder_message(user, role)
        if last:
            return last
    return last_producer_message(user, sorted(producer_org_ids(user.name, user)))


def deletion_refusal(kind: str, ref: str) -> Optional[str]:
    """Why the user or the organization (``kind``) of id or name ``ref``
    cannot be deleted now (:func:`leaving_refusal`, :func:`opd_in_use`), or
    None; the caller decides who may read it."""
    if kind == "user":
        user = model.User.get(ref)
        return leaving_refusal(user) if user is not None else None
    group = model.Group.get(ref)
    if group is None or not group.is_organization or group.state != "active":
        return None
    return opd_in_use(group)


def waiting_for_producers(org_ids: Iterable[str]) -> Optional[model.Group]:
    """The first of the OPDs ``org_ids`` with a data request waiting for its
    producers now or that may come back to them (under review up to ready
    or scheduled: a return from any level), or None. One query. (Only
    those waiting now counted: the only producer removed while the data was
    under review, the verifier's return went to an OPD of nobody, and no
    page said why.)"""
    org_ids = list(org_ids)
    if not org_ids:
        return None
    waiting = [state.value for state in State if Actor.PRODUCER in next_actors(state, False)
               or Actor.PRODUCER in next_actors(state, True)
               or state not in (State.PUBLISHED, State.WITHDRAWN, State.ARCHIVED,
                                State.CANCELLED)]
    return model.Session.execute(
        sa.select(model.Group).join(DataRequest, DataRequest.owner_org == model.Group.id)
        .where(DataRequest.owner_org.in_(org_ids), DataRequest.state.in_(waiting))
        .limit(1)).scalar()


def opd_in_use(group: model.Group, purge: bool = False) -> Optional[str]:
    """Why the OPD ``group`` stays (deleted, or ``purge``-d), or None: while
    its Daftar Data has active items (a round sent later made requests in a
    deleted OPD, its producers e-mailed for data nobody could open) or it has
    data requests not cancelled; purged, while any request or item of it is
    kept (their trail went with it, its published data left ownerless and
    its page answered 500)."""
    if group.id not in opds_in_use([group.id], purge):
        return None
    if purge:
        return tk._(
            "%(opd)s has items in the Daftar Data or data requests, whose history stays: "
            "it can be deleted, not purged") % {"opd": group.display_name}
    from ..model import DaftarData

    states = set(model.Session.execute(sa.select(DataRequest.state).where(
        DataRequest.owner_org == group.id,
        DataRequest.state != State.CANCELLED.value).distinct()).scalars())
    active_items = model.Session.execute(sa.select(DaftarData.id).where(
        DaftarData.owner_org == group.id, DaftarData.active.is_(True)).limit(1)).first()
    if not active_items and states and states <= _DONE_STATES:
        # its data went out (or was taken back): nothing is left to cancel
        # (told to deactivate and cancel first, the officer found nothing)
        return tk._(
            "%(opd)s has data that was published (or archived, or withdrawn): it stays "
            "as the OPD of that data") % {"opd": group.display_name}
    return tk._(
        "%(opd)s has items in the Daftar Data or data requests: it stays while they do "
        "(deactivate its items and cancel its open requests first)") % {
            "opd": group.display_name}


#: states of a request whose data went out (its OPD is its owner for good)
_DONE_STATES = frozenset({State.PUBLISHED.value, State.ARCHIVED.value, State.WITHDRAWN.value})


def opds_in_use(group_ids: Iterable[str], purge: bool = False) -> set[str]:
    """Of the OPDs ``group_ids``, those :func:`opd_in_use` keeps (deleted:
    active items or requests not cancelled; purged: any item or request),
    in one query."""
    from ..model import DaftarData

    ids = list(group_ids)
    items = sa.select(DaftarData.owner_org).where(DaftarData.owner_org.in_(ids))
    requests = sa.select(DataRequest.owner_org).where(DataRequest.owner_org.in_(ids))
    if not purge:
        items = items.where(DaftarData.active.is_(True))
        requests = requests.where(DataRequest.state != State.CANCELLED.value)
    return set(model.Session.execute(sa.union(items, requests)).scalars()) if ids else set()


def users_with_duty(duty: str) -> list[model.User]:
    """The holders of the roles configured for ``duty`` (not the
    administrators, see :func:`walidata_admins`), in one query."""
    names = duty_roles(duty)
    if not names:
        return []
    stmt = (
        sa.select(model.User)
        .join(WalidataRole, WalidataRole.user_id == model.User.id)
        .where(WalidataRole.role.in_(names), model.User.state == "active")
        .order_by(model.User.name)
    )
    return list({user.id: user for user in model.Session.execute(stmt).scalars()}.values())
def opd_approval_role() -> str:
    """The OPD capacity (CKAN organization role) of the head who approves
    submissions when ``satudata.opd_approval`` is on."""
    return tk.config.get("satudata.opd_approval_role") or "admin"


def is_opd_head(user_name: Optional[str], org_id: Optional[str]) -> bool:
    """Holder of :func:`opd_approval_role` in the organization ``org_id``."""
    if not user_name or not org_id:
        return False
    return _capacity(user_name, org_id) == opd_approval_role()


def opd_head_org_ids(user_name: Optional[str]) -> set[str]:
    """The OPDs of which the user is the head (approving submissions)."""
    user = user_obj(user_name)
    if not user:
        return set()
    stmt = sa.select(model.Member.group_id).where(
        model.Member.table_name == "user", model.Member.table_id == user.id,
        model.Member.state == "active", model.Member.capacity == opd_approval_role())
    return set(model.Session.execute(stmt).scalars())


def opd_heads_of(org_id: str) -> list[model.User]:
    """The active heads of the OPD ``org_id`` (who approve its submissions)."""
    stmt = (
        sa.select(model.User)
        .join(model.Member, model.Member.table_id == model.User.id)
        .where(model.Member.table_name == "user", model.Member.state == "active",
               model.Member.capacity == opd_approval_role(),
               model.Member.group_id == org_id, model.User.state == "active")
        .order_by(model.User.name)
    )
    return list(model.Session.execute(stmt).scalars())


def walidata_admins() -> list[model.User]:
    """Admins of the walidata organization (who publish ready data)."""
    org = walidata_organization()
    if not org:
        return []
    stmt = (
        sa.select(model.User)
        .join(model.Member, model.Member.table_id == model.User.id)
        .where(
            model.Member.table_name == "user",
            model.Member.state == "active",
            model.Member.capacity == "admin",
            model.Member.group_id == org.id,
            model.User.state == "active",
        )
        .order_by(model.User.name)
    )
    return list(model.Session.execute(stmt).scalars())


def sysadmins() -> list[model.User]:
    """The portal's active sysadmins with an e-mail address, but CKAN's own
    site user (walidata administrators too, outside its organization)."""
    stmt = (sa.select(model.User)
            .where(model.User.sysadmin.is_(True), model.User.state == "active",
                   model.User.email.isnot(None), model.User.email != "",
                   model.User.name != tk.config.get("ckan.site_id"))
            .order_by(model.User.name))
    return list(model.Session.execute(stmt).scalars())


def actor_kinds(user_name: Optional[str], request: Any) -> set[Actor]:
    """Which actor kinds of the state table (:mod:`.states`) the user is for
    ``request`` at the state and approval level it is in now."""
    user = user_obj(user_name)
    if user is None:
        return set()
    # the user's capacities in the request's OPD (producer, OPD head) and
    # in the walidata's organization (administrator), read in one query
    org = walidata_organization()
    capacities = org_capacities(user, [request.owner_org, org.id if org else None])
    org_role = capacities.get(request.owner_org) if request.owner_org else None
    return actors_of(
        state=request.state, level=request.approval_level, chain=chain_of(request),
        user_roles=user_roles(user.id),
        is_producer=org_role in PRODUCER_CAPACITIES,
        is_walidata_admin=is_walidata_admin(user_name, user, capacities), duties=duties(),
        is_opd_head=org_role is not None and org_role == opd_approval_role(),
    )


def approval_levels_held(user_name: Optional[str], request: Any) -> int:
    """How many approval levels of the request's chain (its roles after the
    verifier's) the user holds."""
    user = user_obj(user_name)
    return len(set(chain_of(request)[1:]) & user_roles(user.id)) if user else 0


#: seconds between a workflow step's event and the dataset change it wrote
#: (one transaction: well under a second; a long publication, a few)
_STEP_WRITE_WINDOW = 30


def took_part(user_name: Optional[str], request: Any, transition: str,
              upto: Optional[int] = None) -> bool:
    """Whether ``transition`` needs a second pair of eyes
    (:data:`.states.FOUR_EYES`) and the user had a hand in the submission
    under review: took a step of it (:data:`.states.HANDS`, since its latest
    submission), or changed its dataset while it was prepared (an activity
    of theirs since the latest :data:`.states.PREPARATIONS` event, or the
    staged revision they began or last wrote): an editor of the OPD who also
    verifies verified data they wrote. One query, for those transitions
    only. ``upto``: the steps up to that version of the request only (who
    had a hand in it when a step was taken, not since)."""
    user = user_obj(user_name) if transition in FOUR_EYES else None
    return user is not None and bool(hands_in([user.id], request, upto))


def hands_in(user_ids: Iterable[str], request: Any, upto: Optional[int] = None) -> set[str]:
    """The users of ``user_ids`` who had a hand in the submission of
    ``request`` under review (:func:`took_part`). One query, however many
    users (a step's e-mail asks it of every holder of the next level)."""
    user_ids = list(user_ids)
    if not user_ids:
        return set()
    who = model.User.id
    return set(model.Session.execute(
        sa.select(who).where(who.in_(user_ids), had_a_hand(
            who, request.id, request.package_id, upto))).scalars())


def had_a_hand(user_id: Any, request_id: Any, package_id: Any,
               upto: Optional[int] = None) -> Any:
    """SQL: the user had a hand in the request's submission under review
    (:func:`took_part`): took a step of it (:func:`took_a_step`), created or
    changed its dataset while it was prepared, or wrote its staged revision (began
    it, wrote it last or in between). ``user_id``, ``request_id`` and ``package_id`` are values or
    columns: the queue asks it of each request it lists ("Menunggu tindakan
    saya" listed a submission to the officer who had edited its dataset,
    whom the page and the engine refused)."""
    from ckanext.activity.model import Activity

    from ..model import StagedRevision

    event = sa.orm.aliased(RequestEvent)
    prepared = (sa.select(sa.func.max(event.timestamp))
                .where(event.request_id == request_id, event.transition.in_(PREPARATIONS))
                .correlate_except(event).scalar_subquery())
    # a change the user's own workflow step on a request of the same dataset
    # wrote (publishing another period of it) is no edit
    step, same = sa.orm.aliased(RequestEvent), sa.orm.aliased(DataRequest)
    window = datetime.timedelta(seconds=_STEP_WRITE_WINDOW)
    # (and the dataset the round's sending created with its request); a
    # scheduled release, published by the portal's own account, writes its
    # change in the name of the officer who scheduled it: their step too
    portal = sa.select(model.User.id).where(model.User.name == tk.config.get("ckan.site_id"))
    by_a_step = sa.exists().where(
        sa.or_(step.user_id == user_id, step.user_id.in_(portal)),
        step.transition.in_(DATASET_WRITES | {"request"}),
        step.request_id.in_(sa.select(same.id).where(same.package_id == package_id)
                            .correlate_except(same)),
        step.timestamp.between(Activity.timestamp - window, Activity.timestamp + window)
    ).correlate_except(step)
    # created too: a dataset made whole in one call (its metadata and table)
    # and linked to the request has no "changed package" of its author
    edited = sa.exists().where(
        Activity.object_id == package_id, Activity.user_id == user_id,
        Activity.activity_type.in_(("new package", "changed package")),
        Activity.timestamp > prepared, ~by_a_step).correlate_except(Activity)
    staged = sa.exists().where(
        StagedRevision.package_id == package_id, StagedRevision.request_id == request_id,
        sa.any_(StagedRevision.writers) == user_id).correlate_except(StagedRevision)
    return sa.or_(took_a_step(user_id, request_id, upto), edited, staged)


def took_a_step(user_id: str, request_id: Any, upto: Optional[int] = None) -> Any:
    """SQL: the user took a step (:data:`.states.HANDS`) of the request's
    latest submission; ``request_id`` a value or a column (part of
    :func:`had_a_hand`)."""
    event, submission = sa.orm.aliased(RequestEvent), sa.orm.aliased(RequestEvent)
    # each request of a list by its own latest submission (correlated: left
    # to itself, the subquery read the latest of every request)
    started = (sa.select(sa.func.max(submission.version))
               .where(submission.request_id == request_id,
                      submission.transition.in_(SUBMISSIONS))
               .correlate_except(submission).scalar_subquery())
    return sa.exists().where(
        event.request_id == request_id, event.user_id == user_id,
        event.transition.in_(HANDS), event.version >= started,
        event.version <= upto if upto is not None else sa.true()).correlate_except(event)


def latest_step(request_id: str) -> Any:
    """``(user_id, transition)`` of the request's latest event, or None. One
    query."""
    return model.Session.execute(
        sa.select(RequestEvent.user_id, RequestEvent.transition)
        .where(RequestEvent.request_id == request_id)
        .order_by(RequestEvent.version.desc(), RequestEvent.timestamp.desc()).limit(1)).first()


def took_step(request_id: str, transition: str) -> bool:
    """Whether the request's trail holds the step ``transition``. One query."""
    return model.Session.execute(
        sa.select(RequestEvent.id).where(RequestEvent.request_id == request_id,
                                         RequestEvent.transition == transition)
        .limit(1)).first() is not None


def moved_on_since(request: Any) -> bool:
    """Whether the request's trail holds a step taken since ``request`` was
    read (a concurrent call's). One query."""
    return model.Session.execute(
        sa.select(RequestEvent.id).where(RequestEvent.request_id == request.id,
                                         RequestEvent.version > (request.version or 0))
        .limit(1)).first() is not None


def just_took(user_name: Optional[str], request: Any, transition: str) -> bool:
    """Whether the request's latest step is ``transition`` taken by the user
    (a second click, or a second client, of one who just took it). One
    query."""
    user = user_obj(user_name)
    if user is None:
        return False
    latest = latest_step(request.id)
    return latest is not None and latest.user_id == user.id and transition in (
        latest.transition, ACTION_OF.get(latest.transition))


def moved_past(user_name: Optional[str], request: Any, transition: str) -> bool:
    """Whether the user holds a level of the request's approval chain that
    takes ``transition`` (a return: any level; an approval: past the
    verifier's) and the request's review has moved past it (a verifier
    returning a request they, or another verifier, just verified): the
    engine then says where the request is now, not "only the current
    level"."""
    user = user_obj(user_name)
    if user is None or request.approval_level is None:
        return False
    action = ACTION_OF.get(transition, transition)
    if not any(t.actors & {Actor.VERIFIER, Actor.APPROVER}
               for t in TABLE if ACTION_OF.get(t.name, t.name) == action):
        return False  # not a step of the review (publishing, scheduling)
    lowest = 1 if action == "approve" else 0
    held = user_roles(user.id)
    levels = [level for level, role in enumerate(chain_of(request))
              if role in held and level >= lowest]
    if State(request.state) in PAST_REVIEW:  # the last level approved it
        return bool(levels)
    return bool(levels) and max(levels) < request.approval_level


def with_their_users(event: Any, *where: Any) -> list[tuple[Any, Optional[str], str]]:
    """The rows of the trail table ``event`` (a model with ``user_id`` and
    ``timestamp``) matching ``where``, oldest first, each with its user's
    name and the name to show (full name, else name). One query."""
    stmt = (sa.select(event, model.User.name, model.User.fullname)
            .outerjoin(model.User, model.User.id == event.user_id)
            .where(*where).order_by(event.timestamp, event.id))
    return [(row, name, fullname or name)
            for row, name, fullname in model.Session.execute(stmt).all()]


def four_eyes_message() -> str:
    """Why :func:`took_part` refuses a step."""
    return tk._("You had a hand in this submission (you took an earlier step of it, or "
                "created or changed its data): another officer must take this step")


def reviews(user_name: Optional[str], request: Any, transition: str) -> bool:
    """Whether the user holds a level of the request's approval chain whose
    holders take ``transition`` in some state (a Kabid verifies nothing and
    publishes nothing: they are told who does, not that the state forbids
    it)."""
    user = user_obj(user_name)
    if user is None:
        return False
    chain, held = chain_of(request), user_roles(user.id)
    kinds = {Actor.VERIFIER} if chain and chain[0] in held else set()
    if set(chain[1:]) & held:
        kinds.add(Actor.APPROVER)
    if chain and chain[-1] in held:
        kinds.add(Actor.FINAL_APPROVER)
    action = ACTION_OF.get(transition, transition)  # a return at any level
    return any(t.actors & kinds for t in TABLE if ACTION_OF.get(t.name, t.name) == action)


def may_attempt(user_name: Optional[str], request: Any, transition: str) -> bool:
    """The auth functions' early check: the table lets the user take
    ``transition`` on ``request`` now, or the transition is not possible
    from the request's state at all and the user is one who could take it
    elsewhere (the engine then says why it is not possible now)."""
    kinds = actor_kinds(user_name, request)
    row = rule(transition, request.state, request.revision_of)
    if row is not None:
        return bool(row.actors & kinds)
    if set(chain_of(request)[1:]) & user_roles(getattr(user_obj(user_name), "id", None)):
        kinds.add(Actor.APPROVER)  # an approver, at another level or state
    return any(t.actors & kinds for t in TABLE if t.name == transition)


def may_take_step(user_name: Optional[str], request: Any, name: str) -> bool:
    """The auth functions' early check of a step of :data:`states.STEPS`:
    the user is one of its actors for ``request`` (the engine checks again,
    and whether the state allows it, under the row lock)."""
    kinds = actor_kinds(user_name, request)
    return any(step.actors & kinds for step in STEPS if step.name == name)


def clean_id(value: Any) -> Optional[str]:
    """``value`` if it can be an id (a string of at most 100 characters
    without NUL), else None: lookups before validation (auth functions)
    never send a list, a number or a NUL byte to the database."""
    if not (isinstance(value, str) and value and len(value) <= 100 and "\x00" not in value):
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return None
    return value


def get_request(value: Any) -> Optional[DataRequest]:
    """The data request with the id ``value``, or None."""
    request_id = clean_id(value)
    return model.Session.get(DataRequest, request_id) if request_id else None
