"""Public data requests (permohonan data) and their audit trail

Revision ID: 0007_public_request
Revises: 0006_release_postponement
Create Date: 2026-12-02

"""
import sqlalchemy as sa
from alembic import op

revision = "0007_public_request"
down_revision = "0006_release_postponement"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "satudata_public_request",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("title", sa.UnicodeText, nullable=False),
        sa.Column("description", sa.UnicodeText, nullable=False),
        sa.Column("purpose", sa.UnicodeText),
        sa.Column("owner_org", sa.UnicodeText,
                  sa.ForeignKey("group.id", ondelete="SET NULL")),
        sa.Column("requester_id", sa.UnicodeText,
                  sa.ForeignKey("user.id", ondelete="CASCADE"), nullable=False),
        sa.Column("email", sa.UnicodeText, nullable=False),
        sa.Column("phone", sa.UnicodeText),
        sa.Column("state", sa.UnicodeText, nullable=False),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("extended", sa.Boolean, nullable=False),
        sa.Column("response", sa.UnicodeText),
        sa.Column("package_id", sa.UnicodeText,
                  sa.ForeignKey("package.id", ondelete="SET NULL")),
        sa.Column("item_id", sa.UnicodeText,
                  sa.ForeignKey("satudata_daftar_data.id", ondelete="SET NULL")),
        sa.Column("reminded_for", sa.Date),
        sa.Column("escalated_for", sa.Date),
        sa.Column("answered_at", sa.DateTime),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("modified", sa.DateTime, nullable=False),
    )
    op.create_index("satudata_public_request_state_due_idx", "satudata_public_request",
                    ["state", "due_date"])
    op.create_index("satudata_public_request_requester_idx", "satudata_public_request",
                    ["requester_id"])
    op.create_index("satudata_public_request_package_idx", "satudata_public_request",
                    ["package_id"])
    op.create_index("satudata_public_request_item_idx", "satudata_public_request",
                    ["item_id"])
    op.create_table(
        "satudata_public_request_event",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("request_id", sa.UnicodeText,
                  sa.ForeignKey("satudata_public_request.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("step", sa.UnicodeText, nullable=False),
        sa.Column("from_state", sa.UnicodeText),
        sa.Column("to_state", sa.UnicodeText, nullable=False),
        sa.Column("user_id", sa.UnicodeText, sa.ForeignKey("user.id", ondelete="SET NULL")),
        sa.Column("note", sa.UnicodeText),
        sa.Column("due_date", sa.Date),
        sa.Column("timestamp", sa.DateTime, nullable=False),
    )
    op.create_index("satudata_public_request_event_request_idx",
                    "satudata_public_request_event", ["request_id", "timestamp"])


def downgrade():
    op.drop_table("satudata_public_request_event")
    op.drop_table("satudata_public_request")
