"""Everyone who wrote a staged revision (a revision of published data or a
new period): the four-eyes rule knew only who began it and who wrote it
last, so an officer who wrote in between verified what they had written.

Revision ID: 0024_staged_writers
Revises: 0023_typed_deadlines
Create Date: 2026-12-08

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

revision = "0024_staged_writers"
down_revision = "0023_typed_deadlines"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("satudata_staged_revision", sa.Column(
        "writers", ARRAY(sa.UnicodeText), nullable=False, server_default="{}"))
    # the revisions under work: who began them and who wrote them last
    op.execute(
        "UPDATE satudata_staged_revision SET writers = ARRAY(SELECT DISTINCT w FROM"
        " unnest(ARRAY[created_by, modified_by]) AS w WHERE w IS NOT NULL)")


def downgrade():
    op.drop_column("satudata_staged_revision", "writers")
