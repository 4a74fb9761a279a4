"""The base of every closed list of codes: a StrEnum whose members carry a Chinese title.

A member *is* its code (`Stage.TALKS == "talks"`, JSON writes "talks"); `.title` is the title
translated for the current request, looked up when read so a language switch takes effect.
"""

from __future__ import annotations

from enum import StrEnum

from flask_babel import gettext, lazy_gettext


def N_(message: str) -> str:  # noqa: N802
    """Mark a title for extraction; it is translated when read (`Vocabulary.title`)."""
    return message


class Vocabulary(StrEnum):
    """Members are declared as `CODE = "code", N_("标题")`."""

    def __new__(cls, code: str, msgid: str):
        member = str.__new__(cls, code)
        member._value_ = code
        member.msgid = msgid
        return member

    @property
    def title(self) -> str:  # shadows str.title on purpose: a member's title is its label
        return gettext(self.msgid)

    @classmethod
    def get(cls, code, default=None):
        """The member for `code`, or `default` for anything else (never raises)."""
        return cls._value2member_map_.get(code, default) if isinstance(code, str) else default

    @classmethod
    def codes(cls) -> list[str]:
        return [m.value for m in cls]

    @classmethod
    def labels(cls) -> dict[str, str]:
        """code → untranslated title (templates wrap it in `_()`)."""
        return {m.value: m.msgid for m in cls}

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(code, translated title) pairs for a select, built in the current language."""
        return [(m.value, m.title) for m in cls]

    @classmethod
    def lazy_choices(cls) -> list[tuple[str, object]]:
        """Select choices for a form class attribute, translated when rendered."""
        return [(m.value, lazy_gettext(m.msgid)) for m in cls]
