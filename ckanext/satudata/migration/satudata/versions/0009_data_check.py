"""The latest check of each data file: validation against the declared
variables and personal-data screening

Revision ID: 0009_data_check
Revises: 0008_outbox
Create Date: 2026-12-02

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0009_data_check"
down_revision = "0008_outbox"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "satudata_data_check",
        sa.Column("resource_id", sa.UnicodeText, primary_key=True),
        sa.Column("package_id", sa.UnicodeText,
                  sa.ForeignKey("package.id", ondelete="CASCADE"), nullable=False),
        sa.Column("fingerprint", sa.UnicodeText, nullable=False),
        sa.Column("status", sa.UnicodeText, nullable=False),
        sa.Column("errors", JSONB, nullable=False),
        sa.Column("error_count", sa.Integer, nullable=False),
        sa.Column("findings", JSONB, nullable=False),
        sa.Column("finding_count", sa.Integer, nullable=False),
        sa.Column("row_count", sa.Integer),
        sa.Column("seconds", sa.Float),
        sa.Column("checked_at", sa.DateTime, nullable=False),
    )
    op.create_index("satudata_data_check_package_idx", "satudata_data_check",
                    ["package_id"])


def downgrade():
    op.drop_index("satudata_data_check_package_idx", table_name="satudata_data_check")
    op.drop_table("satudata_data_check")
