# -*- coding: utf-8 -*-
"""The ``satudata`` plugin: declarations only; the logic lives in the modules
named by each blanket (``logic.action``, ``logic.auth``, ``logic.validators``,
``helpers``, ``views``, ``cli``) and in :mod:`.subscriptions`, :mod:`.search`
and :mod:`.middleware` (static files)."""
from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.common import CKANConfig
from ckan.lib.plugins import DefaultTranslation
from ckanext.scheming.plugins import SchemingDatasetsPlugin

from . import jobs, middleware, search, subscriptions
from .lib import charts, datastore, metadata, publishing, sessions
from .logic import schema as logic_schema
from .views import login


@tk.blanket.actions
@tk.blanket.auth_functions
@tk.blanket.validators
@tk.blanket.helpers
@tk.blanket.blueprints
@tk.blanket.cli
@tk.blanket.config_declarations
class SatudataPlugin(DefaultTranslation, p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.IMiddleware, inherit=True)
    p.implements(p.ISignal)
    p.implements(p.IAuthenticator, inherit=True)
    p.implements(p.ITranslation)
    p.implements(p.IFacets, inherit=True)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IResourceView, inherit=True)

    # IConfigurer
    def update_config(self, config: CKANConfig):
        jobs.register()
        datastore.configure(config)
        login.configure(config)
        tk.add_template_directory(config, "templates")
        tk.add_public_directory(config, "public")
        tk.add_resource("assets", "ckanext-satudata")

    def update_config_schema(self, schema: dict[str, Any]):
        return logic_schema.site_settings(schema)

    # IMiddleware
    def make_middleware(self, app: Any, config: CKANConfig):
        return middleware.make_middleware(app, config)

    # ISignal
    def get_signal_subscriptions(self):
        return subscriptions.get_subscriptions()

    # IAuthenticator
    def identify(self):
        sessions.refuse_ended()

    # IFacets
    def dataset_facets(self, facets_dict: dict[str, Any], package_type: str):
        return search.dataset_facets(facets_dict, package_type)

    # IPackageController
    def before_dataset_index(self, pkg_dict: dict[str, Any]):
        return search.before_dataset_index(pkg_dict)

    def after_dataset_create(self, context: Any, pkg_dict: dict[str, Any]):
        publishing.dataset_created(pkg_dict["id"])

    def after_dataset_show(self, context: Any, pkg_dict: dict[str, Any]):
        search.translate_license_title(pkg_dict)
        return publishing.show_facts(context, pkg_dict)

    def before_dataset_search(self, search_params: dict[str, Any]):
        return search.before_dataset_search(search_params)

    def after_dataset_search(self, search_results: dict[str, Any],
                             search_params: dict[str, Any]):
        return search.after_dataset_search(search_results, search_params)

    # IResourceView: the chart of a table in the DataStore (lib/charts.py)
    def info(self) -> dict[str, Any]:
        return charts.info()

    def can_view(self, data_dict: dict[str, Any]) -> bool:
        return charts.can_view(data_dict)

    def setup_template_variables(self, context: Any, data_dict: dict[str, Any]):
        return {"chart": charts.viewer_chart(context.get("user"), data_dict["resource"]["id"])}

    def view_template(self, context: Any, data_dict: dict[str, Any]) -> str:
        return "satudata/chart_view.html"


class SatudataDatasetsPlugin(SchemingDatasetsPlugin):
    """``satudata_datasets``: ckanext-scheming's dataset plugin (it takes the
    place of ``scheming_datasets``) whose output validation, run by every
    uncached ``package_show`` and by every indexing of a dataset, gives
    scheming's result at a fraction of its cost
    (:func:`.lib.metadata.validate_for_show`), as does its input validation
    (:func:`.lib.metadata.validate_for_save`), and whose input validation
    answers a field that is not the list of objects it must be with a
    translated error, not CKAN's ``DataError``
    (:func:`.lib.metadata.shape_errors`)."""

    def validate(self, context: Any, data_dict: dict[str, Any], schema: Any, action: str):
        expanded = self._expanded_schemas.get(data_dict.get("type"))
        if action == "package_show":
            if expanded is not None:
                return metadata.validate_for_show(context, data_dict, schema, expanded)
        else:
            metadata.expand_form_rows(data_dict, expanded)
            schema = metadata.with_safe_links(schema)
            errors = metadata.shape_errors(data_dict, schema, expanded)
            if errors:
                return data_dict, errors
            if expanded is not None:
                return metadata.validate_for_save(super().validate, context, data_dict,
                                                  schema, expanded, action)
        return super().validate(context, data_dict, schema, action)
