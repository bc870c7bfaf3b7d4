"""Generated letters of a round (Surat Permintaan Data, Berita Acara
Verifikasi) with their gapless numbering, and the documents uploaded to a
round

Revision ID: 0010_letters
Revises: 0009_data_check
Create Date: 2026-12-02

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0010_letters"
down_revision = "0009_data_check"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "satudata_letter_counter",
        sa.Column("kind", sa.UnicodeText, primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("last", sa.Integer, nullable=False),
    )
    op.create_table(
        "satudata_letter",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("round_id", sa.UnicodeText,
                  sa.ForeignKey("satudata_round.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.UnicodeText, nullable=False),
        sa.Column("owner_org", sa.UnicodeText,
                  sa.ForeignKey("group.id", ondelete="CASCADE")),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("number", sa.UnicodeText, nullable=False),
        sa.Column("issued_on", sa.Date, nullable=False),
        sa.Column("issued_at", sa.DateTime, nullable=False),
        sa.Column("issued_by", sa.UnicodeText,
                  sa.ForeignKey("user.id", ondelete="SET NULL")),
        sa.Column("content", JSONB, nullable=False),
        sa.UniqueConstraint("kind", "year", "seq", name="satudata_letter_kind_year_seq_key"),
    )
    op.create_index("satudata_letter_round_idx", "satudata_letter", ["round_id", "kind"])
    op.create_table(
        "satudata_round_document",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("round_id", sa.UnicodeText,
                  sa.ForeignKey("satudata_round.id", ondelete="CASCADE"), nullable=False),
        sa.Column("title", sa.UnicodeText, nullable=False),
        sa.Column("file_name", sa.UnicodeText, nullable=False),
        sa.Column("mimetype", sa.UnicodeText, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("sha256", sa.UnicodeText, nullable=False),
        sa.Column("uploaded_at", sa.DateTime, nullable=False),
        sa.Column("uploaded_by", sa.UnicodeText,
                  sa.ForeignKey("user.id", ondelete="SET NULL")),
    )
    op.create_index("satudata_round_document_round_idx", "satudata_round_document",
                    ["round_id"])


def downgrade():
    op.drop_index("satudata_round_document_round_idx", table_name="satudata_round_document")
    op.drop_table("satudata_round_document")
    op.drop_index("satudata_letter_round_idx", table_name="satudata_letter")
    op.drop_table("satudata_letter")
    op.drop_table("satudata_letter_counter")
