# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Token endpoint answers: the tokens of a success, the words of an error, and how long tokens live.

Internal to this collection; not a public API.  RFC 6749 sections 5.1 and 5.2, with what usually causes each error
appended to the OP's own words.
"""

from __future__ import annotations

import re

import base64
import email.utils
import math
from collections.abc import Mapping
from typing import Any

from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import OAuthError, ResponseError, failed_to
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.bounds import load_json
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.error_body import (
    clean,
    correlation_id,
    is_oauth_error,
    json_or_none,
    lacks,
    media_type,
    summarise,
)
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.grants import DEVICE_CODE, TOKEN_EXCHANGE
from ansible_collections.jwtauth.oidc.plugins.module_utils._pingone.locations import looks_like_pingone, not_found_hint

# The fields of a token response that are credentials: never displayed, never masked away.
SECRET_TOKEN_FIELDS = ('access_token', 'id_token', 'refresh_token')

TOKEN_FIELDS = ('access_token', 'token_type', 'expires_in', 'scope', 'id_token', 'refresh_token')

# The longest error code shown: RFC 6749 section 5.2's codes are a few words.
ERROR_CHARS = 60

# What usually causes each RFC 6749 section 5.2 error, appended to the OP's own words.
ERROR_HINTS = {
    'invalid_client': 'check client_id, client_secret or private_key, auth_method and signing_alg against the client registration, '
    'and for a client assertion the aud and typ this endpoint accepts (assertion_audience, audience, assertion_typ)',
    'invalid_grant': 'the code or refresh token is expired, already used or revoked, or redirect_uri or code_verifier differ from the authorization request',
    'unauthorized_client': 'the client registration does not allow this grant_type',
    'unsupported_grant_type': 'the OP does not support this grant_type',
    'invalid_scope': 'a requested scope is unknown or not allowed for this client',
    # RFC 8628 section 3.5.
    'access_denied': 'the user denied the request at the verification page, or the OP refused it',
    'expired_token': 'the device code expired before the user approved the request: run the task again and approve it in time',
    # RFC 8693 section 2.2.2.
    'invalid_target': 'the OP will not issue a token for the resource or token_audience requested (unknown, or not allowed for this client)',
}

# RFC 8693 section 2.2.2: an invalid or unacceptable subject_token or actor_token is reported as invalid_request
# (many OPs say invalid_grant instead).
TOKEN_EXCHANGE_TOKEN_HINT = (
    'the subject_token or actor_token is expired, revoked, not issued by this OP, or not of the '
    'subject_token_type or actor_token_type sent, or the request lacks a parameter the OP needs'
)

# PingOne "Grant types": "An authorization code expires after 10 minutes"
# (https://docs.pingidentity.com/pingone/applications/p1_grant_types.html).
PINGONE_CODE_LIFETIME = '10 minutes'


def invalid_grant_hint(grant_type: str | None, redirect_uri: str | None = None, pingone: bool = False) -> str:
    """What an invalid_grant answer can mean for this grant, with what was sent that the OP compares."""
    if grant_type == 'authorization_code':
        lifetime = (
            f'a PingOne code lives {PINGONE_CODE_LIFETIME}' if pingone else 'RFC 6749 section 4.1.2 recommends codes live 10 minutes at most, many OPs use less'
        )
        return (
            f'the code expired ({lifetime}), was already used (RFC 6749 section 4.1.2: a reused code is refused, and the OP should revoke the '
            f'tokens of its first redemption), was issued to another client, or redirect_uri (sent: {redirect_uri or "none"}) or code_verifier '
            'differ from the authorization request, where redirect_uri must be the same string'
        )
    if grant_type == TOKEN_EXCHANGE:
        return TOKEN_EXCHANGE_TOKEN_HINT
    if grant_type == DEVICE_CODE:
        return 'the device code expired, was already redeemed, or was issued to another client'
    if grant_type == 'refresh_token':
        return (
            'the refresh token expired, was revoked, or was already used: an OP that rotates refresh tokens (PingOne does) '
            'refuses an old one and may revoke the newer ones too (RFC 9700 section 4.14.2)'
        )
    return ERROR_HINTS['invalid_grant']


# A clock further off than this explains an assertion refused as expired or not yet valid
# (OPs allow some seconds of skew: oidc-provider 15, PingOne rejects an nbf in the future).
CLOCK_SKEW_HINT_AFTER = 60


def clock_skew(headers: Mapping[str, str] | None, sent_at: float) -> float | None:
    """Seconds the OP's clock (RFC 9110 section 6.6.1 Date) is ahead of ours, when beyond the hint threshold, else None."""
    value = (headers or {}).get('Date')
    if not value:
        return None
    try:
        when = email.utils.parsedate_to_datetime(value)
        skew = when.timestamp() - sent_at
    except (TypeError, ValueError, IndexError, OverflowError, AttributeError):
        return None
    return skew if abs(skew) > CLOCK_SKEW_HINT_AFTER else None


def with_likely_causes(error: OAuthError, causes: list[str]) -> OAuthError:
    """``error`` with its general checklist (ERROR_HINTS) led by what most likely went wrong, when anything points; the
    causes are added at the end when the message has no such checklist."""
    if not causes:
        return error
    general = ERROR_HINTS.get(error.error or '')
    likely = f'most likely {"; or ".join(causes)}'
    message = error.message.replace(general, f'{likely}; else {general}') if general and general in error.message else f'{error.message}; {likely}'
    return OAuthError(message, **error.details)


def with_pkce_hint(error: OAuthError, grant_type: str | None, form: Mapping[str, Any]) -> OAuthError:
    """RFC 7636 section 4.5: a code whose authorization request had a code_challenge is redeemed with its code_verifier.
    An exchange refused invalid_grant that sent none says so: most likely the cause when the OP names PKCE, else one to
    rule out (oidc-provider says only "grant request is invalid")."""
    if error.error != 'invalid_grant' or grant_type != 'authorization_code' or form.get('code_verifier'):
        return error
    if re.search(r'pkce|code_verifier|code_challenge|verifier', (error.error_description or '').lower()):
        return with_likely_causes(
            error, ['no code_verifier was sent, and the authorization request carried a code_challenge (PKCE, RFC 7636 section 4.5): give code_verifier']
        )
    return OAuthError(
        f'{error.message}; no code_verifier was sent: an authorization request with a code_challenge (PKCE, RFC 7636 section 4.5) needs it',
        **error.details,
    )


def oauth_error(
    what: str,
    status: int,
    headers: Mapping[str, str] | None,
    body: Mapping[str, Any],
    url: str,
    sent_at: float,
    grant_type: str | None = None,
    redirect_uri: str | None = None,
    pingone: bool = False,
    hints: Mapping[str, str] | None = None,
) -> OAuthError:
    """The OAuthError for an RFC 6749 section 5.2 error body: the OP's words, its correlation ID, and what usually causes it
    (``hints``, an endpoint's own words for some errors, before ERROR_HINTS).

    The OP's words are shown cleaned (_http.error_body.clean), in the message and in the details alike: section 5.2
    limits error, error_description and error_uri to printable ASCII, but an OP that breaks it must not colour the output,
    forge a line of it, fill it with 300 kB, or show a token it echoed."""
    error = clean(body['error'], ERROR_CHARS)
    description = clean(body['error_description']) if isinstance(body.get('error_description'), str) else None
    error_uri = clean(body['error_uri']) if isinstance(body.get('error_uri'), str) else None
    message = failed_to(what, url, f'{error}{f" ({description})" if description else ""} [HTTP {status}]')
    # PingOne puts "(Correlation ID: ...)" in error_description; a gateway may send only the header.
    correlation = correlation_id(headers)
    if correlation and correlation not in (description or ''):
        message += f'; correlation ID {correlation}'
    hint = (hints or {}).get(error) or ERROR_HINTS.get(error)
    if error == 'invalid_grant' or (error == 'invalid_request' and grant_type == TOKEN_EXCHANGE):
        message += '; ' + invalid_grant_hint(grant_type, redirect_uri, pingone)
    elif hint:
        message += '; ' + hint
    # A 404 with an OAuth body (an OP's "unrecognized route") is still most likely a wrong environment or region.
    not_found = not_found_hint(url, pingone) if status == 404 else None
    if not_found:
        message += '; ' + not_found
    skew = clock_skew(headers, sent_at) if error == 'invalid_client' else None
    if skew is not None:
        message += (
            f"; the controller clock is {int(abs(skew))} s {'behind' if skew > 0 else 'ahead of'} the OP's (its Date header), so the client "
            "assertion's iat and exp may fall outside what the OP accepts: fix the controller's time (NTP)"
        )
    return OAuthError(
        message,
        url=url,
        status=status,
        error=error,
        error_description=description,
        error_uri=error_uri,
        correlation_id=correlation,
    )


def non_oauth_error(what: str, status: int, headers: Mapping[str, str] | None, text: str, url: str, pingone: bool, redirect_hint: str) -> ResponseError:
    """The error for a failed answer that is not an OAuth error response (a redirect, an HTML page, a platform error body),
    shared by the token, revocation and introspection endpoints: what the server said (_error_body), never its body whole."""
    if 300 <= status < 400:
        location = clean((headers or {}).get('Location', 'nowhere'))
        return ResponseError.failure(what, url, f'HTTP {status} redirect to {location}; {redirect_hint}', status=status)
    answer = f'a {media_type(headers)} answer' if (text or '').strip() else 'an empty answer'
    message = failed_to(what, url, f'HTTP {status} with {answer}, not an OAuth error response')
    said = summarise(headers, text)
    if said:
        message += ': ' + said
    if status == 401:
        # RFC 6749 section 5.2 answers a failed client authentication 401 invalid_client; a bare 401 (an OP's, or a
        # gateway's in front of it) at an endpoint where the client authenticates means the same.
        message += f'; the client authentication failed at this endpoint: {ERROR_HINTS["invalid_client"]}'
    hint = not_found_hint(url, pingone) if status == 404 else None
    if hint:
        message += '; ' + hint
    return ResponseError(message, url=url, status=status, correlation_id=correlation_id(headers))


def parse_token_response(
    status: int,
    headers: Mapping[str, str] | None,
    text: str,
    url: str,
    what: str,
    sent_at: float,
    grant_type: str | None = None,
    redirect_uri: str | None = None,
    pingone: bool = False,
) -> dict[str, Any]:
    """Turn a token endpoint answer into a dict of token fields, or raise saying why not.

    RFC 6749 section 5.1 (success) and 5.2 (error).  ``sent_at`` (epoch seconds
    when the request left) anchors ``expires_at`` so clock drift errs early.
    ``grant_type`` and ``redirect_uri`` sharpen the invalid_grant hint; ``pingone``
    says the URL was built from the PingOne options, for PingOne's facts in hints.
    """
    body = json_or_none(text)
    pingone = pingone or looks_like_pingone(url)  # a token_endpoint option that is PingOne's
    if status != 200:
        if is_oauth_error(body):
            raise oauth_error(what, status, headers, body, url, sent_at, grant_type, redirect_uri, pingone)
        raise non_oauth_error(what, status, headers, text, url, pingone, 'a token endpoint does not redirect, check the endpoint URL')
    if not isinstance(body, dict):
        raise ResponseError.failure(what, url, f'HTTP 200 but the answer is not a JSON object ({media_type(headers)})', status=status)
    if not isinstance(body.get('access_token'), str) or not body['access_token']:
        raise ResponseError.failure(what, url, lacks(body, 'access_token'), status=status)
    tokens = {field: body.get(field) for field in TOKEN_FIELDS}
    if isinstance(body.get('issued_token_type'), str):
        # RFC 8693 section 2.2.1: what the exchanged token is (its access_token member holds it whatever its type).
        tokens['issued_token_type'] = body['issued_token_type']
    tokens['expires_in'], tokens['expires_at'] = token_expiry(body.get('expires_in'), body['access_token'], sent_at)
    return tokens


# The longest lifetime the store believes an OP about: an expires_in of 1e12, or
# an access token whose exp is centuries away, is a bug or a hostile answer, and a
# token trusted for ever is never renewed even when the OP forgets it.
MAX_TOKEN_LIFETIME = 365 * 24 * 3600


def finite_number(value: Any) -> int | float | None:
    """A finite number from a JSON value, or None (bools, NaN, Infinity and strings other than digits are not)."""
    if isinstance(value, str) and value.strip().isdigit():
        # Some OPs send a string, which RFC 6749 section 5.1 does not allow but is unambiguous.
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _clamp_lifetime(seconds: float) -> int:
    return int(min(max(seconds, 0), MAX_TOKEN_LIFETIME))


def jwt_expiry(access_token: Any) -> int | float | None:
    """The ``exp`` claim of an access token that is a JWT, read without verifying it, or None.

    Only the OP's own statement about its token's lifetime is taken from it (RFC 9068
    section 2.2 makes exp required in JWT access tokens); nothing is trusted
    for authorisation, so the signature does not matter here.
    """
    parts = access_token.split('.') if isinstance(access_token, str) else []
    if len(parts) != 3:
        return None
    try:
        payload = base64.urlsafe_b64decode(parts[1] + '=' * (-len(parts[1]) % 4))
        claims = load_json(payload)
    except ValueError:  # not base64, not UTF-8, not JSON, or JSON nested too deep (bounds.load_json)
        return None
    return finite_number(claims.get('exp')) if isinstance(claims, dict) else None


def token_expiry(expires_in: Any, access_token: Any, sent_at: float) -> tuple[int | None, int | None]:
    """(expires_in, expires_at) for a token response: never a crash, never nonsense.

    RFC 6749 section 5.1 only RECOMMENDS expires_in.  Without it, a JWT access
    token's exp is used; without either, both are None and the caller applies
    its default lifetime.  Lifetimes are clamped to 0 .. MAX_TOKEN_LIFETIME:
    negative, NaN, Infinity and 1e12 (Python's json module accepts them all)
    would otherwise overflow int() or keep a token for ever.
    """
    seconds = finite_number(expires_in)
    if seconds is None and isinstance(expires_in, float) and expires_in == float('inf'):
        seconds = MAX_TOKEN_LIFETIME  # the OP means "long"; believe it as far as the cap
    if seconds is not None:
        lifetime = _clamp_lifetime(seconds)
        return lifetime, int(sent_at + lifetime)
    exp = jwt_expiry(access_token)
    if exp is not None:
        return None, int(sent_at + _clamp_lifetime(exp - sent_at))
    return None, None


def with_default_expiry(tokens: dict[str, Any], default_lifetime: int | None, sent_at: float) -> dict[str, Any]:
    """The tokens with ``expires_at`` set from ``default_lifetime`` when the OP stated no lifetime (0 or None: leave unknown)."""
    if tokens.get('expires_at') is not None or not default_lifetime:
        return tokens
    return dict(tokens, expires_at=int(sent_at + _clamp_lifetime(default_lifetime)))
