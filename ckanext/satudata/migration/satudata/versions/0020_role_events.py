"""The trail of walidata roles: who gave or took which role from whom,
when (only the current holders were kept; a role taken away left no trace).
The roles held today enter it as given when they were, by whom they were.

Revision ID: 0020_role_events
Revises: 0019_reminder_level
Create Date: 2026-12-06

"""
import sqlalchemy as sa
from alembic import op

revision = "0020_role_events"
down_revision = "0019_reminder_level"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "satudata_walidata_role_event",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("user_id", sa.UnicodeText,
                  sa.ForeignKey("user.id", ondelete="SET NULL"), nullable=True),
        sa.Column("role", sa.UnicodeText, nullable=False),
        sa.Column("step", sa.UnicodeText, nullable=False),
        sa.Column("actor_id", sa.UnicodeText,
                  sa.ForeignKey("user.id", ondelete="SET NULL"), nullable=True),
        sa.Column("timestamp", sa.DateTime, nullable=False),
    )
    op.create_index("satudata_walidata_role_event_timestamp_idx",
                    "satudata_walidata_role_event", ["timestamp"])
    op.execute(
        "INSERT INTO satudata_walidata_role_event "
        "(id, user_id, role, step, actor_id, timestamp) "
        "SELECT id, user_id, role, 'grant', created_by, created FROM satudata_walidata_role")


def downgrade():
    op.drop_index("satudata_walidata_role_event_timestamp_idx",
                  "satudata_walidata_role_event")
    op.drop_table("satudata_walidata_role_event")
