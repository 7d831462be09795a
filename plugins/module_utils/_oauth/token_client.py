# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""One token request from start to finish. Internal to this collection; not a public API.

Resolves the endpoints, authenticates the client, sends the grant, parses the
answer and validates the ID token.  Takes the frozen options (_options.Options),
so the module's action plugin and the lookup drive it the same way.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from ansible_collections.jwtauth.oidc.plugins.module_utils import _masking
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import IdTokenError, ResponseError
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.client import HttpClient
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.client_auth import client_auth_from
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.device_flow import DevicePoller, instructions
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.discovery import (
    Endpoints,
    device_authorization_endpoint,
    fetch_jwks,
    fetch_metadata,
    fetch_pingone_metadata,
    resolve_endpoints,
    same_origin,
)
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.grants import (
    DEVICE_CODE,
    GRANTS,
    Grant,
    PINGONE_FLOW,
    SECRET_TOKEN_FIELDS,
    TOKEN_EXCHANGE,
    grant_form,
    infer_grant_type,
    missing_scopes,
    parse_token_response,
    scope_downgrade_text,
    scope_list,
)
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.id_token import unverified_header_and_claims, validate_id_token
from ansible_collections.jwtauth.oidc.plugins.module_utils._options import Options, OptionsLike
from ansible_collections.jwtauth.oidc.plugins.module_utils._pingone.sign_on import auth_root, sign_on


class TokenClient:
    """Requests tokens from one OP for one client."""

    def __init__(self, options: OptionsLike, http: HttpClient | None = None) -> None:
        self.options = options = Options.of(options)
        self.http = http or HttpClient.from_options(options)
        self.client_auth = client_auth_from(options)
        self.request_warnings: list[str] = []
        # How the device authorization grant waits between polls (a test's fake clock replaces it).
        self.sleep: Callable[[float], object] = time.sleep

    @property
    def warnings(self) -> list[str]:
        """What the result should say besides the tokens: weak secrets, ignored or downgraded scopes, retries, plain HTTP."""
        return self.request_warnings + self.http.warnings

    def prepare(self) -> tuple[Grant, dict[str, Any]]:
        """Check everything that can be checked without the network; return (grant, form)."""
        o = self.options
        grant_type = infer_grant_type(o.grant_type, o.code, o.refresh_token)
        exchange = None
        if grant_type == TOKEN_EXCHANGE or o.resource or o.token_audience:
            exchange = dict(
                subject_token=o.subject_token,
                subject_token_type=o.subject_token_type,
                actor_token=o.actor_token,
                actor_token_type=o.actor_token_type,
                requested_token_type=o.requested_token_type,
                resource=o.resource,
                audience=o.token_audience,
            )
        form = grant_form(
            grant_type,
            code=o.code,
            redirect_uri=o.redirect_uri,
            code_verifier=o.code_verifier,
            refresh_token=o.refresh_token,
            scope=o.scope,
            extra_params=o.extra_params,
            exchange=exchange,
            username=o.username,
            password=o.password,
        )
        self.request_warnings = list(self.client_auth.validate())
        if grant_type == PINGONE_FLOW:
            auth_root(o)  # PingOne options, not issuer: fails in check mode too
        if grant_type == 'authorization_code' and o.scope:
            # RFC 6749 section 4.1.3 has no scope parameter: the scope was fixed by the authorization request (4.1.1).
            self.request_warnings.append(
                'scope is not part of an authorization code exchange (RFC 6749 section 4.1.3): the OP '
                'grants the scope of the authorization request and most OPs ignore this one; put {0} in '
                'the authorization request instead'.format(' '.join(scope_list(o.scope)))
            )
        return GRANTS[grant_type], form

    def request_token(self, progress: Callable[[str], None] | None = None) -> dict[str, Any]:
        """Send the grant and return the result dict (tokens, expiry, ID token claims).

        ``progress`` receives the device authorization grant's instructions (the verification URI and
        user code) the moment they are known, before polling starts.
        """
        grant, form = self.prepare()
        if grant.name == PINGONE_FLOW:
            return self.sign_on_and_exchange()
        endpoints = resolve_endpoints(self.options, self.http)
        if grant.name == DEVICE_CODE:
            tokens = self.device_tokens(endpoints, form, progress)
        else:
            tokens = self.send(grant, form, endpoints)
        _masking.remember(*(tokens.get(name) for name in SECRET_TOKEN_FIELDS))
        if grant.name == TOKEN_EXCHANGE:
            self.check_issued_token_type(tokens, form.get('requested_token_type'), endpoints.token_endpoint)
        if grant.name != 'authorization_code':
            self.check_scope(form.get('scope'), tokens.get('scope'), endpoints.token_endpoint, grant.what)
        result = dict(tokens, grant_type=grant.name, token_endpoint=endpoints.token_endpoint, issuer=endpoints.issuer, id_token_claims=None)
        if tokens.get('id_token') and self.options.validate_id_token:
            result['id_token_claims'] = self.validate_id_token(tokens, endpoints)
            result['issuer'] = result['id_token_claims']['iss']
        return result

    def send(self, grant: Grant, form: dict[str, Any], endpoints: Endpoints) -> dict[str, Any]:
        """One token request for the grant; the token fields of its answer."""
        sent_at: list[float] = []

        def build() -> tuple[dict[str, Any], dict[str, str]]:
            # A new client assertion (jti, iat, exp) for every attempt: a retry must not replay one.
            fields, headers = self.client_auth.apply(endpoints.token_endpoint)
            headers['Accept'] = 'application/json'
            sent_at.append(time.time())
            return dict(form, **fields), headers

        response = self.http.request('POST', endpoints.token_endpoint, grant.what, single_use=grant.single_use, build=build)
        return parse_token_response(
            response.status_code,
            response.headers,
            response.text,
            endpoints.token_endpoint,
            grant.what,
            sent_at[-1],
            grant_type=grant.name,
            redirect_uri=form.get('redirect_uri'),
            pingone=endpoints.pingone,
        )

    def device_tokens(self, endpoints: Endpoints, form: dict[str, Any], progress: Callable[[str], None] | None) -> dict[str, Any]:
        """RFC 8628: the device authorization request, the instructions shown at once, then polling until approved."""
        url = device_authorization_endpoint(self.options, endpoints, self.http)
        poller = DevicePoller(self.http, self.client_auth, endpoints.token_endpoint, self.options.device_timeout, sleep=self.sleep)
        # Section 3.1: the scope goes with the authorization request; the token request of section 3.4 has none.
        authorization = poller.authorize(url, form.get('scope'))
        text = instructions(authorization, self.options.device_timeout)
        if progress is not None:
            progress(text)
        else:
            self.request_warnings.append('Nobody was shown how to approve the device authorization grant: ' + text)
        return poller.poll(authorization, {key: value for key, value in form.items() if key != 'scope'}, endpoints.pingone)

    def check_issued_token_type(self, tokens: Mapping[str, Any], requested: str | None, url: str) -> None:
        """RFC 8693 section 2.2.1: issued_token_type is REQUIRED; say when it is missing or not what was requested."""
        issued = tokens.get('issued_token_type')
        if not issued:
            self.request_warnings.append(
                'The token exchange answer of {0} has no issued_token_type (RFC 8693 section 2.2.1 '
                'requires it): the type of the token returned as access_token is not known'.format(url)
            )
        elif requested and issued != requested:
            self.request_warnings.append('The token exchange at {0} issued a {1}, not the {2} requested (requested_token_type)'.format(url, issued, requested))

    def sign_on_and_exchange(self) -> dict[str, Any]:
        """PingOne headless sign-on (_pingone_flow), then the authorization code grant with the code, its PKCE verifier and nonce.

        The flow runs on an HttpClient of its own, whose session keeps no cookie: the flow's cookies never
        reach the token endpoint.  The exchange is this client's: same client authentication, ID token
        validation (the nonce of the sign-on included) and warnings.
        """
        flow_http = HttpClient.from_options(self.options)
        try:
            signed_on = sign_on(self.options, flow_http)
        finally:
            self.request_warnings.extend(text for text in flow_http.warnings if text not in self.request_warnings)
        exchange = TokenClient(
            self.options.replace(
                grant_type='authorization_code',
                code=signed_on.code,
                code_verifier=signed_on.code_verifier,
                nonce=signed_on.nonce,
                redirect_uri=signed_on.redirect_uri,
                scope=None,
                username=None,
                password=None,
            ),
            http=self.http,
        )
        try:
            result = exchange.request_token()
        finally:
            self.request_warnings.extend(text for text in exchange.request_warnings if text not in self.request_warnings)
        result.update(grant_type=PINGONE_FLOW, flow_status=signed_on.flow_status)
        return result

    def check_scope(self, requested: str | None, granted: Any, url: str, what: str) -> None:
        """Warn, or fail with scope_downgrade=fail, when the token lacks requested scopes (RFC 6749 section 3.3)."""
        missing = missing_scopes(requested, granted)
        if not missing:
            return
        text = scope_downgrade_text(missing, granted)
        if self.options.scope_downgrade == 'fail':
            raise ResponseError('Failed to {0} at {1}: {2}; the token is discarded (scope_downgrade=fail)'.format(what, url, text), url=url, status=200)
        self.request_warnings.append('{0} at {1}: {2}; scope_downgrade=fail makes this an error'.format(what[:1].upper() + what[1:], url, text))

    def validate_id_token(self, tokens: Mapping[str, Any], endpoints: Endpoints) -> dict[str, Any]:
        """Validate the ID token against the OP's keys; return its claims."""
        id_token = tokens['id_token']
        header, unverified = unverified_header_and_claims(id_token)
        issuer = endpoints.issuer
        if endpoints.announced_issuer and issuer:
            # auth_base_url: on a custom domain the ID token's iss may be the custom domain's issuer or the
            # environment's standard one; the location's discovery document says which (see fetch_pingone_metadata).
            metadata = fetch_pingone_metadata(self.http, issuer)
            endpoints = Endpoints(endpoints.token_endpoint, metadata['issuer'], metadata['jwks_uri'], metadata, pingone=endpoints.pingone)
            issuer = endpoints.issuer
        if not issuer:
            # Only token_endpoint was given. Trust the token's iss only when the OP
            # serves it from the origin the client already trusts with its credentials.
            claimed = unverified.get('iss')
            if not isinstance(claimed, str) or not same_origin(claimed, endpoints.token_endpoint):
                raise IdTokenError(
                    'Cannot validate the ID token: its issuer {0!r} is not on the origin of {1}; set issuer to '
                    'the OP issuer URL, or validate_id_token=false'.format(claimed, endpoints.token_endpoint),
                    url=endpoints.token_endpoint,
                )
            issuer = claimed
        jwks = None
        allowed = None
        if endpoints.metadata:
            allowed = endpoints.metadata.get('id_token_signing_alg_values_supported')
        if not str(header.get('alg', '')).startswith('HS'):
            jwks_uri = endpoints.jwks_uri
            if not jwks_uri:
                metadata = endpoints.metadata or fetch_metadata(self.http, issuer)
                jwks_uri = metadata.get('jwks_uri')
                allowed = allowed or metadata.get('id_token_signing_alg_values_supported')
                if not jwks_uri:
                    raise IdTokenError('Cannot validate the ID token: the metadata of {0} has no jwks_uri'.format(issuer))
            jwks = fetch_jwks(self.http, jwks_uri)
        return validate_id_token(
            id_token,
            issuer,
            self.options.client_id,
            jwks=jwks,
            client_secret=self.options.client_secret,
            nonce=self.options.nonce,
            access_token=tokens.get('access_token'),
            leeway=self.options.clock_skew,
            allowed_algs=allowed,
        )
