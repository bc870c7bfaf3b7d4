"""When an all-in round's verification started (every OPD had delivered):
the gate stays open after that, for the requests of items sent later too

Revision ID: 0016_round_verification_started
Revises: 0015_round_events
Create Date: 2026-12-05

"""
import sqlalchemy as sa
from alembic import op

revision = "0016_round_verification_started"
down_revision = "0015_round_events"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("satudata_round", sa.Column("verification_started_at", sa.DateTime))
    # the all-in rounds whose every request has been delivered once: their
    # verification started with the last delivery
    op.execute("""
        UPDATE satudata_round r SET verification_started_at = (
            SELECT max(q.submitted_at) FROM satudata_request q WHERE q.round_id = r.id)
        WHERE r.verify_when_complete
          AND EXISTS (SELECT 1 FROM satudata_request q
                      WHERE q.round_id = r.id AND q.submitted_at IS NOT NULL)
          AND NOT EXISTS (SELECT 1 FROM satudata_request q
                          WHERE q.round_id = r.id AND q.submitted_at IS NULL
                            AND q.state IN ('requested', 'returned'))
    """)


def downgrade():
    op.drop_column("satudata_round", "verification_started_at")
