# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Token revocation (RFC 7009) and introspection (RFC 7662) at the OP. Internal to this collection; not a public API.

Finds the endpoint (an option, PingOne's layout, or the discovery document),
authenticates the client exactly as a token request does (the same _client_auth
strategies, a fresh assertion for every attempt), and parses the answer.  PingOne
applies an application's token endpoint authentication method to revocation and
introspection too (REFERENCE.md, PingOne "Token Revocation" and "Token Introspection").
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

from ansible_collections.jwtauth.oidc.plugins.module_utils import _masking
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError, OAuthError, ResponseError
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.client import HttpClient
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.error_body import is_oauth_error
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.client_auth import client_auth_from
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.discovery import discovery_url, fetch_metadata, resolve_endpoints
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.grants import TOKEN_TYPE_HINTS, non_oauth_error, oauth_error
from ansible_collections.jwtauth.oidc.plugins.module_utils._options import Options, OptionsLike
from ansible_collections.jwtauth.oidc.plugins.module_utils._pingone.locations import endpoints as pingone_endpoints, looks_like_pingone


# What each endpoint is called in the discovery document (RFC 8414 section 2), in PingOne's layout, and in messages.
REVOCATION = 'revocation'
INTROSPECTION = 'introspection'
ENDPOINTS = {
    # PingOne "Token Revocation": POST {{authPath}}/{{envID}}/as/revoke
    # (https://developer.pingidentity.com/pingone-api/auth/openid-connect-oauth-2/token-revocation.html).
    REVOCATION: ('revocation_endpoint', '/revoke', 'revoke the token'),
    # PingOne "Token Introspection": POST {{authPath}}/{{envID}}/as/introspect
    # (https://developer.pingidentity.com/pingone-api/auth/openid-connect-oauth-2/token-introspection-access-token.html).
    INTROSPECTION: ('introspection_endpoint', '/introspect', 'introspect the token'),
}

# Errors of these endpoints and what usually causes them, besides those of RFC 6749 section 5.2 (grants.ERROR_HINTS).
ERROR_HINTS = {
    # RFC 7009 section 2.2.1.
    'unsupported_token_type': 'the OP does not revoke tokens of this type (RFC 7009 section 2.2.1); check token_type_hint, '
    'or whether the OP revokes access tokens at all',
    'invalid_request': 'the token is missing, or (oidc-provider) it was issued to another client, which may not revoke it '
    '(RFC 7009 section 2.1: the OP checks the token was issued to the client making the request)',
}


class AdminEndpoint:
    """Where one revocation or introspection request goes, and the audience of its client assertion."""

    def __init__(self, url: str, audience_url: str, pingone: bool = False) -> None:
        self.url = url
        # RFC 7523 section 3: aud identifies the authorization server. The token endpoint is what the token request uses,
        # and PingOne ("Create a client secret JWT": aud may be the token endpoint, the issuer or the endpoint being
        # called, as full URLs) and oidc-provider (the endpoint URL, the issuer or the token endpoint) accept it here too.
        self.audience_url = audience_url
        self.pingone = pingone


def resolve_endpoint(options: Options, http: HttpClient, kind: str) -> AdminEndpoint:
    """The revocation or introspection endpoint: its option, else PingOne's layout, else the discovery document of issuer.

    Every URL that will carry a credential and a token is checked to be https here, with where it came from.
    """
    name, pingone_path, _what = ENDPOINTS[kind]
    explicit = options[name]
    pingone = bool(options.environment_id or options.auth_base_url)
    if pingone:
        # No request: PingOne's URLs follow from environment_id, region and auth_base_url (an https check included).
        endpoints = resolve_endpoints(options, http)
        issuer = pingone_endpoints(options.region, options.auth_base_url, options.environment_id)['issuer']
        url = explicit or issuer + pingone_path
        if explicit:
            http.check_url(explicit, 'the {0} option'.format(name))
        return AdminEndpoint(url, endpoints.token_endpoint, pingone=endpoints.pingone and not explicit)
    if explicit:
        http.check_url(explicit, 'the {0} option'.format(name))
        if options.token_endpoint:
            http.check_url(options.token_endpoint, 'the token_endpoint option')
        # Without token_endpoint the assertion names the endpoint called, which PingOne and oidc-provider accept.
        return AdminEndpoint(explicit, options.token_endpoint or explicit)
    if options.issuer:
        metadata = fetch_metadata(http, options.issuer)
        url = metadata.get(name)
        if not url or not isinstance(url, str):
            raise ConfigurationError(
                'The OpenID Provider metadata at {0} has no {1} (RFC 8414 section 2): the OP may not offer {2}; set {1} if it does'.format(
                    discovery_url(options.issuer), name, kind
                ),
                url=discovery_url(options.issuer),
            )
        http.check_url(url, '{0} of the discovery document at {1}'.format(name, discovery_url(options.issuer)))
        if options.token_endpoint:
            http.check_url(options.token_endpoint, 'the token_endpoint option')
        return AdminEndpoint(url, options.token_endpoint or metadata['token_endpoint'])
    if options.token_endpoint:
        raise ConfigurationError(
            'token_endpoint alone does not say where the {0} endpoint is: set {1}, or issuer so that discovery finds it'.format(kind, name)
        )
    raise ConfigurationError('One of {0}, issuer, environment_id or auth_base_url is required'.format(name))


def token_form(token: str, token_type_hint: str | None) -> dict[str, str]:
    """RFC 7009 section 2.1 and RFC 7662 section 2.1: ``token``, and ``token_type_hint`` when known."""
    if not token:
        raise ConfigurationError('token is empty: give the access token or refresh token to act on')
    if token_type_hint is not None and token_type_hint not in TOKEN_TYPE_HINTS:
        raise ConfigurationError('token_type_hint must be one of {0}, got {1}'.format(', '.join(TOKEN_TYPE_HINTS), token_type_hint))
    form = {'token': token}
    if token_type_hint:
        form['token_type_hint'] = token_type_hint
    return form


def error_from_answer(status: int, headers: Mapping[str, str] | None, text: str, url: str, what: str, sent_at: float, pingone: bool = False) -> ResponseError:
    """The error for an answer other than 200: an OAuth error response (RFC 6749 section 5.2, RFC 7009 section 2.2.1,
    RFC 7662 section 2.3) in oauth_error's words with this endpoint's hints, or what else came."""
    try:
        body = json.loads(text)
    except ValueError:
        body = None
    pingone = pingone or looks_like_pingone(url)
    prefix = 'Failed to {0} at {1}'.format(what, url)
    if is_oauth_error(body):
        error = oauth_error(prefix, status, headers, body, url, sent_at, pingone=pingone)
        hint = ERROR_HINTS.get(error.error or '')
        if hint:
            error = OAuthError('{0}; {1}'.format(error.message, hint), **error.details)
        return error
    return non_oauth_error(prefix, status, headers, text, url, pingone, 'the endpoint does not redirect, check its URL')


def parse_introspection(status: int, headers: Mapping[str, str] | None, text: str, url: str, sent_at: float, pingone: bool = False) -> dict[str, Any]:
    """The claims of an introspection answer (RFC 7662 section 2.2), or raise saying why there are none."""
    what = ENDPOINTS[INTROSPECTION][2]
    if status != 200:
        raise error_from_answer(status, headers, text, url, what, sent_at, pingone)
    try:
        body = json.loads(text)
    except ValueError:
        body = None
    content_type = (headers or {}).get('Content-Type', 'no content type').split(';')[0].strip()
    if not isinstance(body, dict):
        raise ResponseError('Failed to {0} at {1}: HTTP 200 but the answer is not a JSON object ({2})'.format(what, url, content_type), url=url, status=status)
    # RFC 7662 section 2.2: "active" is REQUIRED and a boolean; a string "true" is not one.
    if not isinstance(body.get('active'), bool):
        raise ResponseError(
            'Failed to {0} at {1}: HTTP 200 but the answer has no boolean "active" (RFC 7662 section 2.2; keys: {2})'.format(
                what, url, ', '.join(sorted(body)) or 'none'
            ),
            url=url,
            status=status,
        )
    return body


class TokenAdminClient:
    """Revokes and introspects tokens at one OP for one client, authenticated as its token requests are."""

    def __init__(self, options: OptionsLike, http: HttpClient | None = None) -> None:
        self.options = options = Options.of(options)
        self.http = http or HttpClient.from_options(options)
        self.client_auth = client_auth_from(options)
        self.auth_warnings: list[str] = []
        self._endpoints: dict[str, AdminEndpoint] = {}

    @property
    def warnings(self) -> list[str]:
        """A short HMAC secret, retries, plain HTTP: what the result should say besides its answer."""
        return self.auth_warnings + [text for text in self.http.warnings if text not in self.auth_warnings]

    def prepare(self) -> None:
        """Check the client authentication options without the network (check mode runs this too)."""
        self.auth_warnings = list(self.client_auth.validate())

    def endpoint(self, kind: str) -> AdminEndpoint:
        """The endpoint of ``kind`` (REVOCATION or INTROSPECTION), resolved once per client."""
        if kind not in self._endpoints:
            self._endpoints[kind] = resolve_endpoint(self.options, self.http, kind)
        return self._endpoints[kind]

    def _post(self, kind: str, token: str, token_type_hint: str | None) -> tuple[Any, AdminEndpoint, float]:
        form = token_form(token, token_type_hint)
        _masking.remember(token)
        endpoint = self.endpoint(kind)
        sent_at: list[float] = []

        def build() -> tuple[dict[str, Any], dict[str, str]]:
            # A new client assertion (jti, iat, exp) for every attempt: a retry must not replay one (RFC 7523 section 3).
            fields, headers = self.client_auth.apply(endpoint.audience_url)
            headers['Accept'] = 'application/json'
            sent_at.append(time.time())
            return dict(form, **fields), headers

        # Neither request spends anything: revoking a token twice is answered 200 (RFC 7009 section 2.2) and introspection
        # only reads, so both may be resent after any transient failure, a 503 with Retry-After included (RFC 7009 2.2.1).
        response = self.http.request('POST', endpoint.url, ENDPOINTS[kind][2], single_use=False, build=build, source='the {0} endpoint'.format(kind))
        return response, endpoint, sent_at[-1]

    def revoke(self, token: str, token_type_hint: str | None = None) -> AdminEndpoint:
        """Revoke one token (RFC 7009 section 2.1); return where.  HTTP 200 is success whatever the token was:
        section 2.2 has the OP answer 200 for an unknown or already invalid token too."""
        response, endpoint, sent_at = self._post(REVOCATION, token, token_type_hint)
        if response.status_code != 200:
            raise error_from_answer(response.status_code, response.headers, response.text, endpoint.url, ENDPOINTS[REVOCATION][2], sent_at, endpoint.pingone)
        return endpoint

    def introspect(self, token: str, token_type_hint: str | None = None) -> tuple[dict[str, Any], AdminEndpoint]:
        """The OP's claims about one token (RFC 7662 section 2.2) and where they came from."""
        response, endpoint, sent_at = self._post(INTROSPECTION, token, token_type_hint)
        claims = parse_introspection(response.status_code, response.headers, response.text, endpoint.url, sent_at, endpoint.pingone)
        # The answer is about the token, never the token: drop any member that echoes it, whatever the OP calls it.
        return {key: value for key, value in claims.items() if value != token}, endpoint
