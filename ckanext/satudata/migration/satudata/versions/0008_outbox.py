"""The outbox: background work written in the transaction that causes it

A row is written in the same transaction as the state change that needs
an e-mail or other background work, then handed to the jobs queue (Redis)
after the commit. When Redis cannot be reached the row stays and is handed
over later (``ckan satudata outbox drain``, from cron), so an outage delays
the work but loses none. See ``ckanext/satudata/lib/outbox.py``.

Revision ID: 0008_outbox
Revises: 0007_public_request
Create Date: 2026-12-02

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0008_outbox"
down_revision = "0007_public_request"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "satudata_outbox",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        # a function of ckanext.satudata.jobs and its positional arguments
        sa.Column("job", sa.UnicodeText, nullable=False),
        sa.Column("args", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
        sa.Column("title", sa.UnicodeText),
        sa.Column("timeout", sa.Integer),
        sa.Column("created", sa.DateTime, nullable=False, server_default=sa.func.now()),
        # handed to the jobs queue (last time), how many times
        sa.Column("enqueued_at", sa.DateTime),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        # the messages already sent, so that a retry sends only the others
        sa.Column("sent", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
        sa.Column("done_at", sa.DateTime),
        sa.Column("error", sa.UnicodeText),
    )
    op.create_index("satudata_outbox_pending_idx", "satudata_outbox", ["done_at", "created"])


def downgrade():
    op.drop_index("satudata_outbox_pending_idx", table_name="satudata_outbox")
    op.drop_table("satudata_outbox")
