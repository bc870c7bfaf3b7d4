"""A walidata officer may remind the people a request waits for from its
page (a late OPD was chased only by the daily cron): a reminder records who
sent it and the note that went with it.

Revision ID: 0021_manual_reminders
Revises: 0020_role_events
Create Date: 2026-12-06

"""
import sqlalchemy as sa
from alembic import op

revision = "0021_manual_reminders"
down_revision = "0020_role_events"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("satudata_reminder_sent", sa.Column(
        "sent_by", sa.UnicodeText, sa.ForeignKey("user.id", ondelete="SET NULL"),
        nullable=True))
    op.add_column("satudata_reminder_sent", sa.Column("note", sa.UnicodeText, nullable=True))


def downgrade():
    op.execute("DELETE FROM satudata_reminder_sent WHERE kind = 'manual'")
    op.drop_column("satudata_reminder_sent", "note")
    op.drop_column("satudata_reminder_sent", "sent_by")
