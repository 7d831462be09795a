# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    """The controller-side token store, shared by the token module and lookup."""

    DOCUMENTATION = r'''
options:
  token_store:
    description:
      - Keep tokens in the controller's token store, so that every host, fork and task of a play (and later plays)
        share one token per token endpoint, client, grant, scope and audience for as long as it is valid.
      - Entries are files readable only by their owner (0600 in a 0700 directory), written atomically, and encrypted
        with AES-256-GCM under a key derived from the client secret or private key; without that credential an entry
        cannot be read. A corrupt or unreadable entry counts as missing. Expired entries are deleted.
      - Public clients (O(auth_method=none)) have no credential to encrypt with; their tokens are not stored.
      - Set to V(false) to request a new token every time.
      - Falls back to the E(JWTAUTH_OIDC_TOKEN_STORE) environment variable.
    type: bool
    default: true
  token_store_path:
    description:
      - Directory of the token store. Defaults to C(jwtauth_oidc/tokens) under E(ANSIBLE_HOME) (C(~/.ansible)).
      - In AWX or Automation Controller each job runs in a fresh container, so the store lives for one job.
      - Falls back to the E(JWTAUTH_OIDC_TOKEN_STORE_PATH) environment variable.
    type: path
  expiry_leeway:
    description:
      - A stored token that expires within this many seconds is renewed before it is returned, so a task never
        gets a token that expires while it uses it.
      - Renewal uses the refresh token (with a new client assertion) when there is one, else repeats the grant
        when it can be repeated (client credentials); otherwise the lookup fails saying the token expired and
        cannot be renewed.
      - Falls back to the E(JWTAUTH_OIDC_EXPIRY_LEEWAY) environment variable.
    type: int
    default: 60
'''

    PLUGINS = r'''
options:
  token_store:
    ini:
      - section: jwtauth_oidc
        key: token_store
    vars:
      - name: jwtauth_oidc_token_store
  token_store_path:
    ini:
      - section: jwtauth_oidc
        key: token_store_path
    vars:
      - name: jwtauth_oidc_token_store_path
  expiry_leeway:
    ini:
      - section: jwtauth_oidc
        key: expiry_leeway
    vars:
      - name: jwtauth_oidc_expiry_leeway
'''
