"""A round's report may go up a chain of its own (SOP 001: the data is
validated by the Kasi alone, the report is checked by the Kasi, the Kabid and
the Sekretaris and approved by the Kadis); none: the round's approval chain.

Revision ID: 0022_report_chain
Revises: 0021_manual_reminders
Create Date: 2026-12-06

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

revision = "0022_report_chain"
down_revision = "0021_manual_reminders"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("satudata_round", sa.Column("report_chain", ARRAY(sa.UnicodeText),
                                              nullable=True))


def downgrade():
    op.drop_column("satudata_round", "report_chain")
