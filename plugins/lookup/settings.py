# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: settings
short_description: The connection settings of the jwtauth_oidc_* variables and ansible.cfg, for module_defaults
version_added: 0.1.0
description:
  - Returns, as one dictionary, the connection and authentication options that the C(jwtauth_oidc_*) variables (for
    example from group_vars, vaulted) and the C([jwtauth_oidc]) section of C(ansible.cfg) set, each templated, exactly as
    P(jwtauth.oidc.token#lookup) reads them.
  - Give it to the action group in C(module_defaults), so that a play states its connection once for the lookup and
    for every module (M(jwtauth.oidc.token), M(jwtauth.oidc.api_resource), M(jwtauth.oidc.api_info),
    M(jwtauth.oidc.revoke), M(jwtauth.oidc.introspect)), as community.hashi_vault's C(vault_ansible_settings) does.
  - Only the options every module of the group takes are returned (the connection options), and only those set; a
    keyword of the lookup overrides the variable. C(JWTAUTH_OIDC_*) environment variables (what an AWX credential
    injects) are not returned, since every module reads them itself, after what a task or C(module_defaults) sets.
author:
  - jwtauth.oidc developers (@jwtauth)
options:
  _terms:
    description:
      - Names of the options to return, or shell-style patterns (C(client_*)). Without terms, every option that is set.
    type: list
    elements: str
    required: false
extends_documentation_fragment:
  - jwtauth.oidc.connection
  - jwtauth.oidc.connection.client_id_lookup
  - jwtauth.oidc.connection.plugins
notes:
  - The result holds the client secret or private key when the variables do. Pass it to C(module_defaults), whose
    modules mark those options C(no_log), never to a task that prints it.
seealso:
  - plugin: jwtauth.oidc.token
    plugin_type: lookup
  - ref: ansible_collections.jwtauth.oidc.docsite.guide_quickstart
    description: Set the options once with module_defaults.
"""

EXAMPLES = r"""
# group_vars/all.yml (the client secret vaulted):
#   jwtauth_oidc_environment_id: 5f2b1ac4-7e0d-4c43-9c4e-0b6f4a3d2e1f
#   jwtauth_oidc_region: EU
#   jwtauth_oidc_client_id: 2b4c1e0a-...
#   jwtauth_oidc_client_secret: "{{ vault_worker_secret }}"

- name: One connection for the lookup and for every module
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/jwtauth.oidc.oidc: "{{ lookup('jwtauth.oidc.settings') }}"
  tasks:
    - name: A module, with nothing but what it does
      jwtauth.oidc.api_info:
        url: "https://api.pingone.eu/v1/environments/{{ jwtauth_oidc_environment_id }}/populations"
        api_style: pingone
        list: true
      register: populations

    - name: The lookup reads the same variables
      ansible.builtin.uri:
        url: https://api.example.com/status
        headers:
          Authorization: "Bearer {{ lookup('jwtauth.oidc.token') }}"
      no_log: true

- name: Only the location, for a task that authenticates as another client
  ansible.builtin.debug:
    msg: "{{ lookup('jwtauth.oidc.settings', 'environment_id', 'region', 'auth_base_url') }}"
"""

RETURN = r"""
_raw:
  description:
    - One dictionary of the options set, by name (C(lookup) returns the dictionary itself, C(query) a list holding it).
  type: list
  elements: dict
"""

import fnmatch

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase

from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.specs import connection_argument_spec
from ansible_collections.jwtauth.oidc.plugins.plugin_utils._lookup_options import options_given


def selected(given, terms):
    """The options of ``given`` whose names match one of ``terms`` (all without terms), as a plain dictionary."""
    return {name: value for name, value in given.items() if not terms or any(fnmatch.fnmatchcase(name, pattern) for pattern in terms)}


class LookupModule(LookupBase):
    """The token lookup's way of reading its options, for the options every module of the action group takes."""

    def run(self, terms, variables=None, **kwargs):
        spec = connection_argument_spec()
        unknown = sorted(name for name in kwargs if name not in spec)
        if unknown:
            raise AnsibleLookupError(f'jwtauth.oidc.settings: unknown option {", ".join(unknown)}; it takes the connection options only')
        unmatched = [term for term in terms or () if not any(fnmatch.fnmatchcase(name, term) for name in spec)]
        if unmatched:
            raise AnsibleLookupError(f'jwtauth.oidc.settings: no connection option is named {", ".join(unmatched)}')
        given = options_given(self._load_name, spec, variables or {}, kwargs, self._templar)
        return [selected(given, terms)]
