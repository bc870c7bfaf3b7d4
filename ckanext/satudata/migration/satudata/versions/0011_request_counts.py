"""The request lists at 100,000 requests: the number of requests per
round, OPD, state, revision flag, approval level and deadline kept by
PostgreSQL in the changing statement's transaction (the lists' counts read a
few hundred rows instead of counting every request), an index in deadline
order (a page is the first rows of an index scan) and a trigram index on the
Daftar Data titles (the text search)

Revision ID: 0011_request_counts
Revises: 0010_letters
Create Date: 2026-12-02

"""
import sqlalchemy as sa
from alembic import op

revision = "0011_request_counts"
down_revision = "0010_letters"
branch_labels = None
depends_on = None

KEY = "round_id, owner_org, state, revising, approval_level, due_date"
# a request's key; a missing deadline is 'infinity' (never overdue), so that
# the key has no NULL and one row per group
ROW_KEY = ("round_id, owner_org, state, revision_of IS NOT NULL AS revising, approval_level, "
           "COALESCE(due_date, 'infinity'::date) AS due_date")


def _apply(rows: str, sign: str) -> str:
    return f"SELECT {ROW_KEY}, {sign}count(*) AS n FROM {rows} GROUP BY 1, 2, 3, 4, 5, 6"


def _function(name: str, *parts: str) -> str:
    # old and new rows summed per key first: a change that keeps the key (a
    # new version, a modified time) writes and locks nothing; keys in one
    # order, so that two transactions never wait for each other in a circle
    deltas = " UNION ALL ".join(parts)
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO satudata_request_count AS c ({KEY}, n)
  SELECT {KEY}, sum(n) FROM ({deltas}) AS delta
  GROUP BY {KEY} HAVING sum(n) <> 0 ORDER BY {KEY}
  ON CONFLICT ({KEY}) DO UPDATE SET n = c.n + EXCLUDED.n;
  RETURN NULL;
END $$"""


def upgrade():
    op.create_table(
        "satudata_request_count",
        sa.Column("round_id", sa.UnicodeText, primary_key=True),
        sa.Column("owner_org", sa.UnicodeText, primary_key=True),
        sa.Column("state", sa.UnicodeText, primary_key=True),
        sa.Column("revising", sa.Boolean, primary_key=True),
        sa.Column("approval_level", sa.Integer, primary_key=True),
        sa.Column("due_date", sa.Date, primary_key=True),
        sa.Column("n", sa.BigInteger, nullable=False),
    )
    op.execute(_function("satudata_request_count_insert", _apply("new_rows", "")))
    op.execute(_function("satudata_request_count_update", _apply("old_rows", "-"),
                         _apply("new_rows", "")))
    op.execute(_function("satudata_request_count_delete", _apply("old_rows", "-")))
    op.execute("""
CREATE OR REPLACE FUNCTION satudata_request_count_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM satudata_request_count;
  RETURN NULL;
END $$""")
    for event, tables in (("INSERT", "NEW TABLE AS new_rows"),
                          ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
                          ("DELETE", "OLD TABLE AS old_rows")):
        op.execute(f"CREATE TRIGGER satudata_request_count_{event.lower()} AFTER {event} "
                   f"ON satudata_request REFERENCING {tables} FOR EACH STATEMENT "
                   f"EXECUTE FUNCTION satudata_request_count_{event.lower()}()")
    op.execute("CREATE TRIGGER satudata_request_count_truncate AFTER TRUNCATE "
               "ON satudata_request FOR EACH STATEMENT "
               "EXECUTE FUNCTION satudata_request_count_truncate()")
    op.execute(f"INSERT INTO satudata_request_count ({KEY}, n) "
               f"{_apply('satudata_request', '')}")
    op.create_index("satudata_request_due_id_idx", "satudata_request", ["due_date", "id"])
    op.create_index("satudata_request_item_id_idx", "satudata_request", ["item_id"])
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner
    # may create it
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    # written at once (no pending list): a bulk import leaves no unsorted
    # entries that make the planner scan the table instead
    op.execute("CREATE INDEX satudata_daftar_data_title_trgm_idx ON satudata_daftar_data "
               "USING gin (title gin_trgm_ops) WITH (fastupdate = off)")


def downgrade():
    op.execute("DROP INDEX IF EXISTS satudata_daftar_data_title_trgm_idx")
    op.drop_index("satudata_request_item_id_idx", table_name="satudata_request")
    op.drop_index("satudata_request_due_id_idx", table_name="satudata_request")
    for event in ("insert", "update", "delete", "truncate"):
        op.execute(f"DROP TRIGGER IF EXISTS satudata_request_count_{event} "
                   f"ON satudata_request")
        op.execute(f"DROP FUNCTION IF EXISTS satudata_request_count_{event}()")
    op.drop_table("satudata_request_count")
