# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What must never be printed, in every encoding it may come back in. Internal to this collection; not a public API.

An OP or gateway that echoes the request in ``error_description`` returns the
client assertion, the URL-encoded client secret (a form field) or the Base64
Basic credentials.  The edges mask every form listed here in whatever they show.
Values minted while the task runs (assertions, Basic credentials, tokens) are
remembered in this process: the worker that runs one task or one lookup.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, quote_plus

# Derived forms shorter than this are not masked: they would garble ordinary text.
MIN_FORM_LENGTH = 8

_minted: set[str] = set()


def remember(*values: Any) -> None:
    """Note credentials this process sent or received, so that the edges mask them too."""
    for value in values:
        if isinstance(value, str) and value:
            _minted.add(value)


def minted() -> set[str]:
    """Everything remember() was given in this process."""
    return set(_minted)


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
    """Every form of the given secrets and of every minted credential, for ansible's remove_values()."""
    values: set[str] = set()
    for secret in list(secrets) + list(_minted):
        values.update(forms(secret))
    return values
