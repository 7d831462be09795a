# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The frozen Options of a task or lookup, built from its validated arguments. Internal to this collection; not a public API.

Every option that any plugin of the collection takes is an attribute of every Options, with its argument-spec
default where the plugin does not take it (api_resource has no ``clock_skew``, yet gets a token through the same
client), so that the library shared by the plugins never supplies a default of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.specs import every_option_spec
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.grants import infer_grant_type
from ansible_collections.jwtauth.oidc.plugins.module_utils._options import Options
from ansible_collections.jwtauth.oidc.plugins.module_utils._pingone.locations import canonical_environment_id, canonical_region
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources.names import write_only_keys

# Options spelled more than one way by users: made canonical in every Options, so that the token
# store's entry and the URLs do not depend on the spelling ('eu' and 'EU', an ID with a trailing space).
CANONICAL = {
    'region': canonical_region,
    'environment_id': canonical_environment_id,
}


@lru_cache(maxsize=None)
def _defaults() -> Mapping[str, Any]:
    return {name: option_spec.get('default') for name, option_spec in every_option_spec().items()}


def options_of(values: Options | Mapping[str, Any]) -> Options:
    """``values`` as Options: the defaults of every option they leave out, and the spellings made canonical.

    Options already built are returned as they are.  The edge builds them from validated arguments;
    tests and benchmarks from plain dicts.
    """
    if isinstance(values, Options):
        return values
    merged = dict(_defaults())
    merged.update(values)
    for name, canonical in CANONICAL.items():
        merged[name] = canonical(merged.get(name))
    # The grant the options describe, decided once: a short alias as its URN, else inferred from a code or refresh token.
    merged['grant_type'] = infer_grant_type(merged.get('grant_type'), merged.get('code'), merged.get('refresh_token'))
    # What the API never returns is never compared nor shown, whether the task names it or the API's standard does.
    merged['write_only_keys'] = write_only_keys(merged.get('api_style'), merged.get('write_only_keys'))
    return Options(merged)
