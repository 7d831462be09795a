# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What a server said in an answer that is not an OAuth error response, in a few words. Internal to this collection; not a public API.

The token endpoint, discovery and api_resource all meet answers that are not
RFC 6749 section 5.2 error bodies: PingOne platform errors, SCIM errors, a
proxy's HTML page.  One function summarises them, bounded and without anything
that looks like a credential, so every message shows the same facts the same way.
Whatever else a server wrote that the collection shows (an OAuth error_description,
a device flow's user code, a PingOne flow status) goes through ``clean`` too.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from typing import Any

from ansible_collections.jwtauth.oidc.plugins.module_utils._masking import one_line

# The longest text taken from one field of an answer, and from an answer that is not JSON.
FIELD_CHARS = 200
EXCERPT_CHARS = 160
# How much of a server's text clean() reads, at most, for ``limit`` characters shown: enough that what is redacted or
# collapsed still leaves ``limit`` to show, and a 2 MB user code costs no more than a short one.
SCAN_FACTOR = 16
MIN_SCAN_CHARS = 4096
# PingOne's error "details" can be many (one per invalid attribute); the first few say enough.
MAX_DETAILS = 3
# An answer that lacks what it should is described by its keys: the first few say enough.
MAX_KEYS = 20

# PingOne sends a Correlation-Id header with every answer ("API responses", HTTP response headers:
# https://developer.pingidentity.com/pingone-api/foundations/conventions/pingone-api-responses.html);
# the others are what common gateways use for the same purpose.
CORRELATION_HEADERS = ('Correlation-Id', 'X-Correlation-Id', 'X-Request-Id')

# What may be a credential echoed back by a server or proxy: a compact JWS/JWE, or a long run of base64
# characters (not '/' or '.', so that URLs stay readable); the whole word that holds one is redacted, so that
# no part of a secret around it is left (client_secret=<secret>, a form body echoed whole).  And a Bearer or
# Basic value.  The edges mask every known secret as well, but only whole: this also catches what they cannot
# know (a header a gateway added), and what they could no longer find once part of it was redacted.
_TOKEN_LIKE = re.compile(r'eyJ[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*){1,4}|[A-Za-z0-9_\-+=]{40,}')
# A Bearer or Basic value is a token68 (RFC 7235 section 2.1) of 8 characters or more with a digit, a symbol or a
# capital after a small letter in it, as random credentials have: the server's words "bearer token", "Bearer
# Authentication" or "Bearer realm=" stay.
_AUTHORIZATION = re.compile(r'(?i:bearer|basic)\s+(?=[A-Za-z0-9._~+/-]*(?:[0-9._~+/-]|[a-z][A-Z]))[A-Za-z0-9._~+/-]{8,}=*')
_TITLE = re.compile(r'<title[^>]*>(.*?)</title>', re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r'<(script|style)\b.*?</\1>|<[^>]*>', re.IGNORECASE | re.DOTALL)


_NOT_JSON = object()


def json_type(value: Any) -> str:
    """The JSON type of a value, in words, for messages that must not show the value itself."""
    if value is None:
        return 'null'
    if isinstance(value, bool):
        return 'a boolean'
    if isinstance(value, (int, float)):
        return 'a number'
    if isinstance(value, str):
        return 'a string'
    if isinstance(value, list):
        return 'a list'
    return 'an object'


def _json_value(text: str) -> Any:
    """The decoded JSON value, or _NOT_JSON (JSON that is not an object says nothing worth showing either)."""
    try:
        return json.loads(text)
    except ValueError:
        return _NOT_JSON


def clean(text: Any, limit: int = FIELD_CHARS) -> str:
    """What a server wrote, as the collection shows it: one line of plain text (_masking.one_line: no escape sequence,
    control character or line break), credential-like runs redacted, and at most ``limit`` characters of it, cut
    after a whole word and followed by how long the text was.  Every text of a server that the collection shows
    goes through here (messages, warnings, the device flow's instructions, an error's details).

    A secret is masked by the edge only whole (_masking), so nothing is left of one in part: a word that holds a
    credential-like run is redacted whole, and the cut drops the word it falls in.  (A secret with spaces in it can
    still lose its end to a redaction or the cut: _masking.forms masks its word-bounded heads and tails for that.)"""
    text = str(text)
    total = len(text)
    scanned = max(limit * SCAN_FACTOR, MIN_SCAN_CHARS)
    if total > scanned:
        text = _without_cut_word(text[:scanned])
    text = ' '.join('[redacted]' if _TOKEN_LIKE.search(word) else word for word in _AUTHORIZATION.sub('[redacted]', one_line(text)).split(' '))
    if total > scanned or len(text) > limit:
        kept = text[:limit] if len(text) <= limit or text[limit] == ' ' else _without_cut_word(text[:limit])
        text = f'{kept.rstrip()}... [cut: {total} characters in all]'
    return text


def _without_cut_word(text: str) -> str:
    """A text cut in the middle of a word without that word, even if nothing is left: only the whole of a secret is masked
    (_masking), and a prefix of a token or of a password the server echoed would be shown."""
    end = len(text)
    while end and not text[end - 1].isspace():
        end -= 1
    return text[:end]


def json_or_none(text: str) -> Any:
    """The JSON value of an answer's text, or None when it is not JSON."""
    try:
        return json.loads(text)
    except ValueError:
        return None


def lacks(body: Mapping[str, Any], what: str) -> str:
    """Why a 200 answer cannot be used: it has no ``what``; its first MAX_KEYS keys are named (cleaned), never its values."""
    keys = [clean(key, 40) for key in sorted(map(str, body))[:MAX_KEYS]]
    more = f' and {len(body) - MAX_KEYS} more' if len(body) > MAX_KEYS else ''
    return f'HTTP 200 but the answer has no {what} (keys: {", ".join(keys) or "none"}{more})'


def media_type(headers: Mapping[str, str] | None) -> str:
    """The media type of an answer, for messages: its Content-Type without parameters (charset says nothing here)."""
    return (headers or {}).get('Content-Type', 'no content type').split(';')[0].strip()


def correlation_id(headers: Mapping[str, str] | None) -> str | None:
    """The correlation ID of an answer, from its headers, or None."""
    for name in CORRELATION_HEADERS:
        value = (headers or {}).get(name)
        if value:
            return clean(value, 80)
    return None


def is_oauth_error(body: Any) -> bool:
    """True for an RFC 6749 section 5.2 error response: a JSON object whose ``error`` is a string."""
    return isinstance(body, dict) and isinstance(body.get('error'), str)


def _pingone_platform(body: dict[str, Any]) -> str | None:
    """PingOne's platform error body: ``{"id", "code", "message", "details": [{"code", "target", "message"}]}``.

    PingOne "Error codes" (https://developer.pingidentity.com/pingone-api/platform/reference/error-codes.html):
    ``id`` is always present, is stored in PingOne's logs, and is what Ping support asks for.
    """
    if not (isinstance(body.get('code'), str) and isinstance(body.get('message'), str)):
        return None
    text = f'{clean(body["code"], 60)}: {clean(body["message"])}'
    details: list[Any] = body['details'] if isinstance(body.get('details'), list) else []
    said = []
    for detail in details[:MAX_DETAILS]:
        if isinstance(detail, dict) and isinstance(detail.get('message'), str):
            target = f' ({clean(detail["target"], 60)})' if isinstance(detail.get('target'), str) else ''
            said.append(clean(detail['message']) + target)
    if said:
        more = len(details) - MAX_DETAILS
        text += f' (details: {"; ".join(said)}{f"; {more} more" if more > 0 else ""})'
    if isinstance(body.get('id'), str):
        text += f'; PingOne error id {clean(body["id"], 80)}'
    return text


def _json_summary(body: dict[str, Any]) -> str | None:
    platform = _pingone_platform(body)
    if platform:
        return platform
    # RFC 7644 section 3.12: a SCIM error has "detail" and maybe "scimType".
    if isinstance(body.get('detail'), str):
        scim_type = f' (scimType {clean(body["scimType"], 40)})' if isinstance(body.get('scimType'), str) else ''
        return clean(body['detail']) + scim_type
    for field in ('error_description', 'message', 'error', 'title'):
        if isinstance(body.get(field), str) and body[field].strip():
            return clean(body[field])
    return None


def _text_excerpt(text: str, content_type: str) -> str | None:
    if 'html' in content_type or text.lstrip()[:1] == '<':
        title = _TITLE.search(text)
        text = title.group(1) if title else _TAGS.sub(' ', text)
        text = html.unescape(text)
    excerpt = clean(text, EXCERPT_CHARS)
    return excerpt or None


def summarise(headers: Mapping[str, str] | None, text: str | None) -> str | None:
    """A short description of an error answer that is not an OAuth error response, or None when it says nothing.

    PingOne's platform body gives its code, message, details and error id; a SCIM error its
    detail; other JSON its message; HTML its title; other text a bounded excerpt.  The
    correlation ID header is added when the answer has one.
    """
    content_type = (headers or {}).get('Content-Type', '').split(';')[0].strip().lower()
    said: str | None = None
    body = _json_value(text or '')
    if isinstance(body, dict):
        said = _json_summary(body)
    elif body is _NOT_JSON and text and text.strip() and _textual(content_type):
        said = _text_excerpt(text, content_type)
    correlation = correlation_id(headers)
    if correlation and correlation not in (said or ''):
        said = f'{said}; correlation ID {correlation}' if said else f'correlation ID {correlation}'
    return said


def _textual(content_type: str) -> bool:
    """Whether an answer of this media type (or of none given) is text worth an excerpt."""
    return not content_type or content_type.startswith('text/') or any(kind in content_type for kind in ('json', 'xml', 'html'))
