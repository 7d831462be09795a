# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: token
short_description: OAuth 2.0 / OpenID Connect access tokens for templates, one token request for a whole play
version_added: 0.1.0
description:
  - Returns an access token (or, with O(query), any part of the token response) for use in templates such as
    an C(Authorization) header with the C(Bearer) scheme.
  - Tokens are kept in the controller's token store. Whatever the number of hosts, forks, tasks and references,
    one token request is made per token endpoint, client, grant, scope and audience for as long as the token is
    valid. Workers that miss the store at the same moment wait for one request instead of each sending their own.
  - A stored token that is about to expire (O(expiry_leeway)) is renewed before it is returned, with its refresh
    token and a new client assertion, or by repeating a client credentials grant. A long job never gets an
    expired token.
  - With terms, returns the tokens that M(jwtauth.oidc.token) saved under those names with its O(jwtauth.oidc.token#module:save_as) option,
    for example from an authorization code, renewed the same way.
  - Takes the same connection and authentication options as M(jwtauth.oidc.token), each also read from a
    C(JWTAUTH_OIDC_*) environment variable (the names the AWX credential type injects) or a C(jwtauth_oidc_*) variable.
author:
  - jwtauth.oidc developers (@jwtauth)
options:
  _terms:
    description:
      - Names under which M(jwtauth.oidc.token) saved tokens. Without terms, the lookup makes (or reuses) the grant
        that the options describe, V(client_credentials) unless O(code) or O(refresh_token) is set.
    type: list
    elements: str
    required: false
  query:
    description:
      - A JMESPath expression over the token response, whose keys are C(access_token), C(token_type), C(expires_in),
        C(expires_at), C(scope), C(id_token), C(refresh_token), C(id_token_claims), C(grant_type), C(token_endpoint)
        and C(issuer), plus C(issued_token_type) after a token exchange. V(@) returns all of it.
      - Without it, the access token string is returned.
    type: str
extends_documentation_fragment:
  - jwtauth.oidc.connection
  - jwtauth.oidc.connection.client_id_lookup
  - jwtauth.oidc.connection.plugins
  - jwtauth.oidc.grant
  - jwtauth.oidc.grant.plugins
  - jwtauth.oidc.token_store
  - jwtauth.oidc.token_store.action
  - jwtauth.oidc.token_store.plugins
notes:
  - The lookup runs on the controller. Its value is a secret. Use it in module options that Ansible masks
    (C(url_password), C(headers) of a task with C(no_log=true)), and set C(no_log=true) on tasks that would print it.
  - Lookups are templated each time a value is used. The token store makes that cheap, because repeated references read
    a local file. With O(token_store=false) every reference sends a token request.
seealso:
  - module: jwtauth.oidc.token
"""

EXAMPLES = r"""
- name: Call an API with a client credentials token (one token request for all hosts)
  ansible.builtin.uri:
    url: https://api.example.com/v1/things
    headers:
      Authorization: "Bearer {{ lookup('jwtauth.oidc.token', issuer='https://idp.example.com', client_id='automation',
                                       client_secret=vault_client_secret, scope=['api:read']) }}"
  no_log: true

- name: PingOne worker token with credentials from AWX (JWTAUTH_OIDC_* environment variables)
  ansible.builtin.set_fact:
    pingone_api_headers:
      Authorization: "Bearer {{ lookup('jwtauth.oidc.token') }}"
  no_log: true

- name: A token of the job's second client, from an AWX credential of the application type (JWTAUTH_OIDC_APP_*)
  ansible.builtin.set_fact:
    orders_api_headers:
      Authorization: "Bearer {{ lookup('jwtauth.oidc.token', credential='application', scope=['orders:read']) }}"
  no_log: true

- name: Redeem an authorization code once and keep its tokens for the rest of the play
  jwtauth.oidc.token:
    environment_id: "{{ pingone_environment_id }}"
    region: EU
    client_id: "{{ pingone_client_id }}"
    client_secret: "{{ pingone_client_secret }}"
    code: "{{ code }}"
    redirect_uri: https://app.example.com/callback
    save_as: login
  no_log: true

- name: Use it on every host; refreshed with its refresh token when it nears expiry
  ansible.builtin.uri:
    url: https://api.example.com/v1/me
    headers:
      Authorization: "Bearer {{ lookup('jwtauth.oidc.token', 'login', environment_id=pingone_environment_id, region='EU',
                                       client_id=pingone_client_id, client_secret=pingone_client_secret) }}"
  no_log: true

- name: The expiry and the ID token's subject
  ansible.builtin.debug:
    msg: "{{ lookup('jwtauth.oidc.token', 'login', query='{sub: id_token_claims.sub, expires_at: expires_at}') }}"

- name: The OP revoked the stored token (or restarted); get a new one now, once for the play
  ansible.builtin.set_fact:
    api_token: "{{ lookup('jwtauth.oidc.token', token_store_action='renew') }}"
  run_once: true
  no_log: true

- name: A token exchanged from another (RFC 8693), kept in the store by a hash of the subject token
  ansible.builtin.set_fact:
    reports_token: "{{ lookup('jwtauth.oidc.token', grant_type='token_exchange', subject_token=operator.access_token,
                              scope=['reports:read'], token_audience=['https://reports.example.com']) }}"
  no_log: true

- name: Drop the saved login (returns an empty string)
  ansible.builtin.set_fact:
    dropped: "{{ lookup('jwtauth.oidc.token', 'login', token_store_action='forget') }}"
"""

RETURN = r"""
_raw:
  description:
    - For each term (or once without terms), the access token, or what O(query) selects from the token response.
    - An empty string for each term with O(token_store_action=forget).
  type: list
  elements: raw
"""

import hashlib
import json
import os
import time

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase
from ansible.utils.display import Display

from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.specs import lookup_argument_spec, token_module_kwargs
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.grants import DEVICE_CODE
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources.query import json_query
from ansible_collections.jwtauth.oidc.plugins.module_utils._store.files import ENTRY_SUFFIX, is_fresh
from ansible_collections.jwtauth.oidc.plugins.module_utils._store.provider import USE, TokenProvider, effective_leeway, identity
from ansible_collections.jwtauth.oidc.plugins.plugin_utils import _edge
from ansible_collections.jwtauth.oidc.plugins.plugin_utils._lookup_options import options_given


def select(tokens, query):
    """The access token, or what a JMESPath query picks from the token response."""
    if not query:
        return tokens['access_token']
    return json_query(query, tokens, 'query')


def lookup_tokens(terms, options, context):
    """What the lookup does, as data: one value per term (or one without terms); its warnings go to ``context``."""
    if not terms and options.grant_type == DEVICE_CODE:
        # A lookup is templated wherever its value is used, and cannot show the user code before it blocks.
        raise ConfigurationError(
            'The device authorization grant needs a person to approve it, which a lookup cannot ask for: run the '
            'jwtauth.oidc.token module with save_as, then look up the saved name'
        )
    provider = TokenProvider(options, context)
    values = []
    # Whether the references to come may be served from memory (see _SERVED): until when, and the store files to check.
    reusable = provider.store is not None and options.token_store_action == USE and not options.http_trace
    fresh_until, entries = float('inf'), []
    for name in terms or [None]:
        tokens = provider.get(name, action=options.token_store_action)
        values.append('' if tokens is None else select(tokens, options.query))
        until = _fresh_until(tokens, provider.leeway) if reusable else None
        entry = _entry_state(os.path.join(provider.store.directory, identity(options, name) + ENTRY_SUFFIX)) if until is not None else None
        if until is None or entry is None:
            reusable = False
            continue
        fresh_until = min(fresh_until, until)
        entries.append(entry)
    return {'values': values, 'fresh_until': fresh_until if reusable else None, 'entries': entries}


def _fresh_until(tokens, leeway):
    """Until when the store itself would serve ``tokens`` as they are (files.is_fresh with the provider's leeway), or
    None when it would not serve them again."""
    if not tokens or not is_fresh(tokens, effective_leeway(tokens, leeway)):
        return None
    return tokens['expires_at'] - effective_leeway(tokens, leeway)


def _entry_state(path):
    """A store entry as it is on disk (path, inode, modification time), or None when it is not there: an entry renewed
    (replaced), forgotten or revoked (removed) since is seen, whatever the token held in memory says."""
    try:
        found = os.stat(path, follow_symlinks=False)
    except OSError:
        return None
    return (path, found.st_ino, found.st_mtime_ns)


# What the references of this worker process were served: Ansible templates a lookup again at every reference (a
# template that uses the token twice, each item of a loop), each in the worker of its task and host. A reference
# with the same terms and options as an earlier one, while the tokens it got are fresh and their store files are
# the same (not renewed, forgotten or revoked since: one stat each), is served from here rather than validated,
# masked and read from the store again (issue 27: from about 1.4 ms to a few tenths). Keyed by a hash: the options
# hold the client secret.
_SERVED = {}


def _served_key(terms, given):
    """The key of a reference in _SERVED, or None when its options cannot be written as JSON (they are not cached)."""
    try:
        text = json.dumps([list(terms or []), given], sort_keys=True, separators=(',', ':'))
    except (TypeError, ValueError):
        return None
    return hashlib.sha256(text.encode('utf-8')).hexdigest()


class LookupModule(LookupBase):
    """Reads the options like the module does, then asks the token provider (store first), through the shared edge."""

    def run(self, terms, variables=None, **kwargs):
        spec = lookup_argument_spec()
        given = options_given(self._load_name, spec, variables or {}, kwargs, self._templar)
        key = _served_key(terms, given)
        served = _SERVED.get(key) if key is not None else None
        if served is not None and time.time() < served[1] and all(_entry_state(entry[0]) == entry for entry in served[2]):
            return list(served[0])
        outcome = _edge.run(token_module_kwargs(spec), given, lambda options, context, check_mode, diff: lookup_tokens(terms, options, context))
        for warning in outcome.get('warnings') or []:
            Display().warning('jwtauth.oidc.token: ' + warning)
        for entry in outcome.get('http_trace') or []:
            # A lookup returns its values only: the trace it was asked for goes to the job output, one line an entry.
            Display().display('jwtauth.oidc.token: http_trace: ' + json.dumps(entry, sort_keys=True))
        if outcome.get('failed'):
            if _edge.NO_LOG_HIDES_FAILURES:
                # A lookup cannot tell whether its task has no_log, which before 2.19 hides the error raised here: the text
                # (masked by the edge) is shown as a warning too, twice on screen without no_log rather than never with it.
                Display().warning(f'jwtauth.oidc.token failed: {outcome["msg"]} (shown here too: no_log hides a failed task on ansible-core before 2.19)')
            raise AnsibleLookupError('jwtauth.oidc.token: ' + outcome['msg'])
        if key is not None and outcome.get('fresh_until') is not None and not outcome.get('warnings'):
            _SERVED[key] = (list(outcome['values']), outcome['fresh_until'], list(outcome['entries']))
        return outcome['values']
