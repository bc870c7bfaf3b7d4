# -*- coding: utf-8 -*-
"""Around CKAN's own administration views, which answer a form by a bare
redirect:

* adding a member to an OPD or a group (``<type>.member_new``) redirected
  back to an empty form on an error: what was typed (user name, e-mail,
  role) is kept in the session for the form shown next
  (:func:`..helpers.satudata_member_draft`); an empty form is refused with
  "missing" (CKAN said "Not found: User"); a member added or an e-mail
  invitation sent says so (the invited person is listed as pending on the
  members page);
* deleting a user (``user.delete``) returned to the user list without a
  word: it now says who was deleted;
* deleting a dataset of the workflow (``<type>.delete``) asked "are you
  sure?", then answered a bare "not authorized": its page says at once
  that it is cancelled, withdrawn or archived instead;
* following an OPD or a group (``<type>.follow``/``unfollow``): CKAN's view
  reads it with its member list, which only its members may see here
  (``ckan.auth.public_user_details`` off), so a citizen's "Follow" answered
  404: it is read without the list.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, request

import ckan.plugins.toolkit as tk
from ckan.common import session

import ckan.model as model

from ..helpers import MEMBER_DRAFT_KEY
from ..lib import publishing
from ..logic.validators import site_types
from . import _common

satudata_members = Blueprint("satudata_members", __name__)

#: CKAN's endpoints of the "add member" form
MEMBER_NEW = ("organization.member_new", "group.member_new")
#: the fields of the "add member" form kept across an error
DRAFT_FIELDS = ("username", "email", "role")


def _member_form_posted() -> bool:
    return request.endpoint in MEMBER_NEW and request.method == "POST"


@satudata_members.before_app_request
def refuse_an_empty_member_form() -> Any:
    """Neither a user name nor an e-mail address: the form again, with what
    is missing, before CKAN looks for a user called ""."""
    if not _member_form_posted():
        return None
    if request.form.get("username", "").strip() or request.form.get("email", "").strip():
        return None
    tk.h.flash_error(tk._("Username: missing value. Enter the name of an existing user, "
                          "or the e-mail address of a new user to invite."))
    _keep_draft()
    return tk.redirect_to(request.endpoint, id=(request.view_args or {}).get("id"))


@satudata_members.after_app_request
def after_the_member_form(response: Any) -> Any:
    """Keep what was typed when CKAN sends the form back (an error); say
    that an invitation went out when it did."""
    if not _member_form_posted() or response.status_code not in (302, 303):
        return response
    location = response.headers.get("Location", "")
    name = request.form.get("username", "").strip()
    if "/member_new/" in location:
        _keep_draft()
    elif request.form.get("email", "").strip():
        # CKAN invites the address when one is given, whatever account was
        # picked too (the page said the picked account was now a member)
        tk.h.flash_success(tk._("An invitation was sent to %(email)s.")
                           % {"email": request.form["email"].strip()})
        if name:
            tk.h.flash_notice(tk._("%(name)s was not added: an invitation goes to the "
                                   "e-mail address given instead.") % {"name": name})
    elif name and getattr(model.User.get(name), "state", None) != model.State.ACTIVE:
        # a deleted (or pending) account is no member (it was said to be)
        tk.h.flash_error(tk._("%(name)s is not an active account: it was not added.")
                         % {"name": name})
    elif name:  # CKAN said nothing
        tk.h.flash_success(tk._("%(name)s is now a member, as %(role)s.") % {
            "name": name, "role": _role_label(request.form.get("role", ""))})
        if request.endpoint == "organization.member_new" \
                and request.form.get("role") == "member":
            # a member was taken for a producer: no request, queue or e-mail reached them
            tk.h.flash_notice(tk._(
                "A Member only sees the OPD's private datasets: an OPD's producers, who "
                "receive its data requests and fill its data, are its Editors (or Admins)."))
    return response


def _role_label(role: str) -> str:
    """A member's role as CKAN's member pages name it."""
    return {"admin": tk._("Admin"), "editor": tk._("Editor"),
            "member": tk._("Member")}.get(role, role)


def _keep_draft() -> None:
    session[MEMBER_DRAFT_KEY] = {name: request.form.get(name, "") for name in DRAFT_FIELDS}


@satudata_members.after_app_request
def say_the_user_was_deleted(response: Any) -> Any:
    """A user deleted by someone else (CKAN then redirects to the user list)."""
    if (request.endpoint != "user.delete" or request.method != "POST"
            or response.status_code not in (302, 303) or "cancel" in request.form):
        return response
    user_id = (request.view_args or {}).get("id")
    try:
        user = tk.get_action("user_show")(_common.context(), {"id": user_id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return response
    if user.get("state") == "deleted":
        tk.h.flash_success(tk._("User %(name)s was deleted.") % {"name": user["display_name"]})
    return response


@satudata_members.before_app_request
def say_why_a_workflow_dataset_is_not_deleted() -> Any:
    blueprint, _, view = (request.endpoint or "").rpartition(".")
    if view != "delete" or blueprint not in site_types("dataset") \
            or not tk.current_user.is_authenticated:
        return None
    pkg = model.Package.get((request.view_args or {}).get("id") or "")
    if pkg is None or not publishing.governed(pkg.id):
        return None
    try:  # (told only to whoever may read the dataset: others, CKAN's 404)
        tk.check_access("package_show", _common.context(), {"id": pkg.id})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return None
    return tk.abort(403, publishing.not_deleted_message())


#: CKAN's follow buttons of an OPD or a group: endpoint -> (action, is it
#: an organization, following once done)
_FOLLOW = {"organization.follow": ("follow_group", True, True),
           "organization.unfollow": ("unfollow_group", True, False),
           "group.follow": ("follow_group", False, True),
           "group.unfollow": ("unfollow_group", False, False)}


@satudata_members.before_app_request
def follow_a_group_without_its_members() -> Any:
    step = _FOLLOW.get(request.endpoint or "")
    if step is None or request.method != "POST":
        return None
    action, is_organization, following = step
    group_id = (request.view_args or {}).get("id")
    try:
        group = tk.get_action("organization_show" if is_organization else "group_show")(
            _common.context(), {"id": group_id, "include_datasets": True,
                                "include_users": False})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, tk._("Organization not found") if is_organization
                        else tk._("Group not found"))
    error_message = ""
    try:
        tk.get_action(action)(_common.context(), {"id": group_id})
    except tk.ValidationError as e:  # already so
        error_message = str((e.error_dict or {}).get("message") or e.error_summary)
        following = not following
    kind = "organization" if is_organization else "group"
    return tk.render(f"{kind}/snippets/info.html", {
        kind: group, "current_user": tk.current_user, "show_nums": True,
        "error_message": error_message, "am_following": following})
