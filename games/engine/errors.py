"""The single exception type the engine raises for any refused command.

A stable machine-readable ``code`` lets the WebSocket layer and the UI react
without parsing text; ``message`` is a sentence a player can read.
"""

from __future__ import annotations


class RuleViolation(Exception):
    """A command broke a rule (or was malformed); nothing changed."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"RuleViolation({self.code!r}, {self.message!r})"
