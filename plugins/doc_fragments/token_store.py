# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    """The controller-side token store, shared by the token module and lookup."""

    DOCUMENTATION = r"""
options:
  token_store:
    description:
      - Keep tokens in the controller's token store, so that every host, fork and task of a play (and later plays)
        share one token per token endpoint, client, grant, scope and audience for as long as it is valid.
      - Entries are files readable only by their owner (0600 in a 0700 directory), written atomically, and encrypted
        with AES-256-GCM under a key derived from the client secret or private key; without that credential an entry
        cannot be read. A corrupt or unreadable entry counts as missing. Expired entries are deleted.
      - Tokens are kept for the lifetime the OP states (C(expires_in)), else until the C(exp) of a JWT access token,
        else for O(default_token_lifetime); never longer than a year.
      - Public clients (O(auth_method=none)) have no credential to encrypt with; their tokens are not stored.
      - Set to V(false) to request a new token every time.
      - Falls back to the E(JWTAUTH_OIDC_TOKEN_STORE) environment variable.
    type: bool
    default: true
  token_store_path:
    description:
      - Directory of the token store. Defaults to C(jwtauth_oidc/tokens) under E(ANSIBLE_HOME) (C(~/.ansible)).
      - The directory must belong to the user running Ansible, must not be a symbolic link, and must not be writable
        by group or others; otherwise every use fails saying why. Missing directories are created with mode 0700, parents
        included, whatever the umask. Files in it are never followed through symbolic links, and only files named and
        formatted as the store's own are ever deleted.
      - A module with O(jwtauth.oidc.token#module:save_as) checks that the store is writable before it sends a
        single-use grant; if saving still fails afterwards, the task returns the tokens with a warning.
      - A store on a read-only file system still serves its valid entries.
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
      - No renewal can keep this promise when the OP issues tokens for no longer than this leeway. Such a token is
        served while more than half its lifetime is left (instead of a new request at every use, one host after
        another), and the task that requested it warns, naming both numbers.
      - Falls back to the E(JWTAUTH_OIDC_EXPIRY_LEEWAY) environment variable.
    type: int
    default: 60
  token_store_lock_timeout:
    description:
      - Seconds a worker waits for another worker that holds the lock of the same entry (it is requesting or renewing
        that token) before failing with a message that names the token endpoint, client_id and store.
      - Bounds the wait behind a stopped or hung Ansible process. The default fits one token request with the default
        O(timeout) and a retry or two.
      - When the request of the worker that held the lock failed, workers that waited for it fail at once with the same
        error for 10 seconds instead of each sending the request again; a later task tries again.
      - Falls back to the E(JWTAUTH_OIDC_TOKEN_STORE_LOCK_TIMEOUT) environment variable.
    type: int
    default: 120
  default_token_lifetime:
    description:
      - Seconds to reuse an access token whose lifetime the OP does not state, that is, the token response has no
        C(expires_in) (RFC 6749 section 5.1 only recommends it) and the access token is not a JWT with an C(exp) claim.
      - The default, 5 minutes, is the shortest access token lifetime common OPs default to. Set V(0) to never reuse
        such tokens (every use sends a token request, and a saved one without a refresh token is not kept).
      - If the OP revokes a token early, renew it with C(token_store_action=renew) of the token module or lookup.
      - Falls back to the E(JWTAUTH_OIDC_DEFAULT_TOKEN_LIFETIME) environment variable.
    type: int
    default: 300
"""

    ACTION = r"""
options:
  token_store_action:
    description:
      - What to do with the stored token.
      - V(use) returns the stored token while it is fresh, and renews or requests one when it is not.
      - V(renew) gets a new token now even if the stored one is fresh (with its refresh token, else by repeating a client
        credentials grant) and stores it. Use it when the OP revoked the token or lost it in a restart, and an API
        answers 401 to a token the store still holds. Workers that waited while another renewed the same token take
        that token instead of renewing again; still, run the task once (C(run_once=true)), not on every host.
      - V(forget) removes the entry and requests nothing; the lookup returns an empty string, the module reports
        C(changed) when there was an entry. A later V(use) requests a new token; a saved name must be saved again by
        M(jwtauth.oidc.token), with O(jwtauth.oidc.token#module:save_as).
      - In the module, V(renew) and V(forget) act on the entry saved as O(jwtauth.oidc.token#module:save_as), or,
        without it, on the entry the lookup keeps for the same options; they send no grant of the module's own.
        V(use) sends the module's grant as usual.
      - Not read from the environment or variables, so that it cannot stay set for later tasks by accident.
    type: str
    choices: [use, renew, forget]
    default: use
"""

    PLUGINS = r"""
options:
  token_store:
    env:
      - name: JWTAUTH_OIDC_TOKEN_STORE
    ini:
      - section: jwtauth_oidc
        key: token_store
    vars:
      - name: jwtauth_oidc_token_store
  token_store_path:
    env:
      - name: JWTAUTH_OIDC_TOKEN_STORE_PATH
    ini:
      - section: jwtauth_oidc
        key: token_store_path
    vars:
      - name: jwtauth_oidc_token_store_path
  expiry_leeway:
    env:
      - name: JWTAUTH_OIDC_EXPIRY_LEEWAY
    ini:
      - section: jwtauth_oidc
        key: expiry_leeway
    vars:
      - name: jwtauth_oidc_expiry_leeway
  token_store_lock_timeout:
    env:
      - name: JWTAUTH_OIDC_TOKEN_STORE_LOCK_TIMEOUT
    ini:
      - section: jwtauth_oidc
        key: token_store_lock_timeout
    vars:
      - name: jwtauth_oidc_token_store_lock_timeout
  default_token_lifetime:
    env:
      - name: JWTAUTH_OIDC_DEFAULT_TOKEN_LIFETIME
    ini:
      - section: jwtauth_oidc
        key: default_token_lifetime
    vars:
      - name: jwtauth_oidc_default_token_lifetime
"""
