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

from unkg.iri import printable


class UnkgError(Exception):
    """Base of every error unkg raises on purpose."""


class SourceError(UnkgError):
    """One input could not be read; the message names the file (printable) and the reason."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{printable(path)}: {reason}")
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


def failure(exc: BaseException) -> str:
    """``Type: message`` of a failure no reader foresaw, for the reason of a SourceError.

    >>> failure(OverflowError("string too long")), failure(MemoryError())
    ('OverflowError: string too long', 'MemoryError: out of memory')
    """
    detail = str(exc) or ("out of memory" if isinstance(exc, MemoryError) else "")
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
