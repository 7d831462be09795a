# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Token grants: request parameters and token response parsing. Internal to this collection; not a public API."""

from __future__ import annotations

import email.utils
import json
from collections import namedtuple

from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError, OAuthError, ResponseError

Grant = namedtuple('Grant', ['name', 'required', 'single_use', 'what'])

GRANTS = {
    # RFC 6749 section 4.1.3; redirect_uri is required because OIDC Core 3.1.2.1
    # requires it in every authorization request. A code is single-use (4.1.2).
    'authorization_code': Grant('authorization_code', ('code', 'redirect_uri'), True, 'exchange the authorization code'),
    # RFC 6749 section 4.4.2: nothing is spent, so it may be repeated.
    'client_credentials': Grant('client_credentials', (), False, 'obtain a client_credentials token'),
    # RFC 6749 section 6; treated as single-use because the OP may rotate it and
    # revoke the whole family when an old one is presented again (RFC 9700 4.14.2).
    'refresh_token': Grant('refresh_token', ('refresh_token',), True, 'refresh the token'),
}

# Form fields this library owns; extra_params may not replace them.
RESERVED_FIELDS = frozenset((
    'grant_type', 'code', 'redirect_uri', 'code_verifier', 'refresh_token', 'scope', 'client_id', 'client_secret',
    'client_assertion', 'client_assertion_type',
))

# What usually causes each RFC 6749 section 5.2 error, appended to the OP's own words.
ERROR_HINTS = {
    'invalid_client': 'check client_id, client_secret or private_key, auth_method and signing_alg against the client registration',
    'invalid_grant': 'the code or refresh token is expired, already used or revoked, or redirect_uri or code_verifier differ '
                     'from the authorization request',
    'unauthorized_client': 'the client registration does not allow this grant_type',
    'unsupported_grant_type': 'the OP does not support this grant_type',
    'invalid_scope': 'a requested scope is unknown or not allowed for this client',
}

# The fields of a token response that are credentials: never displayed, never masked away.
SECRET_TOKEN_FIELDS = ('access_token', 'id_token', 'refresh_token')

TOKEN_FIELDS = ('access_token', 'token_type', 'expires_in', 'scope', 'id_token', 'refresh_token')


def infer_grant_type(grant_type=None, code=None, refresh_token=None):
    """The explicit grant_type, else authorization_code with a code, refresh_token with one, else client_credentials."""
    if grant_type:
        return grant_type
    if code:
        return 'authorization_code'
    if refresh_token:
        return 'refresh_token'
    return 'client_credentials'


def grant_form(grant_type, code=None, redirect_uri=None, code_verifier=None, refresh_token=None, scope=None,
               extra_params=None):
    """The form fields of a token request for a grant, before client authentication."""
    grant = GRANTS.get(grant_type)
    if grant is None:
        raise ConfigurationError('grant_type must be one of {0}, got {1}'.format(', '.join(GRANTS), grant_type))
    values = {'code': code, 'redirect_uri': redirect_uri, 'refresh_token': refresh_token}
    missing = [name for name in grant.required if not values[name]]
    if missing:
        raise ConfigurationError('{0} required when grant_type is {1}'.format(
            ' and '.join(missing) + (' are' if len(missing) > 1 else ' is'), grant_type))
    form = {'grant_type': grant_type}
    if grant_type == 'authorization_code':
        form.update(code=code, redirect_uri=redirect_uri)
        if code_verifier:
            # RFC 7636 section 4.5.
            form['code_verifier'] = code_verifier
    elif grant_type == 'refresh_token':
        form['refresh_token'] = refresh_token
    if scope:
        form['scope'] = ' '.join(scope) if isinstance(scope, (list, tuple)) else scope
    for key, value in (extra_params or {}).items():
        if key in RESERVED_FIELDS:
            raise ConfigurationError('extra_params cannot set {0}; use the option of that name'.format(key))
        form[key] = value
    return form


def _json_or_none(text):
    try:
        return json.loads(text)
    except ValueError:
        return None


# A clock further off than this explains an assertion refused as expired or not yet valid
# (OPs allow some seconds of skew: oidc-provider 15, PingOne rejects an nbf in the future).
CLOCK_SKEW_HINT_AFTER = 60


def clock_skew(headers, sent_at):
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


def parse_token_response(status, headers, text, url, what, sent_at):
    """Turn a token endpoint answer into a dict of token fields, or raise saying why not.

    RFC 6749 section 5.1 (success) and 5.2 (error).  ``sent_at`` (epoch seconds
    when the request left) anchors ``expires_at`` so clock drift errs early.
    """
    # The media type only: parameters such as charset say nothing useful here.
    content_type = (headers or {}).get('Content-Type', 'no content type').split(';')[0].strip()
    body = _json_or_none(text)
    prefix = 'Failed to {0} at {1}'.format(what, url)
    if status != 200:
        if isinstance(body, dict) and isinstance(body.get('error'), str):
            description = body.get('error_description')
            message = '{0}: {1}{2} [HTTP {3}]'.format(prefix, body['error'], ' ({0})'.format(description) if description else '', status)
            if body['error'] in ERROR_HINTS:
                message += '; ' + ERROR_HINTS[body['error']]
            skew = clock_skew(headers, sent_at) if body['error'] == 'invalid_client' else None
            if skew is not None:
                message += ('; the controller clock is {0} s {1} the OP\'s (its Date header), so the client assertion\'s iat and exp '
                            'may fall outside what the OP accepts: fix the controller\'s time (NTP)').format(
                                int(abs(skew)), 'behind' if skew > 0 else 'ahead of')
            raise OAuthError(message, url=url, status=status, error=body['error'], error_description=description,
                             error_uri=body.get('error_uri'))
        if 300 <= status < 400:
            raise ResponseError('{0}: HTTP {1} redirect to {2}; a token endpoint does not redirect, check the endpoint URL'.format(
                prefix, status, (headers or {}).get('Location', 'nowhere')), url=url, status=status)
        raise ResponseError('{0}: HTTP {1} with a {2} answer, not an OAuth error response'.format(prefix, status, content_type),
                            url=url, status=status)
    if not isinstance(body, dict):
        raise ResponseError('{0}: HTTP 200 but the answer is not a JSON object ({1})'.format(prefix, content_type), url=url, status=status)
    if not isinstance(body.get('access_token'), str) or not body['access_token']:
        raise ResponseError('{0}: HTTP 200 but the answer has no access_token (keys: {1})'.format(
            prefix, ', '.join(sorted(body)) or 'none'), url=url, status=status)
    tokens = {field: body.get(field) for field in TOKEN_FIELDS}
    tokens['expires_at'] = None
    expires_in = body.get('expires_in')
    if isinstance(expires_in, str) and expires_in.isdigit():
        expires_in = int(expires_in)  # some OPs send a string, which RFC 6749 does not allow but is unambiguous
    if isinstance(expires_in, (int, float)) and not isinstance(expires_in, bool):
        tokens['expires_in'] = int(expires_in)
        tokens['expires_at'] = int(sent_at + expires_in)
    return tokens
