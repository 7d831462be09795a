# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Where the OP's endpoints are: options, PingOne's layout, or OpenID Provider discovery and its JWKS.

Internal to this collection; not a public API.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError, DiscoveryError
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.error_body import clean, correlation_id, summarise
from ansible_collections.jwtauth.oidc.plugins.module_utils._pingone.locations import (
    custom_domain_root,
    endpoints,
    environment_of,
    is_standard_issuer,
    looks_like_pingone,
    not_found_hint,
)

if TYPE_CHECKING:
    from requests import Response

    from ansible_collections.jwtauth.oidc.plugins.module_utils._http.client import HttpClient


def discovery_url(issuer: str) -> str:
    """OpenID Connect Discovery 1.0 section 4: the issuer plus /.well-known/openid-configuration."""
    return issuer.rstrip('/') + '/.well-known/openid-configuration'


def parse_json_document(response: Response, what: str, pingone: bool = False) -> dict[str, Any]:
    """Decode a JSON object from a response or raise DiscoveryError saying what came instead.

    ``pingone`` says the URL was built from the PingOne options (a 404 then gets PingOne's hint).
    """
    url = response.url
    if response.status_code != 200:
        reason = f'HTTP {response.status_code}'
        said = summarise(response.headers, response.text)
        if said:
            reason += ': ' + said
        hint = not_found_hint(url, pingone) if response.status_code == 404 else None
        if hint:
            reason += '; ' + hint
        raise DiscoveryError.failure(what, url, reason, status=response.status_code, correlation_id=correlation_id(response.headers))
    try:
        document = json.loads(response.text)
    except ValueError:
        content_type = response.headers.get('Content-Type', 'unknown')
        raise DiscoveryError.failure(what, url, f'the answer is not JSON (content type {content_type})', status=response.status_code) from None
    if not isinstance(document, dict):
        raise DiscoveryError.failure(what, url, 'the answer is not a JSON object', status=response.status_code)
    return document


def announced_issuer(value: Any) -> str:
    """The issuer a discovery document announces, for a message: quoted as Python does, and cleaned (_http.error_body.clean)
    when it is a string, so that a document of 16 MiB or with escape sequences does not become the message."""
    if isinstance(value, str):
        return repr(clean(value))
    return repr(value) if value is None or isinstance(value, (bool, int, float)) else 'that is not a string'


def check_metadata(metadata: dict[str, Any], issuer: str, url: str, needed: Sequence[str] = ('token_endpoint',)) -> dict[str, Any]:
    """Validate a discovery document (Discovery section 4.3: issuer must match exactly)."""
    if metadata.get('issuer') != issuer:
        hint = ''
        announced = metadata.get('issuer')
        if isinstance(announced, str) and announced.rstrip('/') == issuer.rstrip('/'):
            # Section 4.3: "MUST be identical", so a slash more or less is another issuer, and ID tokens would carry the other.
            hint = f'; only the trailing slash differs: set issuer to {announced}, exactly as the OP names itself'
        elif is_standard_issuer(announced) and not looks_like_pingone(issuer):
            # A PingOne custom domain serves the environment's standard issuer (see fetch_pingone_metadata).
            hint = f"; this is a PingOne custom domain announcing its environment's issuer: set auth_base_url to {custom_domain_root(issuer)} instead of issuer"
        raise DiscoveryError(f'OpenID Provider metadata at {url} names issuer {announced_issuer(metadata.get("issuer"))}, expected {issuer!r}{hint}', url=url)
    missing = [key for key in needed if not metadata.get(key)]
    if missing:
        raise DiscoveryError(f'OpenID Provider metadata at {url} has no {" or ".join(missing)}', url=url)
    return metadata


def fetch_metadata(http: HttpClient, issuer: str) -> dict[str, Any]:
    """GET and check the discovery document of ``issuer``."""
    url = discovery_url(issuer)
    response = http.request('GET', url, 'read OpenID Provider metadata', source=f'the discovery URL of issuer {issuer}', headers={'Accept': 'application/json'})
    return check_metadata(parse_json_document(response, 'read OpenID Provider metadata'), issuer, url)


def fetch_jwks(http: HttpClient, jwks_uri: str) -> dict[str, Any]:
    """GET the OP's JSON Web Key Set."""
    response = http.request('GET', jwks_uri, 'read the JWKS', source='jwks_uri of the OP', headers={'Accept': 'application/json'})
    jwks = parse_json_document(response, 'read the JWKS')
    if not isinstance(jwks.get('keys'), list):
        raise DiscoveryError(f'The JWKS at {jwks_uri} has no "keys" list', url=jwks_uri)
    return jwks


def fetch_pingone_metadata(http: HttpClient, location_issuer: str) -> dict[str, Any]:
    """The discovery document of a PingOne location given by auth_base_url, and the issuer it announces.

    PingOne "Custom Domains" (https://developer.pingidentity.com/pingone-api/platform/custom-domains.html):
    ``https://auth.pingone.<tld>/<envID>/*`` becomes ``https://<customDomain>/*``, and PingOne accepts
    both issuers, so ID tokens obtained through a custom domain may carry either.  The document the
    configured location serves says which; it may name the location's own issuer or the environment's
    standard one, and nothing else (OpenID Connect Discovery section 4.3 wants the issuer it was fetched
    for; this exception is PingOne's, bounded to PingOne's own issuer URLs).
    """
    url = discovery_url(location_issuer)
    response = http.request('GET', url, 'read OpenID Provider metadata', source='the discovery URL of auth_base_url', headers={'Accept': 'application/json'})
    metadata = parse_json_document(response, 'read OpenID Provider metadata', pingone=True)
    announced = metadata.get('issuer')
    location_env = environment_of(location_issuer)
    if isinstance(announced, str) and location_env and environment_of(announced) not in (None, location_env):
        raise DiscoveryError(
            f'OpenID Provider metadata at {url} names issuer {announced_issuer(announced)}, of another environment than {location_env}', url=url
        )
    if not isinstance(announced, str) or (announced != location_issuer and not is_standard_issuer(announced)):
        raise DiscoveryError(
            f"OpenID Provider metadata at {url} names issuer {announced_issuer(announced)}: neither this location's issuer {location_issuer!r} nor a "
            'PingOne issuer https://auth.pingone.<tld>/<environment_id>/as',
            url=url,
        )
    return check_metadata(metadata, announced, url, needed=('jwks_uri',))


class Endpoints:
    """The OP's endpoints as far as the options tell them; metadata is read only when needed.

    ``pingone`` marks endpoints built from the PingOne options; ``announced_issuer`` those whose
    ID token issuer must be read from the location's discovery document (auth_base_url: a custom
    domain, or a proxy or test server laid out like PingOne).
    """

    def __init__(
        self,
        token_endpoint: str,
        issuer: str | None = None,
        jwks_uri: str | None = None,
        metadata: dict[str, Any] | None = None,
        pingone: bool = False,
        announced_issuer: bool = False,
        device_authorization_endpoint: str | None = None,
    ) -> None:
        self.token_endpoint = token_endpoint
        self.device_authorization_endpoint = device_authorization_endpoint
        self.issuer = issuer
        self.jwks_uri = jwks_uri
        self.metadata = metadata
        self.pingone = pingone
        self.announced_issuer = announced_issuer


class Location(NamedTuple):
    """Where the OP is, as a task's options say: token_endpoint, issuer, or PingOne's environment_id, region and auth_base_url."""

    token_endpoint: str | None = None
    issuer: str | None = None
    environment_id: str | None = None
    region: str | None = 'NA'
    auth_base_url: str | None = None

    @property
    def pingone(self) -> bool:
        """Whether the endpoints follow PingOne's layout (environment_id or auth_base_url), with no discovery request."""
        return bool(self.environment_id or self.auth_base_url)


def resolve_endpoints(http: HttpClient, location: Location) -> Endpoints:
    """Work out the token endpoint and issuer from token_endpoint, issuer or PingOne's location.

    Every URL that will carry a credential is checked to be https here, where it is
    known whether it came from an option or from the OP's discovery document.
    """
    if location.pingone and location.issuer:
        raise ConfigurationError('Set either issuer or the PingOne options (environment_id, auth_base_url), not both')
    if location.token_endpoint:
        http.check_url(location.token_endpoint, 'the token_endpoint option')
    if location.pingone:
        if location.auth_base_url:
            http.check_url(location.auth_base_url, 'the auth_base_url option')
        urls = endpoints(location.region, location.auth_base_url, location.environment_id)
        return Endpoints(
            location.token_endpoint or urls['token_endpoint'],
            urls['issuer'],
            urls['jwks_uri'],
            pingone=not location.token_endpoint,
            announced_issuer=bool(location.auth_base_url),
            device_authorization_endpoint=urls['device_authorization_endpoint'],
        )
    issuer = location.issuer
    if issuer and not location.token_endpoint:
        metadata = fetch_metadata(http, issuer)
        http.check_url(metadata['token_endpoint'], f'token_endpoint of the discovery document at {discovery_url(issuer)}')
        return Endpoints(
            metadata['token_endpoint'], issuer, metadata.get('jwks_uri'), metadata, device_authorization_endpoint=metadata.get('device_authorization_endpoint')
        )
    if not location.token_endpoint:
        raise ConfigurationError('One of token_endpoint, issuer, environment_id or auth_base_url is required')
    return Endpoints(location.token_endpoint, issuer)


def device_authorization_endpoint(http: HttpClient, endpoints: Endpoints, explicit: str | None = None) -> str:
    """Where the device authorization request goes (RFC 8628 section 3.1): ``explicit`` (the option), PingOne's layout, or the
    ``device_authorization_endpoint`` of the discovery document (RFC 8628 section 4); checked to be https."""
    if explicit:
        http.check_url(explicit, 'the device_authorization_endpoint option')
        return explicit
    url = endpoints.device_authorization_endpoint
    if not url:
        where = (
            f'the discovery document of {endpoints.issuer} has no device_authorization_endpoint: the OP does not offer the device '
            'authorization grant, or set device_authorization_endpoint'
            if endpoints.metadata
            else 'with only token_endpoint set, set device_authorization_endpoint, or issuer to read it from discovery'
        )
        raise ConfigurationError(f'Cannot start the device authorization grant: {where}')
    http.check_url(url, 'device_authorization_endpoint of the discovery document' if endpoints.metadata else 'the PingOne options')
    return url
