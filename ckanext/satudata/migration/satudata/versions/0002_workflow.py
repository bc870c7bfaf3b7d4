"""Data-request workflow: Daftar Data, collection rounds, requests, events, reminders

Revision ID: 0002_workflow
Revises: 0001_walidata_role
Create Date: 2026-11-21

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0002_workflow"
down_revision = "0001_walidata_role"
branch_labels = None
depends_on = None


def _user_fk(name: str) -> sa.Column:
    return sa.Column(name, sa.UnicodeText,
                     sa.ForeignKey("user.id", ondelete="SET NULL"), nullable=True)


def upgrade():
    op.create_table(
        "satudata_daftar_data",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("title", sa.UnicodeText, nullable=False),
        sa.Column("description", sa.UnicodeText),
        sa.Column("owner_org", sa.UnicodeText,
                  sa.ForeignKey("group.id", ondelete="CASCADE"), nullable=False),
        sa.Column("frekuensi", sa.UnicodeText),
        sa.Column("urusan", sa.UnicodeText),
        sa.Column("satuan", sa.UnicodeText),
        sa.Column("priority", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("sk_number", sa.UnicodeText),
        sa.Column("sk_date", sa.Date),
        sa.Column("sk_url", sa.UnicodeText),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("created", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("modified", sa.DateTime, nullable=False, server_default=sa.func.now()),
        _user_fk("created_by"),
    )
    op.create_index("satudata_daftar_data_owner_org_idx", "satudata_daftar_data",
                    ["owner_org"])
    op.create_index("satudata_daftar_data_year_active_idx", "satudata_daftar_data",
                    ["year", "active"])

    op.create_table(
        "satudata_round",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("name", sa.UnicodeText, nullable=False, unique=True),
        sa.Column("title", sa.UnicodeText, nullable=False),
        sa.Column("description", sa.UnicodeText),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("period", sa.UnicodeText),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("prepare_days", sa.Integer, nullable=False),
        sa.Column("submit_days", sa.Integer, nullable=False),
        sa.Column("verify_days", sa.Integer, nullable=False),
        sa.Column("approval_days", sa.Integer, nullable=False),
        sa.Column("prepare_due", sa.Date, nullable=False),
        sa.Column("submit_due", sa.Date, nullable=False),
        sa.Column("verify_due", sa.Date, nullable=False),
        sa.Column("state", sa.UnicodeText, nullable=False, server_default="draft"),
        sa.Column("sent_at", sa.DateTime),
        sa.Column("created", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("modified", sa.DateTime, nullable=False, server_default=sa.func.now()),
        _user_fk("created_by"),
    )
    op.create_index("satudata_round_year_idx", "satudata_round", ["year"])

    op.create_table(
        "satudata_request",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("round_id", sa.UnicodeText,
                  sa.ForeignKey("satudata_round.id", ondelete="CASCADE"), nullable=False),
        sa.Column("item_id", sa.UnicodeText,
                  sa.ForeignKey("satudata_daftar_data.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("owner_org", sa.UnicodeText,
                  sa.ForeignKey("group.id", ondelete="CASCADE"), nullable=False),
        sa.Column("package_id", sa.UnicodeText,
                  sa.ForeignKey("package.id", ondelete="SET NULL")),
        sa.Column("state", sa.UnicodeText, nullable=False, server_default="requested"),
        sa.Column("approval_level", sa.Integer, nullable=False, server_default="0"),
        sa.Column("due_date", sa.Date),
        sa.Column("submit_due", sa.Date),
        sa.Column("requested_at", sa.DateTime, nullable=False,
                  server_default=sa.func.now()),
        sa.Column("submitted_at", sa.DateTime),
        sa.Column("verified_at", sa.DateTime),
        sa.Column("ready_at", sa.DateTime),
        sa.Column("return_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("created", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("modified", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("round_id", "item_id", name="satudata_request_round_item_key"),
    )
    op.create_index("satudata_request_owner_org_state_idx", "satudata_request",
                    ["owner_org", "state"])
    op.create_index("satudata_request_state_due_idx", "satudata_request",
                    ["state", "due_date"])
    op.create_index("satudata_request_round_state_idx", "satudata_request",
                    ["round_id", "state"])
    op.create_index("satudata_request_package_id_idx", "satudata_request",
                    ["package_id"])

    op.create_table(
        "satudata_request_event",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("request_id", sa.UnicodeText,
                  sa.ForeignKey("satudata_request.id", ondelete="CASCADE"),
                  nullable=False),
        _user_fk("user_id"),
        sa.Column("timestamp", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("transition", sa.UnicodeText, nullable=False),
        sa.Column("from_state", sa.UnicodeText),
        sa.Column("to_state", sa.UnicodeText, nullable=False),
        sa.Column("approval_level", sa.Integer, nullable=False, server_default="0"),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("note", sa.UnicodeText),
        sa.Column("field_notes", JSONB),
        sa.Column("completeness", sa.Integer),
        sa.Column("data", JSONB),
    )
    op.create_index("satudata_request_event_request_ts_idx", "satudata_request_event",
                    ["request_id", "timestamp"])
    op.create_index("satudata_request_event_user_idx", "satudata_request_event",
                    ["user_id"])

    op.create_table(
        "satudata_reminder_sent",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("request_id", sa.UnicodeText,
                  sa.ForeignKey("satudata_request.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("kind", sa.UnicodeText, nullable=False),
        sa.Column("state", sa.UnicodeText, nullable=False),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("sent_at", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("request_id", "kind", "state", "due_date",
                            name="satudata_reminder_sent_key"),
    )


def downgrade():
    op.drop_table("satudata_reminder_sent")
    op.drop_table("satudata_request_event")
    op.drop_table("satudata_request")
    op.drop_table("satudata_round")
    op.drop_table("satudata_daftar_data")
