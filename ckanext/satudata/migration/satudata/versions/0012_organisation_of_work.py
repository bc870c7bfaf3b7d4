"""The walidata's organisation of work: a round's all-in gate and its
compile/analyse and report stages, a Daftar Data item's own submission
deadline, the round report approved up the chain (with its audit trail)

Revision ID: 0012_organisation_of_work
Revises: 0011_request_counts
Create Date: 2026-12-02

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0012_organisation_of_work"
down_revision = "0011_request_counts"
branch_labels = None
depends_on = None


def upgrade():
    # an item's own submission deadline, counted from the round's sending
    op.add_column("satudata_daftar_data", sa.Column("submit_days", sa.Integer))
    op.add_column("satudata_daftar_data", sa.Column(
        "submit_calendar_days", sa.Boolean, nullable=False, server_default=sa.false()))
    # verification waits until every request of the round is in
    op.add_column("satudata_round", sa.Column(
        "verify_when_complete", sa.Boolean, nullable=False, server_default=sa.false()))
    # the stages after the collection: compile/analyse, then the report
    op.add_column("satudata_round", sa.Column(
        "stage", sa.UnicodeText, nullable=False, server_default="collection"))
    op.add_column("satudata_round", sa.Column("compile_days", sa.Integer))
    op.add_column("satudata_round", sa.Column("report_days", sa.Integer))
    op.add_column("satudata_round", sa.Column("compile_due", sa.Date))
    op.add_column("satudata_round", sa.Column("report_due", sa.Date))
    # the stage deadline a reminder / an escalation went out for (sent once each)
    op.add_column("satudata_round", sa.Column("stage_reminded_for", sa.Date))
    op.add_column("satudata_round", sa.Column("stage_escalated_for", sa.Date))
    op.create_table(
        "satudata_round_report",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("round_id", sa.UnicodeText,
                  sa.ForeignKey("satudata_round.id", ondelete="CASCADE"), nullable=False),
        sa.Column("state", sa.UnicodeText, nullable=False),
        sa.Column("approval_level", sa.Integer, nullable=False, server_default="0"),
        sa.Column("title", sa.UnicodeText, nullable=False),
        sa.Column("body", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("summary", JSONB, nullable=False),
        sa.Column("due_date", sa.Date),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("modified", sa.DateTime, nullable=False),
        sa.Column("created_by", sa.UnicodeText,
                  sa.ForeignKey("user.id", ondelete="SET NULL")),
        sa.UniqueConstraint("round_id", name="satudata_round_report_round_key"),
    )
    op.create_table(
        "satudata_round_report_event",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("report_id", sa.UnicodeText,
                  sa.ForeignKey("satudata_round_report.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("user_id", sa.UnicodeText, sa.ForeignKey("user.id", ondelete="SET NULL")),
        sa.Column("timestamp", sa.DateTime, nullable=False),
        sa.Column("step", sa.UnicodeText, nullable=False),
        sa.Column("from_state", sa.UnicodeText),
        sa.Column("to_state", sa.UnicodeText, nullable=False),
        sa.Column("approval_level", sa.Integer, nullable=False),
        sa.Column("note", sa.UnicodeText),
        sa.Column("data", JSONB),
    )
    op.create_index("satudata_round_report_event_report_ts_idx",
                    "satudata_round_report_event", ["report_id", "timestamp"])


def downgrade():
    op.drop_table("satudata_round_report_event")
    op.drop_table("satudata_round_report")
    for column in ("stage_escalated_for", "stage_reminded_for", "report_due", "compile_due", "report_days", "compile_days", "stage",
                   "verify_when_complete"):
        op.drop_column("satudata_round", column)
    op.drop_column("satudata_daftar_data", "submit_calendar_days")
    op.drop_column("satudata_daftar_data", "submit_days")
