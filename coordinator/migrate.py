"""Running the Alembic migrations from code (`shuttersense-coordinator migrate`, tests)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from shuttersense.migrations import LOCATION

__all__ = ["alembic_config", "downgrade", "upgrade"]


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(LOCATION))
    config.attributes["url"] = url
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at `url` up to `revision`."""
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)
