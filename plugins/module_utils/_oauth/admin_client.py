# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Token revocation (RFC 7009) and introspection (RFC 7662) at the OP. Internal to this collection; not a public API.

Finds the endpoint (an option, PingOne's layout, or the discovery document),
authenticates the client as a token request does (the same client_auth strategies,
a fresh assertion for every attempt, whose aud is this endpoint's URL unless the
options choose another: _oauth.audience), and parses the answer.  PingOne
applies an application's token endpoint authentication method to revocation and
introspection too (REFERENCE.md, PingOne "Token Revocation" and "Token Introspection").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError, OAuthError, ResponseError
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.client import HttpClient
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.error_body import is_oauth_error, json_or_none, lacks, media_type
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.client_auth import post
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.discovery import Location, discovery_url, fetch_metadata, resolve_endpoints
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.grants import TOKEN_TYPE_HINTS
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.responses import non_oauth_error, oauth_error
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.token_client import OPClient, audience_at, check_assertion_audience, location_of
from ansible_collections.jwtauth.oidc.plugins.module_utils._options import Options
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
    """Where one revocation or introspection request goes, and what is known of the OP that its client assertion may name:
    the token endpoint and the issuer, each None when the options do not say (the aud is chosen from them: _oauth.audience)."""

    def __init__(self, url: str, token_endpoint: str | None = None, issuer: str | None = None, pingone: bool = False) -> None:
        self.url = url
        self.token_endpoint = token_endpoint
        self.issuer = issuer
        self.pingone = pingone


def resolve_endpoint(http: HttpClient, location: Location, kind: str, explicit: str | None = None) -> AdminEndpoint:
    """The revocation or introspection endpoint: ``explicit`` (its option), else PingOne's layout, else the discovery
    document of issuer.

    Every URL that will carry a credential and a token is checked to be https here, with where it came from.
    """
    name, pingone_path, _what = ENDPOINTS[kind]
    if location.pingone:
        # No request: PingOne's URLs follow from environment_id, region and auth_base_url (an https check included).
        endpoints = resolve_endpoints(http, location)
        issuer = pingone_endpoints(location.region, location.auth_base_url, location.environment_id)['issuer']
        url = explicit or issuer + pingone_path
        if explicit:
            http.check_url(explicit, f'the {name} option')
        return AdminEndpoint(url, endpoints.token_endpoint, endpoints.issuer, pingone=endpoints.pingone and not explicit)
    if explicit:
        http.check_url(explicit, f'the {name} option')
        if location.token_endpoint:
            http.check_url(location.token_endpoint, 'the token_endpoint option')
        return AdminEndpoint(explicit, location.token_endpoint, location.issuer)
    if location.issuer:
        metadata = fetch_metadata(http, location.issuer)
        announced = metadata.get(name)
        where = discovery_url(location.issuer)
        if not announced or not isinstance(announced, str):
            raise ConfigurationError(
                f'The OpenID Provider metadata at {where} has no {name} (RFC 8414 section 2): the OP may not offer {kind}; set {name} if it does', url=where
            )
        http.check_url(announced, f'{name} of the discovery document at {where}')
        if location.token_endpoint:
            http.check_url(location.token_endpoint, 'the token_endpoint option')
        return AdminEndpoint(announced, location.token_endpoint or metadata['token_endpoint'], location.issuer)
    if location.token_endpoint:
        raise ConfigurationError(f'token_endpoint alone does not say where the {kind} endpoint is: set {name}, or issuer so that discovery finds it')
    raise ConfigurationError(f'One of {name}, issuer, environment_id or auth_base_url is required')


def token_form(token: str, token_type_hint: str | None) -> dict[str, str]:
    """RFC 7009 section 2.1 and RFC 7662 section 2.1: ``token``, and ``token_type_hint`` when known."""
    if not token:
        raise ConfigurationError('token is empty: give the access token or refresh token to act on')
    if token_type_hint is not None and token_type_hint not in TOKEN_TYPE_HINTS:
        raise ConfigurationError(f'token_type_hint must be one of {", ".join(TOKEN_TYPE_HINTS)}, got {token_type_hint}')
    form = {'token': token}
    if token_type_hint:
        form['token_type_hint'] = token_type_hint
    return form


def error_from_answer(status: int, headers: Mapping[str, str] | None, text: str, url: str, what: str, sent_at: float, pingone: bool = False) -> ResponseError:
    """The error for an answer other than 200: an OAuth error response (RFC 6749 section 5.2, RFC 7009 section 2.2.1,
    RFC 7662 section 2.3) in oauth_error's words with this endpoint's hints, or what else came."""
    body = json_or_none(text)
    pingone = pingone or looks_like_pingone(url)
    if is_oauth_error(body):
        error = oauth_error(what, status, headers, body, url, sent_at, pingone=pingone)
        hint = ERROR_HINTS.get(error.error or '')
        if hint:
            error = OAuthError(f'{error.message}; {hint}', **error.details)
        return error
    return non_oauth_error(what, status, headers, text, url, pingone, 'the endpoint does not redirect, check its URL')


def parse_introspection(status: int, headers: Mapping[str, str] | None, text: str, url: str, sent_at: float, pingone: bool = False) -> dict[str, Any]:
    """The claims of an introspection answer (RFC 7662 section 2.2), or raise saying why there are none."""
    what = ENDPOINTS[INTROSPECTION][2]
    if status != 200:
        raise error_from_answer(status, headers, text, url, what, sent_at, pingone)
    body = json_or_none(text)
    if not isinstance(body, dict):
        raise ResponseError.failure(what, url, f'HTTP 200 but the answer is not a JSON object ({media_type(headers)})', status=status)
    # RFC 7662 section 2.2: "active" is REQUIRED and a boolean; a string "true" is not one.
    if not isinstance(body.get('active'), bool):
        raise ResponseError.failure(what, url, lacks(body, 'boolean "active" (RFC 7662 section 2.2)'), status=status)
    return body


class TokenAdminClient(OPClient):
    """Revokes and introspects tokens at one OP for one client, authenticated as its token requests are."""

    def __init__(self, options: Options, http: HttpClient | None = None) -> None:
        super().__init__(options, http)
        self._endpoints: dict[str, AdminEndpoint] = {}

    def prepare(self) -> None:
        """Check the client authentication options without the network (check mode runs this too)."""
        for warning in self.client_auth.validate():
            self.context.warn(warning)
        check_assertion_audience(self.options, self.client_auth, self.context)

    def endpoint(self, kind: str) -> AdminEndpoint:
        """The endpoint of ``kind`` (REVOCATION or INTROSPECTION), resolved once per client."""
        if kind not in self._endpoints:
            self._endpoints[kind] = resolve_endpoint(self.http, location_of(self.options), kind, self.options[ENDPOINTS[kind][0]])
        return self._endpoints[kind]

    def _post(self, kind: str, token: str, token_type_hint: str | None) -> tuple[Any, AdminEndpoint, float]:
        form = token_form(token, token_type_hint)
        self.context.remember(token)
        endpoint = self.endpoint(kind)
        # Neither request spends anything: revoking a token twice is answered 200 (RFC 7009 section 2.2) and introspection
        # only reads, so both may be resent after any transient failure, a 503 with Retry-After included (RFC 7009 2.2.1).
        audience = audience_at(self.options, endpoint.url, endpoint.token_endpoint, endpoint.issuer)
        response, sent_at = post(self.http, self.client_auth, endpoint.url, form, ENDPOINTS[kind][2], audience=audience, source=f'the {kind} endpoint')
        return response, endpoint, sent_at

    def revoke(self, token: str, token_type_hint: str | None = None) -> AdminEndpoint:
        """Revoke one token (RFC 7009 section 2.1); return where.  HTTP 200 is success whatever the token was:
        section 2.2 has the OP answer 200 for an unknown or already invalid token too."""
        response, endpoint, sent_at = self._post(REVOCATION, token, token_type_hint)
        if response.status_code != 200:
            error = error_from_answer(response.status_code, response.headers, response.text, endpoint.url, ENDPOINTS[REVOCATION][2], sent_at, endpoint.pingone)
            raise self.explained(error) if isinstance(error, OAuthError) else error
        return endpoint

    def introspect(self, token: str, token_type_hint: str | None = None) -> tuple[dict[str, Any], AdminEndpoint]:
        """The OP's claims about one token (RFC 7662 section 2.2) and where they came from."""
        response, endpoint, sent_at = self._post(INTROSPECTION, token, token_type_hint)
        try:
            claims = parse_introspection(response.status_code, response.headers, response.text, endpoint.url, sent_at, endpoint.pingone)
        except OAuthError as exc:
            raise self.explained(exc) from None
        # The answer is about the token, never the token: drop any member that echoes it, whatever the OP calls it.
        return {key: value for key, value in claims.items() if value != token}, endpoint
