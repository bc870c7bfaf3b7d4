"""A reminder is sent once per approval level: the key of a sent reminder
holds the level the request waited at (two levels of one day's chain
shared "verified" and the date, the second level was never reminded)

Revision ID: 0019_reminder_level
Revises: 0018_publish_after_report
Create Date: 2026-12-06

"""
import sqlalchemy as sa
from alembic import op

revision = "0019_reminder_level"
down_revision = "0018_publish_after_report"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("satudata_reminder_sent", sa.Column(
        "approval_level", sa.Integer, nullable=False, server_default="0"))
    op.drop_constraint("satudata_reminder_sent_key", "satudata_reminder_sent")
    op.create_unique_constraint(
        "satudata_reminder_sent_key", "satudata_reminder_sent",
        ["request_id", "kind", "state", "approval_level", "due_date"])


def downgrade():
    op.drop_constraint("satudata_reminder_sent_key", "satudata_reminder_sent")
    op.execute("DELETE FROM satudata_reminder_sent WHERE approval_level > 0")
    op.create_unique_constraint(
        "satudata_reminder_sent_key", "satudata_reminder_sent",
        ["request_id", "kind", "state", "due_date"])
    op.drop_column("satudata_reminder_sent", "approval_level")
