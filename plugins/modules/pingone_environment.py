#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: pingone_environment
short_description: Converge a whole PingOne environment from one document, in one task
version_added: 0.2.0
description:
  - Makes a PingOne environment hold what O(document) says, through its Management API, every resource type in
    dependency order and the deletions at the end, in one task. The P(jwtauth.oidc.pingone_platform#role) role
    wraps it.
  - O(document) holds one list per resource type (C(populations), C(groups), C(users), C(resources),
    C(applications)); each item is a PingOne object as the Management API holds it, but naming the objects it refers
    to by name rather than by id (a user's C(population), a grant's C(resource) and C(scopes)). A child type is a list
    in its parent's item (a resource's C(scopes), an application's C(grants)); a user's or group's C(groups) lists
    the names of the groups it is a direct member of.
  - Each type is read once (one paged list per collection) and only the objects that differ are written, as
    M(jwtauth.oidc.api_resource) does with O(jwtauth.oidc.api_resource#module:api_style=pingone); only the attributes
    an item sets are compared. The requests follow PingOne's OpenAPI contract.
  - The users' group memberships are read by group when that takes fewer requests (at least 8 users to read, and the
    groups' pages fewer than the users), each group's users with C(GET .../users?filter=memberOfGroups[id eq "..."])
    checked against the group's count of direct members, not each user's C(memberOfGroups). A user whom a group with
    members through a nested group or a C(userFilter) lists is read alone, as is every user with O(prune_memberships).
    The groups' users are read while the users are read and converged (one rate budget, O(parallel) requests in
    flight for both); a run that moves a user to another population or deletes one reads them again afterwards.
  - An item with C(state) V(absent) is deleted after everything else is converged, in this order grants, scopes,
    applications, resources, users, groups, populations. An object the document leaves out is never deleted; a
    membership only with O(prune_memberships).
  - Check mode writes nothing and returns RV(drift), one entry per object that would change, for an AWX job to keep
    with C(ansible.builtin.set_stats) and a schedule to alert on.
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
  document:
    description:
      - The environment, a dict of lists by resource type, each item a PingOne object that names others by name.
      - C(populations) (key C(name)); C(groups) (key C(name) within its C(population), a population's name; C(groups)
        lists the groups it is nested in); C(users) (key C(username), case-insensitive; C(population) by name,
        C(enabled) and a change of C(population) through their own endpoints; C(groups) lists its direct groups);
        C(resources) (key C(name); C(scopes), key C(name)); C(applications) (key C(name); OIDC, C(protocol)
        V(OPENID_CONNECT) and C(enabled) V(true) unless set; C(grants), one a C(resource) with C(scopes) by name;
        C(return_secret) V(true) reads the client secret into RV(secrets)).
      - C(state) V(absent) on an item deletes its object, at the end.
    type: dict
    default: {}
  document_file:
    description:
      - A YAML or JSON file on the controller that holds the document, in place of O(document), for an environment of
        thousands (the file that M(jwtauth.oidc.pingone_environment_export) writes, as it is). The action plugin reads it when
        the task runs, so the document is neither loaded with the play's variables nor templated as an argument.
      - Its lists are under the prefix of its C(<prefix>exported_types) key, as an export writes them
        (C(pingone_platform_users)), or under their types' names (C(users)); a key that names no type is refused.
      - The file is data. Nothing in it is templated but an export's vault references, each a whole string such as
        C({{ pingone_platform_vault['identity provider/Google/clientSecret'] }}), which take that key of the task's
        variable (load its vaulted variables file with C(vars_files) or C(include_vars)); C(!unsafe) strings are read as
        they are written.
      - A relative path is looked for as C(copy) and C(template) look for theirs (the role's and the play's C(files/)
        directories first). An Ansible Vault encrypted file is decrypted with the play's vault secrets; an inline
        C(!vault) value is refused (encrypt the whole file). Errors name the file and a line or a key, never a value.
      - O(result_detail) is V(compact) unless the task sets it.
    type: str
  api_url:
    description:
      - The environment's Management API URL, C(https://api.pingone.<tld>/v1/environments/<envID>).
      - When empty, built from O(environment_id) and O(region).
    type: str
    default: ""
  part:
    description:
      - V(all) converges the whole document.
      - A run can also be split in three tasks so that the application secrets are read in a task of their own, whose
        result is never displayed, while the others keep their C(--diff). V(before_secrets) converges the types up to
        the applications, V(secrets) reads the secrets of the applications with C(return_secret), V(after_secrets)
        converges the rest and deletes. Each task after the first takes the RV(handover) of the first in O(handover).
      - A result that holds a secret (V(all) or V(secrets)) is never displayed; the registered variable keeps it.
    type: str
    choices: [all, before_secrets, secrets, after_secrets]
    default: all
  handover:
    description:
      - The RV(handover) of the V(before_secrets) part, for the V(secrets) and V(after_secrets) parts.
    type: dict
  prune_memberships:
    description:
      - Also remove each listed user (and each listed group) from the groups its C(groups) does not name. Refused for
        one whose removals would exceed O(prune_max), before any write for it; one with an empty C(groups) is left
        alone. Memberships through nested groups (PingOne's C(type) V(INDIRECT)) are never compared or removed.
    type: bool
    default: false
  prune_max:
    description:
      - The most memberships one user or group may lose in one run through O(prune_memberships), and the most objects of
        one collection O(prune_types) may delete.
    type: int
    default: 20
  user_update_method:
    description: V(patch) sends only the user attributes that differ, V(put) the whole user.
    type: str
    choices: [put, patch]
    default: patch
  page_size:
    description:
      - Objects asked for a page (C(limit)) where a list declares it; PingOne may answer fewer.
      - The default is the most a page of PingOne's users list holds ("the page size limit of 200", the Paging page of
        its API reference), which sets the number of reads of a large directory; the OpenAPI description allows up to
        1000 for groups and users.
    type: int
    default: 200
  parallel:
    description:
      - Writes in flight at once for each collection. A C(429 REQUEST_LIMITED) pauses them all for its C(Retry-After)
        and lowers this for a while.
    type: int
    default: 4
  variable_prefix:
    description:
      - How messages name the document's lists, the prune limit and the secrets, for a role whose variables hold them
        (V(pingone_platform_) names C(pingone_platform_users[3]) and C(pingone_platform_prune_max)). Empty names them
        C(document.users[3]) and O(prune_max).
    type: str
    default: ""
  substitutions:
    description:
      - What differs between the environments one document is promoted to (development, test, production). Each key
        is replaced with its value in every string of O(document) before anything is compared, the longest key first.
        Names, redirect URIs, domains, and the ids of objects outside the document (an export writes those by id).
      - C(--diff) against the target then shows only these differences and the real changes.
    type: dict
    default: {}
  prune_types:
    description:
      - Top-level types (C(populations), C(users), ...) whose objects the document does not list are deleted, and so are
        the scopes, grants and direct group memberships of their listed objects that their items do not list, the
        environment made exactly the document for those types, as when applying a snapshot to roll back to it.
      - Deletions come after everything else, in delete order, at most O(prune_max) a collection; more is refused
        before any write of that collection.
    type: list
    elements: str
    default: []
  prune_exported_types:
    description:
      - Also prune, as O(prune_types) does, every type the document's C(exported_types) lists (an export writes it, the
        types it holds whole), for a snapshot's rollback from O(document_file), whose types the task cannot name before the
        file is read. Refused when the document has no C(exported_types) list.
    type: bool
    default: false
  result_detail:
    description:
      - V(full) gives a line of RV(summary) for the links (group memberships, nestings) of each object, and RV(ids).
      - "V(compact) says in one line the links left as they were of all the objects of a type (C(Groups of 9998 users:
        unchanged 19996)), each object whose links change keeping its own line, and leaves RV(ids) out (RV(client_ids)
        and RV(handover) stay), so that a run over 10,000 users hands Ansible a result about as small as a run over ten."
      - Default V(full), and V(compact) with O(document_file).
    type: str
    choices: [full, compact]
    default: full
attributes:
  check_mode:
    support: full
    details:
      - Reads every collection and writes nothing; a collection below an object it would create is not read.
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
  - name: The jwtauth.oidc.pingone_platform role
    description: The same document as the role's variables, with checks of them before anything is sent (C(ansible-doc -t role jwtauth.oidc.pingone_platform)).
    link: https://github.com/jwtauth/oidc/blob/main/roles/pingone_platform/README.md
  - module: jwtauth.oidc.api_resource
"""

EXAMPLES = r"""
- name: The environment as code
  jwtauth.oidc.pingone_environment:
    environment_id: "{{ pingone_environment_id }}"
    region: EU
    client_id: "{{ pingone_worker_client_id }}"
    client_secret: "{{ pingone_worker_client_secret }}"
    document:
      populations:
        - name: Staff
      groups:
        - name: staff-all
          population: Staff
      users:
        - username: alice
          population: Staff
          email: alice@example.com
          groups: [staff-all]
      resources:
        - name: Orders API
          audience: https://orders.example.com
          scopes:
            - name: orders:read
      applications:
        - name: portal
          type: WEB_APP
          tokenEndpointAuthMethod: CLIENT_SECRET_JWT
          grantTypes: [AUTHORIZATION_CODE]
          responseTypes: [CODE]
          redirectUris: [https://portal.example.com/callback]
          grants:
            - resource: Orders API
              scopes: [orders:read]
  register: converged

- name: What changed
  ansible.builtin.debug:
    msg: "{{ converged.summary }}"

- name: Drift, in check mode, kept for AWX
  jwtauth.oidc.pingone_environment:
    environment_id: "{{ pingone_environment_id }}"
    region: EU
    client_id: "{{ pingone_worker_client_id }}"
    client_secret: "{{ pingone_worker_client_secret }}"
    document: "{{ lookup('ansible.builtin.file', 'environments/prod.yml') | from_yaml }}"
  check_mode: true
  register: drift

- name: Keep the drift report as a job artifact
  ansible.builtin.set_stats:
    data:
      pingone_drift: "{{ drift.drift }}"
      pingone_drift_count: "{{ drift.drift_count }}"

- name: A directory of 10,000 users, one summary line for the memberships left as they were
  jwtauth.oidc.pingone_environment:
    environment_id: "{{ pingone_environment_id }}"
    region: EU
    client_id: "{{ pingone_worker_client_id }}"
    client_secret: "{{ pingone_worker_client_secret }}"
    document: "{{ lookup('ansible.builtin.file', 'environments/directory.yml') | from_yaml }}"
    result_detail: compact
  register: directory

- name: The same directory from the file an export wrote, read by the task itself (its vault references from vars_files)
  jwtauth.oidc.pingone_environment:
    environment_id: "{{ pingone_environment_id }}"
    region: EU
    client_id: "{{ pingone_worker_client_id }}"
    client_secret: "{{ pingone_worker_client_secret }}"
    document_file: environments/directory.yml  # a role's or the play's files/environments/directory.yml
  register: directory
"""

RETURN = r"""
summary:
  description: What the run did (or would do, in check mode), one line a collection, by name, never a value.
  returned: always
  type: list
  elements: str
  sample: ["populations: created 1 (Staff)", "Groups of alice: added to staff-all (population Staff)", "applications: unchanged 2"]
drift:
  description:
    - One entry per object that differs (in check mode) or was changed, with its C(type), C(name), C(parent) for an
      object below another, C(action) (C(create), C(update), C(delete)) and C(fields), the names of the fields that
      differ; never a value.
  returned: always
  type: list
  elements: dict
  sample: [{type: application, name: portal, action: update, fields: [pkceEnforcement]}]
drift_count:
  description: How many entries RV(drift) holds.
  returned: always
  type: int
ids:
  description: The id of each object of the top-level types, by type and key (null for one check mode would create).
  returned: unless O(result_detail=compact)
  type: dict
client_ids:
  description: The id of each application, which is its client ID, by name.
  returned: always
  type: dict
secrets:
  description: The client secret of each application with C(return_secret), by name. The task's display is censored.
  returned: with O(part=all) or O(part=secrets)
  type: dict
handover:
  description:
    - What a later part of the same run needs (ids, what was created, the summary so far), and C(secrets_asked), whether
      an application of the document asks for its secret (C(return_secret)); the V(secrets) part has nothing to read
      when it is V(false).
  returned: always
  type: dict
requests:
  description: How many HTTP requests the run made to the Management API.
  returned: always
  type: int
diff:
  description: The objects before and after, each headed with its collection and key.
  returned: in diff mode
  type: list
  elements: dict
check_mode:
  description: Whether the run was in check mode.
  returned: always
  type: bool
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.specs import pingone_environment_module_kwargs


def main():
    """Never run by a play: the action plugin of the same name does the work, on the controller."""
    module = AnsibleModule(supports_check_mode=True, **pingone_environment_module_kwargs())
    module.fail_json(
        msg='jwtauth.oidc.pingone_environment runs on the controller as an action plugin; this module file holds only its '
        'documentation. Run it from a play with the jwtauth.oidc collection installed.'
    )


if __name__ == '__main__':
    main()
