"""The rest of the SOPs' chain: a round's own approval chain and late-data
policy, the late policy applied to a request, and the Forum Satu Data's
decisions (one decision covering several requests)

Revision ID: 0013_chain_levels
Revises: 0012_organisation_of_work
Create Date: 2026-12-02

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

revision = "0013_chain_levels"
down_revision = "0012_organisation_of_work"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("satudata_round", sa.Column("approval_chain", ARRAY(sa.UnicodeText)))
    op.add_column("satudata_round", sa.Column(
        "late_policy", sa.UnicodeText, nullable=False, server_default="accept"))
    op.add_column("satudata_request", sa.Column("late", sa.UnicodeText))
    op.create_table(
        "satudata_forum_decision",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("role", sa.UnicodeText, nullable=False),
        sa.Column("decision", sa.UnicodeText, nullable=False),
        sa.Column("decree_number", sa.UnicodeText, nullable=False),
        sa.Column("meeting_date", sa.Date, nullable=False),
        sa.Column("reason", sa.UnicodeText),
        sa.Column("file_name", sa.UnicodeText),
        sa.Column("request_ids", ARRAY(sa.UnicodeText), nullable=False),
        sa.Column("user_id", sa.UnicodeText,
                  sa.ForeignKey("user.id", ondelete="SET NULL")),
        sa.Column("created", sa.DateTime, nullable=False),
    )
    op.create_index("satudata_forum_decision_request_ids_idx", "satudata_forum_decision",
                    ["request_ids"], postgresql_using="gin")


def downgrade():
    op.drop_index("satudata_forum_decision_request_ids_idx",
                  table_name="satudata_forum_decision")
    op.drop_table("satudata_forum_decision")
    op.drop_column("satudata_request", "late")
    op.drop_column("satudata_round", "late_policy")
    op.drop_column("satudata_round", "approval_chain")
