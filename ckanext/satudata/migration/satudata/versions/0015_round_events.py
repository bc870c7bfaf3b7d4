"""A round's own audit trail: who created, changed, sent or moved on a
collection round, and its documents added and removed

Revision ID: 0015_round_events
Revises: 0014_sk_out_of_public_uploads
Create Date: 2026-12-04

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0015_round_events"
down_revision = "0014_sk_out_of_public_uploads"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "satudata_round_event",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("round_id", sa.UnicodeText,
                  sa.ForeignKey("satudata_round.id", ondelete="CASCADE"), nullable=False),
        sa.Column("user_id", sa.UnicodeText, sa.ForeignKey("user.id", ondelete="SET NULL")),
        sa.Column("timestamp", sa.DateTime, nullable=False),
        sa.Column("step", sa.UnicodeText, nullable=False),
        sa.Column("data", JSONB),
    )
    op.create_index("satudata_round_event_round_ts_idx", "satudata_round_event",
                    ["round_id", "timestamp"])


def downgrade():
    op.drop_table("satudata_round_event")
