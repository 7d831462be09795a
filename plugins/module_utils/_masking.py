# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What must never be printed, in every encoding it may come back in. Internal to this collection; not a public API.

An OP or gateway that echoes the request in ``error_description`` returns the
client assertion, the URL-encoded client secret (a form field) or the Base64
Basic credentials; an API that echoes a JSON request body (a SCIM ``password``,
PingOne's sign-on) returns it JSON-escaped; and whatever a server wrote is shown
as one line (one_line), which changes a secret with a line break in it.  The edges
mask every form listed here in whatever they show, for the secret options and for
what the task minted (its TaskContext remembers it).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence, Set
from typing import Any
from urllib.parse import quote, quote_plus

# Derived forms shorter than this are not masked: they would garble ordinary text.
MIN_FORM_LENGTH = 8
# The most words a form may have for its heads and tails to be masked too (_word_parts): a PEM key made one line has 30 to 60.
MAX_WORDS = 64


# A \uXXXX escape of a JSON string (RFC 8259 section 7), whose hex digits encoders write in either case.
_UNICODE_ESCAPE = re.compile(r'\\u([0-9a-f]{4})')
# What some JSON encoder writes otherwise than as itself: text without any of it has one JSON form, itself.
_JSON_ESCAPED = re.compile(r'["\\/<>&]|[^\x20-\x7e]')
# What Go's encoding/json also escapes, as \u003c and so on, so that JSON is safe inside HTML and JavaScript.
_HTML_ESCAPES = {'<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029'}


# How a terminal is driven from text (ECMA-48): CSI sequences (ESC [ or the 8-bit CSI U+009B, parameters,
# intermediates, a final byte: colours, cursor moves, erasing the screen), OSC and other command strings up to
# their terminator (window titles, OSC 8 hyperlinks), and two-character escapes.
_ESCAPE_SEQUENCE = re.compile(
    r'(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?'
    r'|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?'
    r'|\x1b[ -~]?'
)
# What else moves or hides text on a terminal: C0 and C1 control characters (CR and LF, which can start a forged
# line of output, included), DEL, Unicode's line and paragraph separators, and the bidirectional overrides,
# embeddings and isolates that show text in another order than it is (CVE-2021-42574).
_CONTROL = re.compile('[\x00-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]+')
_SPACES = re.compile(r'\s+')
# What one_line would change: text without it is one line already (the common case, and a quick one).
_NOT_ONE_LINE = re.compile(r'[^\x21-\x7e ]|  |^ | $')


def one_line(text: str) -> str:
    """``text`` as one line of plain text: escape sequences removed, every other control character a space, runs of
    white space one space.  What a server wrote is shown so (_http.error_body.clean): it cannot colour the output,
    move the cursor, or start a line that looks like Ansible's own (``ok: [localhost]``)."""
    text = _ESCAPE_SEQUENCE.sub('', text)
    return _SPACES.sub(' ', _CONTROL.sub(' ', text)).strip()


def forms(value: Any) -> set[str]:
    """A secret as sent raw, URL-encoded (form bodies, query strings) and Base64-encoded (Basic credentials), each
    of these as it reads inside a JSON string (json_forms), the secret as one_line shows it, and, for a form with
    spaces, what a cut or a redaction leaves of it (_word_parts)."""
    if not isinstance(value, str) or not value:
        return set()
    raw = value.encode('utf-8')
    found = {value, quote(value, safe=''), quote_plus(value), quote(value)}
    for encoded in (base64.b64encode(raw), base64.urlsafe_b64encode(raw)):
        text = encoded.decode('ascii')
        found.update((text, text.rstrip('=')))
    # Each check first made on all the forms at once: most secrets have one JSON form and no space, and masking the
    # passwords of 10,000 items computes 80,000 forms.
    if _JSON_ESCAPED.search(' '.join(found)):
        found.update(escaped for form in list(found) for escaped in json_forms(form))
    shown = one_line(value) if _NOT_ONE_LINE.search(value) else value
    found.add(shown)
    if ' ' in value or ' ' in shown:  # only these and their JSON forms have spaces: URL and Base64 encoding have none
        found.update(part for form in list(found) if ' ' in form for part in _word_parts(form))
    return {form for form in found if form == value or len(form) >= MIN_FORM_LENGTH}


def _word_parts(form: str) -> list[str]:
    """The heads and tails of a form with spaces, cut between words: what is left of it when a server's text is cut
    after a whole word, or when a word of it is redacted (_http.error_body.clean)."""
    words = form.split(' ')
    if len(words) > MAX_WORDS:
        return []  # a text, not a password: its parts would be many and long, and a cut part of it says little
    return [' '.join(words[:end]) for end in range(1, len(words))] + [' '.join(words[start:]) for start in range(1, len(words))]


def json_forms(text: str) -> set[str]:
    """``text`` as JSON encoders write it inside a string (RFC 8259 section 7): a server that echoes a JSON body, or
    puts what it received in a JSON error, shows a password with ``"`` as ``\\"``.  Encoders differ in what they
    escape beyond ``"``, ``\\`` and control characters, so each way seen is a form: non-ASCII kept or as ``\\uXXXX``
    (Python's ensure_ascii, Jackson's ESCAPE_NON_ASCII), the hex digits in lower or upper case (Python and Go, Jackson),
    ``/`` as ``\\/`` (PHP's json_encode), and ``<``, ``>``, ``&``, U+2028 and U+2029 as ``\\u003c`` and so on (Go)."""
    if not _JSON_ESCAPED.search(text):
        return {text}
    found: set[str] = set()
    for ensure_ascii in (False, True):
        escaped = json.dumps(text, ensure_ascii=ensure_ascii)[1:-1]
        for html in (escaped, ''.join(_HTML_ESCAPES.get(char, char) for char in escaped)):
            for slashes in (html, html.replace('/', '\\/')):
                found.update((slashes, _UNICODE_ESCAPE.sub(lambda match: '\\u' + match.group(1).upper(), slashes)))
    return found


def mask_values(secrets: Iterable[str]) -> set[str]:
    """Every form of the given secrets, for ansible's remove_values()."""
    values: set[str] = set()
    for secret in secrets:
        values.update(forms(secret))
    return values


def occurring(masks: Iterable[str], value: Any) -> list[str]:
    """The masks that occur in ``value`` (in a string of it, a key or a number's text), longest first: all
    remove_values() needs, in the order it must try them.

    remove_values() tries every mask on every string it meets, so a result masked with every form of a
    write-only password on each of 10,000 items costs masks times strings (bench/edge_overhead.py).  One scan of the
    text finds the few that matter, so masking costs O(masks + text).  A mask that occurs is never
    left out; one that spans two strings may be kept, and then masks nothing.
    """
    text = '\0'.join(_texts(value))
    found: list[str] = []
    # Masks by the length of their head: the whole mask when shorter than MIN_FORM_LENGTH, else its first
    # MIN_FORM_LENGTH characters; each head is looked up among the text's substrings of that length.
    heads: dict[int, list[str]] = {}
    for mask in masks:
        if mask:
            heads.setdefault(min(len(mask), MIN_FORM_LENGTH), []).append(mask)
    for length, candidates in heads.items():
        seen = {text[start : start + length] for start in range(len(text) - length + 1)}
        found.extend(mask for mask in candidates if mask[:length] in seen and (len(mask) == length or mask in text))
    # Longest first: remove_values() replaces in the order given on ansible-core before 2.17, and a shorter form
    # replaced first (the tail of a secret that a server's text broke in two) would leave the rest of the longer one.
    return sorted(found, key=len, reverse=True)


def _texts(value: Any) -> Iterator[str]:
    """Every string in ``value``, its mapping keys included, and the text of its numbers and other scalars."""
    pending = [value]
    while pending:
        current = pending.pop()
        if isinstance(current, str):
            yield current
        elif isinstance(current, bytes):
            yield current.decode('utf-8', errors='surrogateescape')
        elif current is None or isinstance(current, bool):
            continue
        elif isinstance(current, Mapping):
            pending.extend(current.keys())
            pending.extend(current.values())
        elif isinstance(current, (Sequence, Set)):
            pending.extend(current)
        else:
            yield str(current)
