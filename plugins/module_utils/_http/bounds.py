# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""How much of an answer's framing and shape is believed: its Content-Length, the depth of its JSON.

Internal to this collection; not a public API.  A hostile server or proxy chooses these; each function answers
with a value or a reason to refuse, never with Python's own ValueError or RecursionError.
"""

from __future__ import annotations

import json
import re
from json.decoder import scanstring  # type: ignore[attr-defined]  # the C scanner json.loads itself uses
from typing import Any

# The deepest JSON an answer may nest. Token, discovery, SCIM and PingOne answers nest fewer than 10 levels;
# Python's json parser recurses once a level and fails near 1,000 (RecursionError), and every recursive walk of
# the value after it (masking, comparing, Ansible's result) would too.
MAX_JSON_DEPTH = 100

# RFC 9110 section 8.6: Content-Length = 1*DIGIT, ASCII digits only (str.isdigit() accepts '²', which int() refuses).
# RFC 9112 section 6.3 item 5 allows a list of identical values.  More than 18 digits is more than any answer.
_CONTENT_LENGTH = re.compile(r'[0-9]{1,18}(?:[ \t]*,[ \t]*[0-9]{1,18})*')
_STRUCTURE = re.compile(r'["\[\]{}]')


def declared_length(value: str | None) -> tuple[int | None, str | None]:
    """The body length a Content-Length header declares: ``(length, None)``, ``(None, None)`` without one, or
    ``(None, why)`` when the value is not one (RFC 9112 section 6.3 item 5: the framing is invalid, and a user agent
    MUST discard the response)."""
    if value is None:
        return None, None
    text = value.strip()
    if _CONTENT_LENGTH.fullmatch(text):
        lengths = {int(part) for part in text.split(',')}
        if len(lengths) == 1:
            return lengths.pop(), None
        return None, f'the answer declares different lengths (Content-Length {_shown(value)}), so its end cannot be known (RFC 9112 section 6.3)'
    return None, f'the answer declares a Content-Length that is not a number of bytes ({_shown(value)}; RFC 9110 section 8.6 allows ASCII digits only)'


def _shown(value: str) -> str:
    return repr(value[:40] + ('...' if len(value) > 40 else ''))


def json_too_deep(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when ``text``, read as JSON, nests arrays and objects more than ``limit`` levels deep.

    Linear, and cheap for the usual answer: one ``count`` when the text has no more brackets than ``limit``;
    otherwise brackets and strings are walked, each string skipped by the json module's own C scanner (brackets
    inside strings are text).  Text that is not JSON (an unterminated string) stops the walk: the parser says so.
    """
    if text.count('[') + text.count('{') <= limit:
        return False
    depth = 0
    position = 0
    search = _STRUCTURE.search
    while True:
        found = search(text, position)
        if found is None:
            return False
        char = found.group()
        position = found.end()
        if char == '"':
            try:
                position = scanstring(text, position, False)[1]
            except ValueError:
                return False
        elif char in '[{':
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1


class JSONTooDeep(ValueError):
    """JSON nested more than MAX_JSON_DEPTH levels: a ValueError, so that what refuses text that is not JSON refuses it too."""


def load_json(text: str | bytes) -> Any:
    """``json.loads`` for text a server wrote (an answer, a JWT's payload): JSONTooDeep rather than RecursionError."""
    if isinstance(text, bytes):
        text = text.decode('utf-8')
    if json_too_deep(text):
        raise JSONTooDeep(f'the JSON is nested more than {MAX_JSON_DEPTH} levels deep')
    return json.loads(text)
