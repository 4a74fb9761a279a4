"""Columns that store a vocabulary (crm.domain) as its code, guarded by a named CHECK constraint."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Enum
from sqlalchemy.orm import mapped_column

from crm.domain import Vocabulary


def vocab_type(vocab: type[Vocabulary], *, name: str | None = None, length: int = 20) -> Enum:
    """A VARCHAR(length) holding the codes of `vocab`; loaded values are its members.

    `name` names the CHECK constraint (ck_<table>_<name> by the naming convention); None adds
    no constraint, for columns a shared hand-written CHECK covers (see `vocab_check`)."""
    return Enum(vocab, native_enum=False, create_constraint=name is not None, name=name, length=length,
                values_callable=lambda members: [m.value for m in members],
                # Unknown codes go to the database, whose CHECK refuses them like any other bad row.
                validate_strings=False)


def vocab_column(vocab: type[Vocabulary], *, name: str | None, length: int = 20, **kwargs):
    """mapped_column of a vocabulary; kwargs go to mapped_column (default, info, nullable...)."""
    return mapped_column(vocab_type(vocab, name=name, length=length), **kwargs)


def codes_sql(vocab: type[Vocabulary]) -> str:
    """The codes of `vocab` as an SQL list: 'a', 'b'."""
    return ", ".join(f"'{m.value}'" for m in vocab)


def vocab_check(vocab: type[Vocabulary], *columns: str, name: str) -> CheckConstraint:
    """One CHECK that several columns hold codes of `vocab` (e.g. from_stage and to_stage)."""
    return CheckConstraint(" AND ".join(f"{c} IN ({codes_sql(vocab)})" for c in columns), name=name)
