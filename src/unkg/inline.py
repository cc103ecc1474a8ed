"""Text inlined in an HTML ``<script>`` element, safe for the HTML parser's script-data states.

A browser reads a ``<script>`` element's text in the *script data* state
until ``</script``; ``<!--`` there, followed by ``<script``, moves it into
the *double-escaped* states, where the next ``</script>`` no longer closes
the element, so the scripts after it are swallowed into it (HTML Living
Standard, "Restrictions for contents of script elements"). Data must
therefore never show ``<!--``, ``<script`` or ``</script``, in any case.

- ``json_in_script(value)``: JSON with every ``<``, ``>`` and ``&`` written
  as a ``\\u`` escape (and U+2028, U+2029, which older JavaScript parsers
  took for line ends): none of those sequences can occur, and ``JSON.parse``
  of the element's text gives the value back unchanged.
- ``code_in_script(text)``: code (a vendored library) cannot be escaped
  without knowing its syntax, so it is checked instead and refused if it
  holds one of those sequences.

Every template that inlines data in a script uses ``json_in_script``
(registered with ``register``, as the jinja filter ``json_in_script``).
"""

from __future__ import annotations

import json
import re
from typing import Any

from markupsafe import Markup

# The characters written as \u escapes in JSON inlined in a script. Outside strings JSON has none of them,
# and inside strings an escape stands for the same character, so the JSON text still parses to the same value.
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_JSON_ESCAPED = re.compile("[<>&\u2028\u2029]")
# What may not appear in a script element's text (compared case-insensitively, as the parser does).
UNSAFE_IN_SCRIPT = re.compile(r"<!--|<script|</script", re.IGNORECASE)


def json_in_script(value: Any) -> Markup:
    """``value`` as compact JSON (keys sorted, non-ASCII kept) ready to stand in a ``<script>`` element.

    Args:
        value: anything ``json.dumps`` takes.

    Returns:
        The JSON text, with ``<``, ``>``, ``&``, U+2028 and U+2029 escaped, marked safe for jinja.

    >>> str(json_in_script({"t": "<!--<script></script>&"}))
    '{"t": "\\\\u003c!--\\\\u003cscript\\\\u003e\\\\u003c/script\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return Markup(_JSON_ESCAPED.sub(lambda m: _JSON_ESCAPES[m.group()], text))


def code_in_script(text: str) -> Markup:
    """Script code, checked to stand in a ``<script>`` element unchanged.

    Args:
        text: JavaScript source (a vendored library).

    Returns:
        The text as it is, marked safe for jinja.

    Raises:
        ValueError: the code holds ``<!--``, ``<script`` or ``</script``, which would end or
            swallow the element; code cannot be escaped without parsing it.
    """
    found = UNSAFE_IN_SCRIPT.search(text)
    if found:
        raise ValueError(
            f"script code holds {found.group()!r} at offset {found.start()}: it cannot be inlined in a <script> element"
        )
    return Markup(text)


def register(env: Any) -> None:
    """Make ``json_in_script`` a filter of a jinja environment: ``{{ data | json_in_script }}``."""
    env.filters["json_in_script"] = json_in_script
