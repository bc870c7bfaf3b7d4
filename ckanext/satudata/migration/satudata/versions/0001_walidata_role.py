"""Walidata roles: verifier and approval levels of walidata staff

Revision ID: 0001_walidata_role
Revises:
Create Date: 2026-11-21

"""
import sqlalchemy as sa
from alembic import op

revision = "0001_walidata_role"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "satudata_walidata_role",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column(
            "user_id", sa.UnicodeText,
            sa.ForeignKey("user.id", ondelete="CASCADE"), nullable=False,
        ),
        sa.Column("role", sa.UnicodeText, nullable=False),
        sa.Column("created", sa.DateTime, nullable=False,
                  server_default=sa.func.now()),
        sa.Column(
            "created_by", sa.UnicodeText,
            sa.ForeignKey("user.id", ondelete="SET NULL"), nullable=True,
        ),
        sa.UniqueConstraint("user_id", "role",
                            name="satudata_walidata_role_user_role_key"),
    )
    op.create_index("satudata_walidata_role_user_id_idx",
                    "satudata_walidata_role", ["user_id"])


def downgrade():
    op.drop_table("satudata_walidata_role")
