# -*- coding: utf-8 -*-
"""``/permintaan-data/peran``: who holds which walidata role (verifier and
each approval level of ``satudata.approval_chain``). Walidata staff see the
list and the trail of its changes; walidata administrators and sysadmins
give and take roles."""
from __future__ import annotations

from typing import Any

from flask import Blueprint

import ckan.plugins.toolkit as tk

from ..lib import roles
from ._common import call, can, context, error_list

#: the changes of roles shown on the page (the API pages through all)
TRAIL_SHOWN = 50

satudata_roles = Blueprint("satudata_roles", __name__, url_prefix="/permintaan-data/peran")


@satudata_roles.route("", methods=["GET", "POST"])  # typed without the slash
@satudata_roles.route("/", methods=["GET", "POST"])
def index() -> Any:
    errors: list[str] = []
    form: dict[str, Any] = {}
    if tk.request.method == "POST":
        form = {"user": tk.request.form.get("user", "").strip(),
                "role": tk.request.form.get("role", "")}
        remove = tk.request.form.get("remove") == "1"
        action = "satudata_role_delete" if remove else "satudata_role_create"
        try:
            done = tk.get_action(action)(context(), form)
        except tk.NotAuthorized:
            return tk.abort(403, tk._("Not authorized to see this page"))
        except tk.ObjectNotFound:
            return tk.abort(404, tk._("Not found"))
        except tk.ValidationError as e:
            errors = error_list(e)
        else:
            message = (tk._("Role %(role)s taken from %(user)s") if remove
                       else tk._("%(user)s already holds the role %(role)s: nothing changed")
                       if (done or {}).get("held_before")
                       else tk._("Role %(role)s given to %(user)s"))
            # the role as the page names it ("Kepala Dinas", not "kadis")
            tk.h.flash_success(message % dict(form, role=roles.role_label(form["role"])))
            return tk.redirect_to("satudata_roles.index")
    assignments = call("satudata_role_list", {})
    return tk.render("satudata/workflow/roles.html", {
        "assignments": assignments,
        # who was given or deprived of which role, by whom: the newest
        "trail": call("satudata_role_event_list", {"limit": TRAIL_SHOWN}),
        "chain": tk.h.satudata_approval_chain(),
        "known_roles": roles.known_roles(),
        "duties": [(label, roles.duty_roles(duty)) for duty, label in roles.duty_labels().items()],
        "can_manage": can("satudata_role_create"),
        "errors": errors, "form": form,
    }), (400 if errors else 200)
