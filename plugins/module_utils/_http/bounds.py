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
import operator
import re
from itertools import accumulate, count
from typing import Any

# The deepest JSON an answer may nest. Token, discovery, SCIM and PingOne answers nest fewer than 10 levels;
# Python's json parser recurses once a level and fails near 1,000 (RecursionError), and every recursive walk of
# the value after it (masking, comparing, Ansible's result) would too.
MAX_JSON_DEPTH = 100

# RFC 9110 section 8.6: Content-Length = 1*DIGIT, ASCII digits only (str.isdigit() accepts '²', which int() refuses).
# RFC 9112 section 6.3 item 5 allows a list of identical values.  More than 18 digits is more than any answer.
_CONTENT_LENGTH = re.compile(r'[0-9]{1,18}(?:[ \t]*,[ \t]*[0-9]{1,18})*')
# Escape pairs (RFC 8259 section 7: a backslash and the character after it, the first of \uXXXX's), the bytes that are
# neither a quote nor a bracket, a string once only quotes and brackets are left (or the rest of the text after a quote
# that never closes: the pattern always matches where it starts, so no quote is scanned twice), and the steps of the depth.
_ESCAPE = re.compile(rb'\\[\s\S]')
_NOT_STRUCTURE = bytes(byte for byte in range(256) if byte not in b'[]{}"')
_STRING = re.compile(rb'"[^"]*(?:"|\Z)')
_STEPS = bytes.maketrans(b'[{]}', b'\x02\x02\x00\x00')
_PAIRS = bytes.maketrans(b'[{]}', b'(())')
# The deepest text measured by passes (json_too_deep): a PingOne page is 4 levels deep; a deeper text is walked once.
SHALLOW = 8


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


def json_too_deep(text: str | bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when ``text``, read as JSON, nests arrays and objects more than ``limit`` levels deep.

    Linear, and in C but for a few calls: escape pairs go (an escaped quote does not end a string), then everything but
    quotes and brackets, and the text is judged at once when it holds no more brackets than ``limit``; then strings go
    (brackets inside them are text). A shallow text (every page of a list) is measured by taking away its innermost
    pairs of brackets, a level a pass, until none is left: the passes are its depth. A deeper one, or one whose
    brackets do not pair, is measured exactly: the largest running sum of what is left. A walk of each string in Python
    took 12 ms of a 200-user PingOne page, the running sum 0.6 ms, the passes 0.3 ms. A string that never ends runs to
    the end of the text: its brackets are not counted, and the parser says the text is not JSON.
    """
    # UTF-8 never puts a quote, a bracket or a backslash byte inside a multi-byte character (RFC 3629 section 3).
    data = text if isinstance(text, bytes) else text.encode('utf-8', 'surrogatepass')
    if b'\\' in data:
        data = _ESCAPE.sub(b'', data)
    data = data.translate(None, _NOT_STRUCTURE)
    if data.count(b'[') + data.count(b'{') <= limit:
        return False
    # Two quotes side by side are an empty string, or a string's end and the next one's start with no structure
    # between them: either way nothing is lost by dropping them, and most of a page's strings go so, without the regex.
    data = data.replace(b'""', b'')
    if b'"' in data:
        data = _STRING.sub(b'', data)
    # Arrays and objects count alike: the passes take away any opening bracket and the closing one after it.
    left = data.translate(_PAIRS)
    for depth in range(1, SHALLOW + 1):
        shorter = left.replace(b'()', b'')
        if not shorter:
            return depth > limit
        if len(shorter) == len(left):
            break  # brackets that do not pair: not JSON, but measured as before, for the parser to refuse
        left = shorter
    # An opening bracket steps by 2 and a closing one by 0: the running sum less the count so far is the depth.
    return max(map(operator.sub, accumulate(data.translate(_STEPS)), count(1)), default=0) > limit


class JSONTooDeep(ValueError):
    """JSON nested more than MAX_JSON_DEPTH levels: a ValueError, so that what refuses text that is not JSON refuses it too."""


def load_json(text: str | bytes) -> Any:
    """``json.loads`` for text a server wrote (an answer, a JWT's payload): JSONTooDeep rather than RecursionError."""
    if json_too_deep(text):
        raise JSONTooDeep(f'the JSON is nested more than {MAX_JSON_DEPTH} levels deep')
    return json.loads(text.decode('utf-8') if isinstance(text, bytes) else text)
