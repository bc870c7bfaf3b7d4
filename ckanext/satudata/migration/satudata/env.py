# -*- coding: utf-8 -*-
"""Alembic environment for the satudata plugin: its own version table and
autogenerate limited to the plugin's ``satudata_`` tables."""
from __future__ import annotations

import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import engine_from_config, pool

from ckan.model.meta import metadata

config = context.config
if config.config_file_name:
    fileConfig(config.config_file_name)

PREFIX = os.path.basename(os.path.dirname(__file__))
VERSION_TABLE = f"{PREFIX}_alembic_version"


def include_object(obj, name, type_, reflected, compare_to):
    if type_ == "table":
        return name.startswith(PREFIX + "_")
    return True


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=metadata,
        literal_binds=True,
        version_table=VERSION_TABLE,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = engine_from_config(
        config.get_section(config.config_ini_section) or {},
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            version_table=VERSION_TABLE,
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
