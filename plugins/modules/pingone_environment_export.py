#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: pingone_environment_export
short_description: Read a PingOne environment into the YAML that converges it
version_added: 0.2.0
description:
  - Reads every resource type of the collection's type table from a PingOne environment's Management API and writes
    the document that M(jwtauth.oidc.pingone_environment) and the P(jwtauth.oidc.pingone_platform#role) role take,
    one list per type, each object as the item that would create it.
  - Ids are replaced by names (a user's C(population), a grant's C(resource) and C(scopes), a user's and a group's
    C(groups), the names of the groups it is a direct member of); fields the server owns are left out (ids,
    timestamps, counts, the contract's read-only fields and those an update cannot set); a secret field is never
    written, a reference to the variable O(vault_variable) stands in its place.
  - Every list is sorted, so two exports of one environment are the same bytes, and applying an export to the
    environment it came from writes nothing. PingOne's built-in resources (C(openid), C(PingOne API)) are written by
    name with their scopes, for the grants that name them.
  - Reads each collection page by page (C(limit) where the list declares it, C(_links.next)), the collections below
    each object O(parallel) at once, throttled together on C(429) with C(Retry-After); shows a line for each type read.
  - Changes nothing in PingOne; writes O(dest) on the controller when it holds something else (not in check mode).
  - Runs on the Ansible controller, like M(jwtauth.oidc.token).
author:
  - jwtauth.oidc developers (@jwtauth)
extends_documentation_fragment:
  - jwtauth.oidc.connection
  - jwtauth.oidc.connection.client_id_optional
  - jwtauth.oidc.api_auth
  - jwtauth.oidc.token_store
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
options:
  api_url:
    description:
      - The environment's Management API URL, C(https://api.pingone.<tld>/v1/environments/<envID>).
      - When empty, built from O(environment_id) and O(region).
    type: str
    default: ""
  dest:
    description:
      - The file on the controller to write the YAML to (a vars file of the role with the default O(variable_prefix)).
        Without it, the document is returned as RV(document) and nothing is written.
      - A path ending in C(.json) is written as JSON, for O(jwtauth.oidc.pingone_environment#module:document_file) (and the
        role's C(pingone_platform_document_file)) alone, which read it about 30 times faster than YAML (0.03 s against
        1.1 s for 10,000 users). It is data to them; loaded as variables (C(vars_files)) its strings would be templated,
        where the YAML marks a value of PingOne's that looks like a template C(!unsafe).
    type: path
  types:
    description:
      - The top-level types to read, with their child types (a user's memberships, a resource's scopes); all when not
        given. Leave V(users) out for a large directory kept elsewhere (SCIM, an identity store).
    type: list
    elements: str
  select:
    description:
      - By type, a JMESPath expression true for the objects to export (over the object as PingOne holds it, ids
        included), for example V(population.id == '<id>') for V(users). The others are left out.
    type: dict
    default: {}
  page_size:
    description:
      - Objects asked for a page (C(limit)) where a list declares it; PingOne may answer fewer.
      - The default is the most a page of PingOne's users list holds ("the page size limit of 200", the Paging page of
        its API reference), which sets the number of reads of a large directory; the OpenAPI description allows up to
        1000 for groups and users.
    type: int
    default: 200
  parallel:
    description: Reads in flight at once for the collections below each object (memberships, scopes, grants).
    type: int
    default: 4
  variable_prefix:
    description:
      - What each list's name starts with in O(dest). V(pingone_platform_) makes the file the role's variables;
        empty makes it a O(jwtauth.oidc.pingone_environment#module:document).
    type: str
    default: pingone_platform_
  vault_variable:
    description:
      - The variable, a dict, whose keys stand for the secrets the export leaves out, as
        C({{ pingone_platform_vault['<type>/<name>/<field>'] }}).
    type: str
    default: pingone_platform_vault
attributes:
  check_mode:
    support: full
    details:
      - Reads in check mode too; says whether O(dest) would change, and writes nothing.
  diff_mode:
    support: full
  action:
    support: full
  async:
    support: none
  bypass_host_loop:
    support: none
  platform:
    platforms: all
seealso:
  - module: jwtauth.oidc.pingone_environment
  - name: The jwtauth.oidc.pingone_platform role
    description: Applies an export, or makes one with C(pingone_platform_export_dest) (C(ansible-doc -t role jwtauth.oidc.pingone_platform)).
    link: https://github.com/jwtauth/oidc/blob/main/roles/pingone_platform/README.md
"""

EXAMPLES = r"""
- name: Export the development environment as the role's variables
  jwtauth.oidc.pingone_environment_export:
    environment_id: "{{ pingone_dev_environment_id }}"
    region: EU
    client_id: "{{ pingone_worker_client_id }}"
    client_secret: "{{ pingone_worker_client_secret }}"
    dest: environments/dev.yml
    types: [populations, groups, resources, applications]

- name: Everything but the users, as a document
  jwtauth.oidc.pingone_environment_export:
    environment_id: "{{ pingone_environment_id }}"
    region: EU
    client_id: "{{ pingone_worker_client_id }}"
    client_secret: "{{ pingone_worker_client_secret }}"
    types: [populations, groups, resources, applications]
  register: exported
"""

RETURN = r"""
document:
  description: The environment as a document of lists by type (without O(dest)).
  returned: when O(dest) is not given
  type: dict
counts:
  description: How many objects of each top-level type were read.
  returned: success
  type: dict
  sample: {populations: 2, groups: 5, users: 15}
dest:
  description: The file written.
  returned: with O(dest)
  type: str
requests:
  description: How many HTTP requests the export made to the Management API.
  returned: success
  type: int
msg:
  description: What was read and written, in words.
  returned: always
  type: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.specs import pingone_environment_export_module_kwargs


def main():
    """Never run by a play: the action plugin of the same name does the work, on the controller."""
    module = AnsibleModule(supports_check_mode=True, **pingone_environment_export_module_kwargs())
    module.fail_json(
        msg='jwtauth.oidc.pingone_environment_export runs on the controller as an action plugin; this module file holds only its '
        'documentation. Run it from a play with the jwtauth.oidc collection installed.'
    )


if __name__ == '__main__':
    main()
