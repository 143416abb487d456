"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from plugin import MIGRATIONS_DIR


def test_migrated_database_matches_the_models(db):
    # The session's database was built by `upgrade()` alone (fixture `database_url`).
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)

    assert differences == []


def test_there_is_one_migration_head():
    from alembic.config import Config

    config = Config(str(MIGRATIONS_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))

    assert len(ScriptDirectory.from_config(config).get_heads()) == 1
