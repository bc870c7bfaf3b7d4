"""The Daftar Data's own audit trail: who added, changed (each field before
and after), imported, deactivated or deleted an item of the list an SK fixes

Revision ID: 0017_daftar_data_events
Revises: 0016_round_verification_started
Create Date: 2026-12-05

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0017_daftar_data_events"
down_revision = "0016_round_verification_started"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "satudata_daftar_data_event",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("item_id", sa.UnicodeText,
                  sa.ForeignKey("satudata_daftar_data.id", ondelete="SET NULL")),
        sa.Column("user_id", sa.UnicodeText, sa.ForeignKey("user.id", ondelete="SET NULL")),
        sa.Column("timestamp", sa.DateTime, nullable=False),
        sa.Column("step", sa.UnicodeText, nullable=False),
        sa.Column("data", JSONB),
    )
    op.create_index("satudata_daftar_data_event_item_ts_idx", "satudata_daftar_data_event",
                    ["item_id", "timestamp"])


def downgrade():
    op.drop_table("satudata_daftar_data_event")
