"""The errors unkg raises.

::

    UnkgError
    ├── SourceError (path, reason)   # one bad input: reported, the batch goes on
    ├── QueryError                   # a stored query cannot be run as asked
    │   ├── UnknownQuery
    │   └── MissingParameter
    └── UsageError                   # a wrong option or argument (exit status 2)
"""

from __future__ import annotations


class UnkgError(Exception):
    """Base of every error unkg raises on purpose."""


class SourceError(UnkgError):
    """One input could not be read; the message names the file and the reason."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class UsageError(UnkgError):
    """The caller asked for something that cannot be done as asked."""


class QueryError(UnkgError):
    """A stored query cannot be run as asked (bad header, parameter or value)."""


class UnknownQuery(QueryError):
    """No stored query has that name; the message lists the names there are."""


class MissingParameter(QueryError):
    """A parameter the query needs was not given; the message says which and of what type."""
