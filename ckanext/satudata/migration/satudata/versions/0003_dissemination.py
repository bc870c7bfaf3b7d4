"""Dissemination: published datasets, scheduled releases, staged revisions, publications

Revision ID: 0003_dissemination
Revises: 0002_workflow
Create Date: 2026-11-22

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0003_dissemination"
down_revision = "0002_workflow"
branch_labels = None
depends_on = None


def _user_fk(name: str) -> sa.Column:
    return sa.Column(name, sa.UnicodeText,
                     sa.ForeignKey("user.id", ondelete="SET NULL"), nullable=True)


def upgrade():
    # one row per dataset made public through the workflow
    op.create_table(
        "satudata_dissemination",
        sa.Column("package_id", sa.UnicodeText,
                  sa.ForeignKey("package.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("request_id", sa.UnicodeText,
                  sa.ForeignKey("satudata_request.id", ondelete="SET NULL")),
        sa.Column("round_id", sa.UnicodeText,
                  sa.ForeignKey("satudata_round.id", ondelete="SET NULL")),
        sa.Column("owner_org", sa.UnicodeText,
                  sa.ForeignKey("group.id", ondelete="CASCADE"), nullable=False),
        sa.Column("status", sa.UnicodeText, nullable=False),
        sa.Column("first_published_at", sa.DateTime, nullable=False),
        sa.Column("published_at", sa.DateTime, nullable=False),
        _user_fk("published_by"),
        sa.Column("withdrawn_at", sa.DateTime),
        sa.Column("withdrawn_reason", sa.UnicodeText),
        sa.Column("archived_at", sa.DateTime),
        sa.Column("modified", sa.DateTime, nullable=False, server_default=sa.func.now()),
    )
    op.create_index("satudata_dissemination_status_published_idx",
                    "satudata_dissemination", ["status", "published_at"])
    op.create_index("satudata_dissemination_round_idx", "satudata_dissemination",
                    ["round_id"])
    op.create_index("satudata_dissemination_request_idx", "satudata_dissemination",
                    ["request_id"])

    # scheduled releases (jadwal rilis); at most one pending per request
    op.create_table(
        "satudata_release",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("request_id", sa.UnicodeText,
                  sa.ForeignKey("satudata_request.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("package_id", sa.UnicodeText,
                  sa.ForeignKey("package.id", ondelete="CASCADE"), nullable=False),
        sa.Column("owner_org", sa.UnicodeText,
                  sa.ForeignKey("group.id", ondelete="CASCADE"), nullable=False),
        sa.Column("title", sa.UnicodeText, nullable=False),
        sa.Column("release_at", sa.DateTime, nullable=False),
        sa.Column("status", sa.UnicodeText, nullable=False, server_default="scheduled"),
        sa.Column("released_at", sa.DateTime),
        sa.Column("error", sa.UnicodeText),
        _user_fk("created_by"),
        sa.Column("created", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("modified", sa.DateTime, nullable=False, server_default=sa.func.now()),
    )
    op.create_index("satudata_release_status_at_idx", "satudata_release",
                    ["status", "release_at"])
    op.create_index("satudata_release_one_pending_idx", "satudata_release",
                    ["request_id"], unique=True,
                    postgresql_where=sa.text("status = 'scheduled'"))

    # the pending package dict of a revision of published data
    op.create_table(
        "satudata_staged_revision",
        sa.Column("package_id", sa.UnicodeText,
                  sa.ForeignKey("package.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("request_id", sa.UnicodeText,
                  sa.ForeignKey("satudata_request.id", ondelete="SET NULL")),
        sa.Column("data", JSONB, nullable=False),
        _user_fk("created_by"),
        _user_fk("modified_by"),
        sa.Column("created", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("modified", sa.DateTime, nullable=False, server_default=sa.func.now()),
    )

    # the publication (book + XLSX compilation) of a collection round
    op.create_table(
        "satudata_publication",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("round_id", sa.UnicodeText,
                  sa.ForeignKey("satudata_round.id", ondelete="CASCADE"),
                  nullable=False, unique=True),
        sa.Column("package_id", sa.UnicodeText,
                  sa.ForeignKey("package.id", ondelete="SET NULL")),
        sa.Column("status", sa.UnicodeText, nullable=False, server_default="queued"),
        sa.Column("progress", sa.Integer, nullable=False, server_default="0"),
        sa.Column("message", sa.UnicodeText),
        sa.Column("job_id", sa.UnicodeText),
        sa.Column("dataset_count", sa.Integer),
        sa.Column("pdf_sha256", sa.UnicodeText),
        sa.Column("xlsx_sha256", sa.UnicodeText),
        _user_fk("requested_by"),
        sa.Column("requested_at", sa.DateTime, nullable=False,
                  server_default=sa.func.now()),
        sa.Column("started_at", sa.DateTime),
        sa.Column("finished_at", sa.DateTime),
    )


def downgrade():
    op.drop_table("satudata_publication")
    op.drop_table("satudata_staged_revision")
    op.drop_table("satudata_release")
    op.drop_table("satudata_dissemination")
