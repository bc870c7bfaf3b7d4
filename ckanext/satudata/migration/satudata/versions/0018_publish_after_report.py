"""The data of a round with a report stage is published once the round's
report is approved (SOP 001 step 8, SOP 003 step 6): a ready request of
such a round has no deadline to publish before (it starts at the
approval); the deadlines counted from its readiness are taken away

Revision ID: 0018_publish_after_report
Revises: 0017_daftar_data_events
Create Date: 2026-12-06

"""
from alembic import op

revision = "0018_publish_after_report"
down_revision = "0017_daftar_data_events"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("""
        UPDATE satudata_request SET due_date = NULL
        WHERE state = 'ready' AND (late IS NULL OR late <> 'carry')
          AND round_id IN (SELECT id FROM satudata_round
                           WHERE report_days > 0 AND stage <> 'done')
    """)


def downgrade():
    # the deadlines counted from each request's readiness are not kept: the
    # next approval of the report gives them theirs
    pass
