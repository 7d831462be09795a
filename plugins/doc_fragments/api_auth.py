# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    """How the API modules (api_resource, api_info) get the bearer token for the API, besides the connection options."""

    DOCUMENTATION = r"""
options:
  bearer_token:
    description:
      - A ready access token for the API. Without it, O(client_id) and the other authentication options get one.
    type: str
  token_name:
    description:
      - Use the token that M(jwtauth.oidc.token) saved under this name, instead of a client credentials grant.
    type: str
  scope:
    description:
      - Scopes of the client credentials token, for example V([api:read, api:write]).
    type: list
    elements: str
  scope_downgrade:
    description:
      - What to do when the OP grants fewer scopes than O(scope) requested (RFC 6749 section 3.3).
        V(warn) returns a warning, V(fail) fails before the API is called.
    type: str
    choices: [warn, fail]
    default: warn
  extra_params:
    description:
      - More form fields for the token request, for example a C(resource) (RFC 8707).
      - A list is sent as the field repeated; a dict, or a list inside a list, is refused, naming the field.
    type: dict
    default: {}
"""
