# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""PingOne regions and URL layout. Internal to this collection; not a public API."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import SplitResult, urlsplit

from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError

# Top-level domains of the PingOne regions (PingOne platform API docs, "Regions").
REGION_TLDS = {
    'NA': 'com',
    'CA': 'ca',
    'EU': 'eu',
    'AU': 'com.au',
    'SG': 'sg',
    'AP': 'asia',
}

# Names people type for a region that PingOne calls otherwise: the message says which to use.
REGION_MISTAKES = {
    'US': 'NA',
    'USA': 'NA',
    'COM': 'NA',
    'APAC': 'AP',
    'ASIA': 'AP',
}

# A PingOne environment ID is a UUID (PingOne API docs: every resource id is one).
UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}'
_UUID = re.compile(UUID + r'\Z')
# A path that holds a PingOne issuer: /<envID>/as, or /as alone on a custom domain, maybe with an endpoint after it.
_ISSUER_PATH = re.compile(r'(?P<env>/' + UUID + r')?/as(?:/[^/]*)?/*\Z')
_AS_TWICE = re.compile('/' + UUID + '/as/' + UUID + '/as(?:/|\\Z)')
WELL_KNOWN = '/.well-known/openid-configuration'
_PINGONE_HOST = re.compile(r'(?:auth|api|scim-api|apps)\.pingone\.(?P<tld>com|ca|eu|com\.au|sg|asia)\Z')


def canonical_region(region: str | None) -> str | None:
    """The region as PingOne spells it (upper case, no spaces); validated by check_region."""
    return region.strip().upper() if isinstance(region, str) else region


def canonical_environment_id(environment_id: str | None) -> str | None:
    """The environment ID without the spaces and slashes that copy and paste brings along."""
    return environment_id.strip().strip('/').strip() if isinstance(environment_id, str) else environment_id


def check_region(region: str | None) -> str:
    """The canonical region code, or raise ConfigurationError naming the one to use."""
    code = canonical_region(region) or 'NA'
    if code in REGION_TLDS:
        return code
    if code in REGION_MISTAKES:
        raise ConfigurationError(
            f'region {region!r} is not a PingOne region name; use {REGION_MISTAKES[code]} (PingOne calls its regions {", ".join(REGION_TLDS)})'
        )
    by_tld = [name for name, tld in REGION_TLDS.items() if tld == code.lower().lstrip('.')]
    if by_tld:
        raise ConfigurationError(f'region {region!r} is a top-level domain; use the region name {by_tld[0]}')
    raise ConfigurationError(f'region must be one of {", ".join(REGION_TLDS)} (in any case), got {region!r}')


def check_environment_id(environment_id: str | None) -> str:
    """The trimmed environment ID, or raise ConfigurationError when it is not a UUID."""
    value = canonical_environment_id(environment_id) or ''
    if _UUID.match(value):
        return value
    shown = value if len(value) <= 80 else value[:77] + '...'
    hint = ''
    if '/' in value or value.lower().startswith('http'):
        hint = '; give the ID alone, not a URL (auth_base_url takes the host)'
    raise ConfigurationError(
        'environment_id must be a PingOne environment ID, a UUID such as 5f2b1ac4-7e0d-4c43-9c4e-0b6f4a3d2e1f '
        f'(admin console, Settings > Environment > Properties), got {shown!r}{hint}'
    )


def check_auth_base_url(auth_base_url: str, environment_id: str | None = None) -> str:
    """The auth_base_url without its trailing slash, or raise when it is a whole issuer or endpoint URL.

    auth_base_url replaces ``https://auth.pingone.<tld>`` (or, on a custom domain, also the
    ``/<envID>`` after it); ``/as`` and the endpoint names are added here. An issuer pasted
    in its place would become ``.../<envID>/as/<envID>/as/token``.
    """
    base = auth_base_url.rstrip('/')
    parts = urlsplit(base)
    host = _PINGONE_HOST.match(parts.hostname or '')
    if host and not (parts.hostname or '').startswith('auth.'):
        # api., scim-api. and apps. serve the Management, SCIM and end-user apps; only auth. serves /<envID>/as.
        raise ConfigurationError(
            f'auth_base_url {auth_base_url} is not an auth host: PingOne serves sign-on and tokens at https://auth.pingone.{host.group("tld")} '
            '(leave auth_base_url out and set region), or at a custom domain set up in PingOne',
            url=auth_base_url,
        )
    found = _ISSUER_PATH.search(parts.path)
    if not found:
        return base
    root = f'{parts.scheme}://{parts.netloc}{parts.path[: found.start()]}'
    env = (found.group('env') or '').lstrip('/')
    if env:
        fix = f'set auth_base_url to {root} and environment_id to {env}'
        if environment_id and canonical_environment_id(environment_id) != env:
            fix += f' (environment_id is {canonical_environment_id(environment_id)}, the URL names {env}: which is it?)'
    else:
        fix = f'set auth_base_url to {root}{" with environment_id" if environment_id else ", the custom domain alone"}'
    raise ConfigurationError(
        f'auth_base_url {auth_base_url} is an issuer or endpoint URL (it ends in {parts.path[found.start() :]}); auth_base_url is the part before '
        f'/<environment_id>/as, and /as/token is added to it: {fix}',
        url=auth_base_url,
    )


def auth_root(region: str | None = 'NA', auth_base_url: str | None = None, environment_id: str | None = None) -> str:
    """The URL that ``/as/...`` paths hang from.

    PingOne lays out ``https://auth.pingone.<tld>/<envID>/as/token``.  ``auth_base_url``
    replaces ``https://auth.pingone.<tld>``; without ``environment_id`` it is a custom
    domain, which already stands for one environment.
    """
    env = check_environment_id(environment_id) if environment_id else None
    if auth_base_url:
        base = check_auth_base_url(auth_base_url, env)
    else:
        if not env:
            raise ConfigurationError('environment_id is required unless auth_base_url names a custom domain')
        base = f'https://auth.pingone.{REGION_TLDS[check_region(region)]}'
    if env:
        return f'{base}/{env}'
    return base


def management_root(environment_id: str | None, region: str | None = 'NA') -> str:
    """The Management API URL of an environment, ``https://api.pingone.<tld>/v1/environments/<envID>`` (PingOne Platform APIs,
    "Regions"; a custom domain never applies to the ``api.`` host)."""
    if not environment_id:
        raise ConfigurationError('environment_id is required to reach the Management API unless api_url is given')
    return f'https://api.pingone.{REGION_TLDS[check_region(region)]}/v1/environments/{check_environment_id(environment_id)}'


def endpoints(region: str | None = 'NA', auth_base_url: str | None = None, environment_id: str | None = None) -> dict[str, str]:
    """The OIDC endpoints of a PingOne environment, without a discovery round trip."""
    issuer = auth_root(region, auth_base_url, environment_id) + '/as'
    return {
        'issuer': issuer,
        'token_endpoint': issuer + '/token',
        'jwks_uri': issuer + '/jwks',
        # "Authorize (device)": POST {{authPath}}/{{envID}}/as/device_authorization
        # (https://developer.pingidentity.com/pingone-api/auth/openid-connect-oauth-2/device-authorization-grant/authorize-device.html).
        'device_authorization_endpoint': issuer + '/device_authorization',
    }


def check_options(environment_id: str | None, region: str | None, auth_base_url: str | None) -> list[str]:
    """Error texts for the PingOne options, for the edge to report before any work (empty when they fit)."""
    checks: list[Callable[[], object]] = []
    if environment_id:
        checks.append(lambda: check_environment_id(environment_id))
    if auth_base_url:
        checks.append(lambda: check_auth_base_url(auth_base_url, environment_id))
    else:
        checks.append(lambda: check_region(region))
    errors = []
    for check in checks:
        try:
            check()
        except ConfigurationError as exc:
            errors.append(str(exc))
    return errors


def is_standard_issuer(issuer: object) -> bool:
    """True for ``https://auth.pingone.<tld>/<envID>/as``, the issuer PingOne also accepts behind a custom domain."""
    if not isinstance(issuer, str):
        return False
    parts = urlsplit(issuer)
    host = _PINGONE_HOST.match(parts.hostname or '')
    return (
        parts.scheme == 'https'
        and host is not None
        and issuer.startswith('https://auth.')
        and parts.port is None
        and re.fullmatch('/' + UUID + '/as', parts.path) is not None
    )


def environment_of(issuer: str) -> str | None:
    """The environment ID in a PingOne-shaped issuer or endpoint URL (``/<envID>/as``), in lower case, or None."""
    found = re.search('/(' + UUID + ')/as(?:/|\\Z)', urlsplit(issuer).path)
    return found.group(1).lower() if found else None


def custom_domain_root(issuer: str) -> str:
    """The auth_base_url for an issuer given on a custom domain: the URL without its /as."""
    base = issuer.rstrip('/')
    return base[: -len('/as')] if base.endswith('/as') else base


def looks_like_pingone(url: str | None) -> bool:
    """True for a URL on a PingOne host, or laid out like PingOne's auth paths (``/<envID>/as/...``)."""
    parts = urlsplit(url or '')
    if _PINGONE_HOST.match(parts.hostname or ''):
        return True
    return environment_of(url or '') is not None


def _api_host(parts: SplitResult) -> bool:
    """Whether a URL is of PingOne's Management or SCIM API (or laid out like it: ``/v1/environments/...``)."""
    return (parts.hostname or '').startswith(('api.', 'scim-api.')) or parts.path.startswith('/v1/environments/')


def access_failed_hint(url: str | None, code: str | None, pingone: bool = False) -> str | None:
    """What a 403 ``ACCESS_FAILED`` from PingOne's Management or SCIM API usually means, or None.

    PingOne answers it for an environment it does not know ("Forbidden - Note: This may occur if the environment doesn't
    exist", pingone-go-client openapi.yaml http.403.Forbidden.P14C63085; Terraform then reads GET /environments/{id}, which
    alone answers 404, internal/framework/sdk.go:75-92) and for a worker application without a role that allows the
    request.
    """
    parts = urlsplit(url or '')
    if code != 'ACCESS_FAILED' or not (pingone or looks_like_pingone(url) or _api_host(parts)):
        return None
    return (
        "PingOne answers 403 ACCESS_FAILED for an environment it does not know (check the environment ID in the URL, and that the URL's domain "
        "is that environment's region) and when the worker application has no role that allows this request (give it one in the environment, "
        'e.g. Identity Data Admin)'
    )


def not_found_hint(url: str | None, pingone: bool = False) -> str | None:
    """What a 404 from a PingOne-shaped URL, or one built from the PingOne options (``pingone``), usually means; else None.

    At the auth host, PingOne answers 404 for an environment ID it does not know, which is also what an environment of
    another region looks like (each region is a separate deployment).  At the API hosts a 404 is an object it does not
    know; an unknown environment answers 403 there (see access_failed_hint).
    """
    parts = urlsplit(url or '')
    path = parts.path.rstrip('/')
    if WELL_KNOWN + '/.well-known/' in path + '/':
        # OpenID Connect Discovery section 4: the client appends the suffix to the issuer; pasted with it, it is there twice.
        return f'the issuer was given with {WELL_KNOWN} at its end: give the issuer without it (the suffix is added to it)'
    if not (pingone or looks_like_pingone(url)):
        return None
    if _api_host(parts) and environment_of(url or '') is None:
        return 'PingOne answers 404 for an object it does not know: check the id in the URL (an environment it does not know answers 403)'
    if _AS_TWICE.search(path):
        return 'the URL holds /<environment_id>/as twice: auth_base_url is the part before /<environment_id>/as (a custom domain alone)'
    if path.endswith('/as'):
        return f'{url} is an issuer, not an endpoint: give it as issuer (its token endpoint is {(url or "").rstrip("/")}/token), not as token_endpoint'
    return (
        'PingOne answers 404 for an environment it does not know: check environment_id (the UUID in the URL), region '
        "(each region is a separate PingOne, so the domain must be the environment's) and auth_base_url (the host of a "
        'custom domain set up in PingOne, without /<environment_id>/as)'
    )
