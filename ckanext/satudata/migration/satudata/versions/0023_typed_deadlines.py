"""The deadlines of a round typed by the walidata (not counted in working
days): they stay when what they follow changes (a typed deadline left as the
edit form showed it was counted again when the working days before it
changed, against the form's word "leave a date empty to have it computed").

Revision ID: 0023_typed_deadlines
Revises: 0022_report_chain
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

revision = "0023_typed_deadlines"
down_revision = "0022_report_chain"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("satudata_round", sa.Column("typed_deadlines", ARRAY(sa.UnicodeText),
                                              nullable=True))


def downgrade():
    op.drop_column("satudata_round", "typed_deadlines")
