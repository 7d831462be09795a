# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What PingOne's machine-readable contract says of the Management API collections the collection converges.

Internal to this collection; not a public API.  The source is the OpenAPI description PingOne's Go SDK is generated
from: ``management/generate/pingone-management.yml`` of patrickcping/pingone-go-sdk-v2 at commit
4a884deb5b2812afdea4475d71e55913b36cf2a5 (v0.14.14); "SDK 8266" below is its line 8266.  Where it is silent, the calls of
pingidentity/terraform-provider-pingone (commit cef5208af78019b95a0146818839f63237659b4e) or a prose page are named, and
what no source confirms says UNCONFIRMED.  Each collection's facts are a column of the type table
(_pingone.resource_types), which this file reads.  The test tree holds the whole table of operations the collection calls
(tests/servers/pingone_api/contract.py); tests/integration/test_pingone_contract_table.py keeps this file in step with it.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from ansible_collections.jwtauth.oidc.plugins.module_utils._pingone.resource_types import TYPES, Kind


# Path patterns below /v1/environments/{environmentID}, from the type table (each {parentID} one path segment).
KINDS = tuple((re.sub(r'\{[^/}]+\}', '[^/]+', resource_type.path), resource_type.kind) for resource_type in TYPES)

_ENVIRONMENT = re.compile(r'/v1/environments/[^/]+(?P<rest>/.*)?\Z')
# A collection that is none of the above: nothing known, nothing assumed beyond what every PingOne object carries.
UNKNOWN = Kind('object', False, ())


def kind_of(url: str) -> Kind:
    """The kind of the PingOne collection at ``url`` (``.../v1/environments/{envID}/users``), or UNKNOWN."""
    found = _ENVIRONMENT.search(urlsplit(url).path.rstrip('/'))
    rest = (found.group('rest') or '') if found else ''
    for pattern, kind in KINDS:
        if re.fullmatch(pattern, rest):
            return kind
    return UNKNOWN
