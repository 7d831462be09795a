# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Token grants: what each is, and the form fields of its request. Internal to this collection; not a public API."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Mapping, Sequence
from typing import Any

from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.error_body import clean

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
    # PingOne's headless sign-on (response_mode=pi.flow, see _pingone_flow), then the authorization code grant:
    # the code it yields is single-use, and a repeated sign-on counts towards the account's lockout.
    'pingone_flow': Grant('pingone_flow', ('username', 'password', 'redirect_uri'), True, 'sign on at PingOne and exchange the code'),
    # RFC 8628 section 3.4. Single-use in the check-mode sense: it starts a sign-in that a person must complete,
    # which --check must not do. The device code itself is spent only when tokens are issued (section 3.5).
    'urn:ietf:params:oauth:grant-type:device_code': Grant(
        'urn:ietf:params:oauth:grant-type:device_code', (), True, 'obtain tokens by the device authorization grant'
    ),
    # RFC 8693 section 2.1: subject_token and subject_token_type are required; the subject token is not spent,
    # so the exchange may be repeated while it is valid.
    'urn:ietf:params:oauth:grant-type:token-exchange': Grant(
        'urn:ietf:params:oauth:grant-type:token-exchange', ('subject_token',), False, 'exchange the subject token'
    ),
}

# The grant_type of PingOne's headless sign-on.
PINGONE_FLOW = 'pingone_flow'

DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code'
TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange'
# Short names accepted for the URNs; results and the token store use the URN.
GRANT_ALIASES = {'device_code': DEVICE_CODE, 'token_exchange': TOKEN_EXCHANGE}
# RFC 8693 section 3: the token type of an OAuth 2.0 access token, the default subject_token_type.
ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token'
# RFC 7009 section 2.1 and RFC 7662 section 2.1: the hints a client may send (RFC 7009 section 4.1.2 registers these two).
TOKEN_TYPE_HINTS = ('access_token', 'refresh_token')
# The token exchange request fields of RFC 8693 section 2.1, set from options of their own (audience is token_audience).
TOKEN_EXCHANGE_FIELDS = ('subject_token', 'subject_token_type', 'actor_token', 'actor_token_type', 'requested_token_type', 'resource', 'audience')

# Form fields this library owns; extra_params may not replace them.
RESERVED_FIELDS = frozenset(
    (
        'grant_type',
        'code',
        'redirect_uri',
        'code_verifier',
        'refresh_token',
        'scope',
        'client_id',
        'client_secret',
        'client_assertion',
        'client_assertion_type',
        'device_code',
    )
)


def infer_grant_type(grant_type: str | None = None, code: str | None = None, refresh_token: str | None = None) -> str:
    """The explicit grant_type (a short alias as its URN), else authorization_code with a code, refresh_token with one,
    else client_credentials."""
    if grant_type:
        return GRANT_ALIASES.get(grant_type, grant_type)
    if code:
        return 'authorization_code'
    if refresh_token:
        return 'refresh_token'
    return 'client_credentials'


def grant_form(
    grant_type: str,
    code: str | None = None,
    redirect_uri: str | None = None,
    code_verifier: str | None = None,
    refresh_token: str | None = None,
    scope: str | Sequence[str] | None = None,
    extra_params: Mapping[str, Any] | None = None,
    exchange: Mapping[str, Any] | None = None,
    username: str | None = None,
    password: str | None = None,
) -> dict[str, Any]:
    """The form fields of a token request for a grant, before client authentication.

    ``exchange`` holds the RFC 8693 fields (TOKEN_EXCHANGE_FIELDS) for the token exchange grant; lists
    (resource, audience) are sent as repeated fields.  The device grant's form has no device code yet:
    the poller adds it (see _device_flow).  For pingone_flow, the fields of the code exchange that follows
    the sign-on; the code comes later.
    """
    grant_type = GRANT_ALIASES.get(grant_type, grant_type)
    grant = GRANTS.get(grant_type)
    if grant is None:
        names = ', '.join(list(GRANTS) + list(GRANT_ALIASES))
        raise ConfigurationError(f'grant_type must be one of {names}, got {grant_type}')
    exchange = {key: value for key, value in (exchange or {}).items() if value}
    if (exchange.get('resource') or exchange.get('audience')) and grant_type != TOKEN_EXCHANGE:
        raise ConfigurationError(
            f'resource and token_audience are token exchange parameters (RFC 8693 section 2.1); with grant_type {grant_type} send a resource with extra_params'
        )
    values = {
        'code': code,
        'redirect_uri': redirect_uri,
        'refresh_token': refresh_token,
        'subject_token': exchange.get('subject_token'),
        'username': username,
        'password': password,
    }
    missing = [name for name in grant.required if not values[name]]
    if missing:
        raise ConfigurationError(f'{" and ".join(missing) + (" are" if len(missing) > 1 else " is")} required when grant_type is {grant_type}')
    form: dict[str, Any] = {'grant_type': grant_type}
    if grant_type == PINGONE_FLOW:
        # The scope goes in the authorization request of the sign-on (RFC 6749 section 4.1.1), not in the exchange.
        form = {'grant_type': 'authorization_code', 'redirect_uri': redirect_uri}
        scope = None
    if grant_type == 'authorization_code':
        form.update(code=code, redirect_uri=redirect_uri)
        if code_verifier:
            # RFC 7636 section 4.5.
            form['code_verifier'] = code_verifier
    elif grant_type == 'refresh_token':
        form['refresh_token'] = refresh_token
    elif grant_type == TOKEN_EXCHANGE:
        if exchange.get('actor_token') and not exchange.get('actor_token_type'):
            # RFC 8693 section 2.1: actor_token_type is REQUIRED when actor_token is present.
            raise ConfigurationError('actor_token_type is required with actor_token (RFC 8693 section 2.1)')
        for key in TOKEN_EXCHANGE_FIELDS:
            if exchange.get(key):
                value = exchange[key]
                form[key] = list(value) if isinstance(value, (list, tuple)) else value
    if scope:
        form['scope'] = ' '.join(scope) if isinstance(scope, (list, tuple)) else scope
    owned = RESERVED_FIELDS | (frozenset(TOKEN_EXCHANGE_FIELDS) if grant_type == TOKEN_EXCHANGE else frozenset())
    for key, value in (extra_params or {}).items():
        if key in owned:
            raise ConfigurationError(f'extra_params cannot set {key}; use the option of that name{" (token_audience)" if key == "audience" else ""}')
        form[key] = form_value(key, value)
    return form


def form_value(key: str, value: Any) -> Any:
    """The value of an extra_params field as the form sends it: a scalar, or a list of scalars sent as the field repeated
    (RFC 8707 section 2: several ``resource`` parameters).  A form field is flat text (application/x-www-form-urlencoded):
    a dict, or a list inside the list, has no encoding there, and requests would send its keys in place of it."""
    if isinstance(value, (list, tuple)):
        nested = [item for item in value if isinstance(item, (dict, list, tuple))]
        if nested:
            raise ConfigurationError(
                f'extra_params {key} is a list holding {"a dict" if isinstance(nested[0], dict) else "a list"}: a form field takes text, '
                'or a list of texts sent as the field repeated; give the value as a string (JSON, if the OP expects JSON there)'
            )
        return list(value)
    if isinstance(value, dict):
        raise ConfigurationError(
            f'extra_params {key} is a dict: a form field takes text, or a list of texts sent as the field repeated; give the value as a '
            'string (JSON, if the OP expects JSON there)'
        )
    return value


def scope_list(scope: str | Sequence[str] | None) -> list[str]:
    """Scopes as a list, from the option (a list) or a form or token response field (space-separated, RFC 6749 section 3.3)."""
    if not scope:
        return []
    if isinstance(scope, str):
        return scope.split()
    return [part for item in scope for part in str(item).split()]


def missing_scopes(requested: str | Sequence[str] | None, granted: Any) -> list[str]:
    """The requested scopes the token response does not grant; empty when all were granted.

    RFC 6749 section 5.1: an answer without ``scope`` grants what was requested; section
    3.3: an OP may grant less, and must then say what it granted.  An empty ``scope`` grants nothing.
    """
    if granted is None:
        return []
    have = set(scope_list(granted if isinstance(granted, str) else str(granted)))
    return [scope for scope in scope_list(requested) if scope not in have]


def scope_downgrade_text(missing: Sequence[str], granted: Any) -> str:
    """The words for a token that lacks requested scopes, shared by the warning and the error."""
    shown = clean(' '.join(scope_list(str(granted)))) if granted else ''
    return (
        f'the OP granted {f"scope {shown!r}" if shown else "no scope"}, without {", ".join(missing)} that was requested (RFC 6749 section 3.3 lets '
        f'an OP grant less than asked): the token may not be allowed what the play needs; allow {"them" if len(missing) > 1 else "it"} for this '
        'client at the OP'
    )
