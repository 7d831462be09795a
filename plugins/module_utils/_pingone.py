# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""PingOne regions and URL layout. Internal to this collection; not a public API."""

from __future__ import annotations

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


def auth_root(region: str | None = 'NA', auth_base_url: str | None = None, environment_id: str | None = None) -> str:
    """The URL that ``/as/...`` paths hang from.

    PingOne lays out ``https://auth.pingone.<tld>/<envID>/as/token``.  ``auth_base_url``
    replaces ``https://auth.pingone.<tld>``; without ``environment_id`` it is a custom
    domain, which already stands for one environment.
    """
    if auth_base_url:
        base = auth_base_url.rstrip('/')
    else:
        if not environment_id:
            raise ConfigurationError('environment_id is required unless auth_base_url names a custom domain')
        region = (region or 'NA').upper()
        if region not in REGION_TLDS:
            raise ConfigurationError('region must be one of {0}, got {1}'.format(', '.join(REGION_TLDS), region))
        base = 'https://auth.pingone.{0}'.format(REGION_TLDS[region])
    if environment_id:
        return '{0}/{1}'.format(base, environment_id.strip('/'))
    return base


def endpoints(region: str | None = 'NA', auth_base_url: str | None = None, environment_id: str | None = None) -> dict[str, str]:
    """The OIDC endpoints of a PingOne environment, without a discovery round trip."""
    issuer = auth_root(region, auth_base_url, environment_id) + '/as'
    return {
        'issuer': issuer,
        'token_endpoint': issuer + '/token',
        'jwks_uri': issuer + '/jwks',
    }
