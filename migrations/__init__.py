"""Alembic migrations of the coordinator database (PostgreSQL and SQLite).

Shipped as a package so `shuttersense-coordinator migrate` finds them in any install; from a
checkout, `alembic upgrade head` in the repository root runs the same scripts.
"""

from pathlib import Path

LOCATION = Path(__file__).resolve().parent
