# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What must never be printed, in every encoding it may come back in. Internal to this collection; not a public API.

An OP or gateway that echoes the request in ``error_description`` returns the
client assertion, the URL-encoded client secret (a form field) or the Base64
Basic credentials.  The edges mask every form listed here in whatever they show,
for the secret options and for what the task minted (its TaskContext remembers it).
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Iterator, Mapping, Sequence, Set
from typing import Any
from urllib.parse import quote, quote_plus

# Derived forms shorter than this are not masked: they would garble ordinary text.
MIN_FORM_LENGTH = 8


def forms(value: Any) -> set[str]:
    """A secret as sent raw, URL-encoded (form bodies, query strings) and Base64-encoded (Basic credentials)."""
    if not isinstance(value, str) or not value:
        return set()
    raw = value.encode('utf-8')
    found = {value, quote(value, safe=''), quote_plus(value), quote(value)}
    for encoded in (base64.b64encode(raw), base64.urlsafe_b64encode(raw)):
        text = encoded.decode('ascii')
        found.update((text, text.rstrip('=')))
    return {form for form in found if form == value or len(form) >= MIN_FORM_LENGTH}


def mask_values(secrets: Iterable[str]) -> set[str]:
    """Every form of the given secrets, for ansible's remove_values()."""
    values: set[str] = set()
    for secret in secrets:
        values.update(forms(secret))
    return values


def occurring(masks: Iterable[str], value: Any) -> list[str]:
    """The masks that occur in ``value`` (in a string of it, a key or a number's text): all remove_values() needs.

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
    return found


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
