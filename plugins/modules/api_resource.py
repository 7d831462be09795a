#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: api_resource
short_description: Declarative, idempotent JSON objects in a REST collection (SCIM 2.0 or generic), with a bearer token
version_added: 0.1.0
description:
  - Makes the objects of a REST collection (for example SCIM C(/Users)) match the desired O(item) or O(items).
  - Reads the collection once, with paging (SCIM C(startIndex)/C(count), HAL C(_links.next), or a C(next) link), or,
    for a SCIM service that does not list everything (PingOne answers at most 200), looks the items up by key with
    batched filters (O(read_strategy)).
    A read that cannot be complete fails rather than return part of the collection, since creates and O(prune)
    rest on it. Compares only the keys each item sets, ignoring server-owned fields (C(id), C(meta), C(schemas)
    for SCIM) and the order of lists. Then writes only the objects that differ, one request each, O(parallel) at
    once.
  - Check mode sends no write request and reports what would change. Diff mode shows C(before) and C(after) for each object.
    RV(msg) says in words what changed, naming objects by key.
  - Authenticates with a static O(bearer_token), or gets one through the token store with the collection's
    authentication options, by client credentials or as a token that M(jwtauth.oidc.token) saved with its
    O(jwtauth.oidc.token#module:save_as) option. An answer of HTTP 401 renews that token once and resends.
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
  url:
    description:
      - URL of the collection, for example V(https://scim-api.pingone.eu/environments/<envID>/v2/Users).
      - Its origin (scheme, host and port) is the only one the bearer token and request bodies are sent to. Links
        in the answers (next pages, an object's C(meta.location) or C(_links.self.href)) are resolved against the
        page that carried them, so relative links work, and followed only to that origin, never from https down
        to http. A link elsewhere fails the task before any request is sent to it, and before the first write.
    type: str
    required: true
  api_style:
    description:
      - V(scim) follows RFC 7644. Lists page with C(startIndex) and C(count) and carry C(Resources). Bodies are
        C(application/scim+json). C(id), C(meta) and C(schemas) are server-owned. V(update_method=patch) sends a
        SCIM C(PatchOp). The core schema of C(/Users) and C(/Groups) is added when an item names none.
      - V(generic) reads a JSON list, or the first list among C(items), C(data), C(results), C(value) or C(_embedded),
        or O(items_path). It follows HAL C(_links.next.href) or a C(next) URL. V(update_method=patch) sends a JSON
        merge patch (RFC 7396).
      - V(pingone) is PingOne's Platform (Management) API at C(https://api.pingone.<tld>/v1/environments/<id>/...), as its
        OpenAPI contract (the one PingOne's Go SDK is generated from) describes it. Lists are followed through
        C(_links.next) whatever size PingOne gives a page; O(page_size) is sent as C(limit) only to the lists that declare
        it (populations, groups, users, a user's group memberships), no query parameter to the others. The fields the
        contract marks read-only for each kind of object (C(id), C(environment), C(createdAt), C(updatedAt), C(_links), a
        group's C(displayName) and member counts, a user's C(enabled), C(emailVerified), C(lastSignOn) and others) are
        never compared nor sent; those an update cannot set (a user's C(mfaEnabled) and C(lifecycle), an application's
        C(clientId)) are left out of a C(PUT), and an item that would change one fails with a message that says so. An
        object is written and deleted at C(<collection>/<id>), the contract's path, never where its C(_links.self)
        points. A user's C(username) compares case-insensitively, as PingOne says it is.
        V(update_method=patch) sends the differing keys as C(application/json), as PingOne's user C(PATCH) takes them.
    type: str
    default: generic
    choices: [generic, scim, pingone]
  key:
    description:
      - The attribute that identifies an object, for example V(userName) or V(displayName).
      - With O(api_style=scim), V(userName) and V(displayName) compare case-insensitively, as their SCIM core schema says
        (RFC 7643 section 2.1, C(caseExact) false), so an item V(bob) is the object the server holds as V(Bob). The
        server keeps its spelling. Other keys, and every key of O(api_style=generic), compare exactly.
      - With O(api_style=scim), a create that the server refuses with HTTP 409 (the key is taken, RFC 7644 section 3.3)
        is not a failure when a C(filter) by O(key) finds the object. The object is updated as any other (or left
        as it is), and a warning says so. Such an object existed but was missing from the list, as with a service that
        lists only part of a collection or is eventually consistent.
      - A key that is server-owned elsewhere, such as C(id), is sent with a create when O(key) names it, as PingOne's
        group memberships need (V(key=id), items C({"id" groupID}) at C(.../users/<id>/memberOfGroups)).
      - One of O(key) and O(key_query) is required.
    type: str
  key_query:
    description:
      - A JMESPath expression that gives an object's identity, for example V(emails[?primary].value | [0]).
      - An expression that does not parse fails before any request; one that fails on an object (a function given the
        wrong type) fails naming this option and the expression.
    type: str
  item:
    description:
      - One desired object. Mutually exclusive with O(items).
    type: dict
  items:
    description:
      - The desired objects, converged in one task, with one read of the collection and one write for each object that differs.
      - The task's C(invocation) (shown at C(-vvv)) echoes up to 10 items whole. A longer list is shown as a dict of
        C(count), the number of items, and C(first), a list of the first 10, so that the result of a task with
        thousands of items stays small. O(write_only_keys) are masked either way.
    type: list
    elements: dict
  items_file:
    description:
      - A YAML or JSON file on the controller that holds the desired objects, in place of O(items), for lists of
        thousands. The action plugin reads it when the task runs, so the list is neither loaded with the play's
        variables nor templated as an argument (its values are data, taken as written). A relative path is looked for as
        C(copy) and C(template) look for theirs (the role's and the play's C(files/) directories first).
      - An Ansible Vault encrypted file is decrypted with the play's vault secrets; an inline C(!vault) value in a plain
        file is refused (encrypt the whole file). Errors name the file, a line or an item's index, never a value.
      - The file holds the list itself, or a mapping (a variables file, say) with the list under O(items_file_key).
      - Messages name an item C(items_file <path>[3]). O(result_detail) is V(compact) unless the task sets it.
    type: str
  items_file_key:
    description: The key of the mapping in O(items_file) that holds the list of items.
    type: str
  result_detail:
    description:
      - V(full) returns RV(unchanged) and RV(ids), lists as long as the collection. V(compact) leaves them out (RV(counts)
        still counts the unchanged objects, and RV(created), RV(updated) and RV(deleted) still name what changed), so
        that a task over 10,000 objects hands Ansible a result as small as a task over ten.
      - Default V(full), and V(compact) with O(items_file).
    type: str
    choices: [full, compact]
    default: full
  items_name:
    description:
      - How messages name O(items), for a role or play that fills it from a variable of its own. With
        V(scim_provision_users), an item's error names C(scim_provision_users[3]) rather than C(items[3]).
    type: str
    default: items
  state:
    description:
      - V(present) creates or updates the objects, V(absent) deletes them.
    type: str
    default: present
    choices: [present, absent]
  update_method:
    description:
      - How an object that differs is updated. V(put) sends the whole object, the server's copy with the desired
        keys applied. V(patch) sends only what differs.
    type: str
    default: put
    choices: [put, patch]
  prune:
    description:
      - Also delete the objects of the collection that no item names. Refused when O(items) is empty, and when it
        would delete more than O(prune_max) objects. Either refusal happens before any write.
    type: bool
    default: false
  prune_max:
    description:
      - The most objects O(prune) may delete in one run.
    type: int
    default: 20
  prune_max_name:
    description:
      - How the refusal of O(prune) names O(prune_max), for a role or play that fills it from a variable of its own,
        for example V(scim_provision_prune_max).
    type: str
    default: prune_max
  page_size:
    description:
      - Objects asked for per page when reading the collection (SCIM C(count), PingOne C(limit)).
    type: int
    default: 100
  read_strategy:
    description:
      - How the objects the items are compared with are read.
      - V(list) reads the whole collection, page after page. It fails when a SCIM service holds more objects than
        it lists and does not page (a page repeats objects already read before C(totalResults) is reached).
      - V(filter) looks the items up by O(key) with SCIM filters (RFC 7644 section 3.4.2.2), O(filter_chunk) keys a
        request (C(userName eq "alice" or userName eq "bob" ...)), sent by C(POST .../.search) (RFC 7644 section
        3.4.3, which PingOne prefers for filters) or by C(GET ?filter=) when the service has no C(.search). It costs
        about one request per O(filter_chunk) items, whatever the size of the collection. It needs
        O(api_style=scim) and O(key), and cannot O(prune), which needs the whole collection.
      - V(auto) lists, and switches to V(filter) when the SCIM service lists only part of the collection and
        ignores C(startIndex), as PingOne's SCIM API does (at most 200 results an answer). The result says so in a
        warning and in RV(read_strategy). With O(prune) such a service is refused before any write.
    type: str
    choices: [auto, list, filter]
    default: auto
  filter_chunk:
    description:
      - Keys asked for by one filter read (O(read_strategy=filter)). Between 1 and 200 (PingOne answers at most 200
        objects a request). A service that answers a filter with fewer objects than it says it matched fails the
        task; lower this value for it.
    type: int
    default: 50
  parallel:
    description:
      - Writes (creates, updates, deletes) in flight at once, and filter reads (O(read_strategy=filter)) after the
        first. V(1) sends one request after the other.
      - Each object's writes stay in order, in one worker. After the first failed write no new write starts; the
        failed result lists every object written.
      - An HTTP 429 pauses every write for its C(Retry-After) (up to O(retry_after_max)), once for all of them,
        halves the writes in flight and paces the requests a little under the rate the service let through; the writes
        in flight grow back by one a second, and the rate along a curve that stays near the refused rate for some
        seconds before it tries more. The result warns when the service throttled the task.
      - With O(rate_limit) set, the requests are paced by that budget instead, which every task and process of the
        controller that names it shares, and a 429 lowers it for all of them.
      - One request sits out at most O(retries) x O(retry_after_max) seconds of such pauses in all (90 s at the
        defaults), those of its own 429 answers and those of the other requests', as its own retries alone could wait.
        A request whose next pause would end later fails at once, and the message names that limit and what was
        waited. So under a storm of 429s the task fails after about that long, whatever O(parallel) is (the requests
        in flight wait out the same pauses together), plus the time the requests themselves take (O(timeout) each
        at most).
      - Between 1 and 32. Ordering between collections (users before the groups that name them) comes from the
        order of tasks.
    type: int
    default: 4
  items_path:
    description:
      - JMESPath to the list of objects in a page, for O(api_style=generic) APIs the defaults do not fit.
    type: str
  ignore_keys:
    description:
      - More server-owned keys to leave out of comparisons and request bodies.
    type: list
    elements: str
    default: []
  write_only_keys:
    description:
      - Attributes that the server accepts but never returns, for example C(password) of a SCIM user (RFC 7643 section 7,
        C(writeOnly)). Top-level keys of the items.
      - They are never compared, since the server never shows them, and never shown in C(--diff), in O(items) of the
        task's C(invocation), or in messages. They are sent as O(send_write_only) says.
      - With O(api_style=scim), C(password) is always one of them, as RFC 7643 section 4.1 makes it C(writeOnly) and
        C(returned) never, the only such attribute of the core and enterprise schemas; name here any other attribute the
        server's own schema (its C(/Schemas)) marks so.
      - For other APIs, an item with a password attribute not named here differs on every run, is updated on every run,
        and its password is printed by C(--diff).
    type: list
    elements: str
    default: []
  send_write_only:
    description:
      - When the O(write_only_keys) of an item are sent.
      - V(on_create) sends them only when the object is created.
      - V(on_update) also sends them with an update that other attributes cause.
      - V(always) also sends them to every existing object on every run, each then reported as updated, since the server
        never shows whether it holds them already. Use it to set a new password, then go back to V(on_create).
    type: str
    default: on_create
    choices: [on_create, on_update, always]
  member_ids:
    description:
      - Lets SCIM groups name their C(members) by userName. Each name in an item's C(members) becomes a member reference
        whose C(value) is the user's id, from this mapping of userName to id, typically RV(ids) of the task that converged the users.
        Members given as objects are sent as they are.
      - Diffs then show members by name (or by the server's C(display), else the id, for members it does not know).
      - A name the mapping lacks fails the task before any write. In check mode a user the users task would create
        has no id yet; its group shows as changing.
    type: dict
  select_query:
    description:
      - A JMESPath expression that is true for the current objects this task manages. The others are neither
        compared, updated nor deleted (O(prune) included), as if the collection did not hold them; a desired object
        whose key only such an object has is created.
      - PingOne lists a user's indirect group memberships (through nested groups) beside the direct ones, with
        C(type) V(INDIRECT); V(type != 'INDIRECT') manages the direct ones only. V(starts_with(name, 'ansible-'\))
        keeps O(prune) to the objects a naming convention marks as yours.
      - An expression that does not parse fails before any request.
    type: str
  parent_created:
    description:
      - The collection belongs to an object created earlier in this run (a PingOne user's group memberships, a new
        resource's scopes). PingOne answers HTTP 404 for a short while after a create (eventual consistency, as PingOne's
        retry best practices say), so a 404 of the list read or of a create is then sent again 3 times, 0.5, 1 and 2
        seconds apart, and the result warns when it was. Without it, a 404 fails at once.
    type: bool
    default: false
  attribute_endpoints:
    description:
      - Attributes that an existing object changes only through an endpoint of its own, below the object's URL, rather
        than in its C(PUT) or C(PATCH). PingOne moves a user to another population with
        C(PUT .../users/{id}/population) and enables or disables it with C(PUT .../users/{id}/enabled).
      - When such an attribute differs, it is left out of the object's update (a C(PUT) sends the server's value) and
        sent with C(PUT <object URL>/<path>); an object whose other attributes match gets only that request.
        A create sends it with the rest, unless the API's contract makes it read-only (a PingOne user's C(enabled)),
        in which case the object is created without it, and it is set through its endpoint after, when the created
        object does not hold the value the item gives.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The attribute.
        type: str
        required: true
      path:
        description: The endpoint below the object's URL. Defaults to O(attribute_endpoints[].name).
        type: str
      body:
        description:
          - V(object) sends C({"<name>" <value>}) (PingOne's C(enabled)); V(value) sends the attribute's value itself
            (PingOne's C(population), whose value is C({"id" ...})).
        type: str
        choices: [object, value]
        default: object
attributes:
  check_mode:
    support: full
    details:
      - Reads the collection, sends no write, and reports what would change.
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
notes:
  - Paging fails with a message naming the page when a next link leads back to a page already read, after 1000
    pages that each bring fewer new objects than O(page_size) (for a larger collection raise O(page_size) with
    O(api_style=scim), or ask a generic API for larger pages in O(url), for example C(?limit=200)), after 1,000,000
    objects (about 5 GB of PingOne users in memory), when a SCIM page is empty or holds only objects already read before
    C(totalResults) is reached, or when an answer is not a list answer (C(totalResults) not a number,
    C(Resources) not a list, an item not an object). Items are named by their place or key, never shown.
  - Errors about O(items) name an item by its place (C(items[2])) and key only, never by its contents.
  - The C(invocation.module_args) of the result shows O(items) whole up to 10 items, and a longer list as
    C(count) (how many items) and C(first) (the first 10), with O(write_only_keys) and C(no_log) options masked.
  - HTTP 408, 429 and 5xx answers are retried with C(Retry-After) honoured and jittered backoff (O(retries)). A POST that
    creates an object is not sent again after the server may have acted on it.
  - When one object fails, the task fails naming the object and the server's reason. RV(created), RV(updated) and
    RV(deleted) still list what was already done.
  - "A converge with writes that runs longer than 10 seconds prints a line every 10 seconds in the job output while it
    runs, for example C(api_resource [localhost]: Users: 3,200 of 10,000 done, 412 created, 3 updated)."
  - A create answered without the object but with a C(Location) header is read back there, to learn its id; a
    C(404) right after the create is retried a few times (about 3.5 seconds in all), since services such as PingOne
    are eventually consistent. So is the read by key after a create refused as a duplicate (HTTP 409).
  - O(validate_certs), O(ca_path), O(timeout) and O(retries) apply to the API and to the OP.
seealso:
  - module: jwtauth.oidc.token
  - name: RFC 7644
    description: SCIM 2.0 protocol.
    link: https://www.rfc-editor.org/rfc/rfc7644
"""

EXAMPLES = r"""
- name: PingOne users through the Management API, moved between populations and enabled through their own endpoints
  jwtauth.oidc.api_resource:
    url: "https://api.pingone.eu/v1/environments/{{ pingone_environment_id }}/users"
    api_style: pingone
    key: username
    update_method: patch
    attribute_endpoints:
      - name: population
        body: value
      - name: enabled
    items:
      - username: alice
        population: {id: "{{ staff_population_id }}"}
        enabled: true
    environment_id: "{{ pingone_environment_id }}"
    region: EU
    client_id: "{{ pingone_worker_client_id }}"
    client_secret: "{{ pingone_worker_client_secret }}"

- name: A PingOne user's direct group memberships; those through nested groups (type INDIRECT) are left alone
  jwtauth.oidc.api_resource:
    url: "https://api.pingone.eu/v1/environments/{{ pingone_environment_id }}/users/{{ alice_id }}/memberOfGroups"
    api_style: pingone
    key: id
    select_query: "type != 'INDIRECT'"
    items:
      - id: "{{ admins_group_id }}"
    prune: true
    environment_id: "{{ pingone_environment_id }}"
    region: EU
    client_id: "{{ pingone_worker_client_id }}"
    client_secret: "{{ pingone_worker_client_secret }}"

- name: Users in PingOne through its SCIM API, with a worker application's client secret JWT
  jwtauth.oidc.api_resource:
    url: "https://scim-api.pingone.eu/environments/{{ pingone_environment_id }}/v2/Users"
    api_style: scim
    key: userName
    items:
      - userName: alice
        name: {givenName: Alice, familyName: Doe}
        emails: [{value: alice@example.com, type: work, primary: true}]
      - userName: bob
        active: false
    environment_id: "{{ pingone_environment_id }}"
    region: EU
    client_id: "{{ worker_client_id }}"
    client_secret: "{{ worker_client_secret }}"

- name: Users with an initial password, sent when each user is created and never compared nor shown
  jwtauth.oidc.api_resource:
    url: https://scim.example.com/v2/Users
    api_style: scim
    key: userName
    items:
      - userName: carol
        password: "{{ vault_initial_passwords.carol }}"
    write_only_keys: [password]
    bearer_token: "{{ scim_token }}"
  register: users

- name: A group whose members are named by userName
  jwtauth.oidc.api_resource:
    url: https://scim.example.com/v2/Groups
    api_style: scim
    key: displayName
    items:
      - displayName: automation-admins
        members: [alice, carol]
    member_ids: "{{ users.ids }}"
    bearer_token: "{{ scim_token }}"

- name: Remove a user
  jwtauth.oidc.api_resource:
    url: https://scim.example.com/v2/Users
    api_style: scim
    key: userName
    item: {userName: mallory}
    state: absent
    bearer_token: "{{ scim_token }}"
  no_log: true

- name: A generic JSON API with HAL paging, pruning what is not listed
  jwtauth.oidc.api_resource:
    url: https://api.example.com/v1/projects
    key: name
    items: "{{ projects }}"
    prune: true
    prune_max: 5
    update_method: patch
    issuer: https://idp.example.com
    client_id: automation
    client_secret: "{{ vault_client_secret }}"
    scope: [projects:write]

- name: Ten thousand users from a file, the result counts rather than lists
  jwtauth.oidc.api_resource:
    url: https://scim.example.com/scim/v2/Users
    api_style: scim
    key: userName
    items_file: directory/users.json  # a role's or the play's files/directory/users.json
    bearer_token: "{{ scim_token }}"
  register: users
  # users.counts: {"created": 12, "updated": 3, "deleted": 0, "unchanged": 9985}
"""

RETURN = r"""
msg:
  description:
    - "What the task did, in words, keys only, for example V(Users: created 2 (alice, bob\\), updated 1 (carol\\), unchanged 117).
      In check mode V(would create), V(would update) and V(would delete). Up to ten keys are named for each kind of change."
  returned: success
  type: str
  sample: "Users: created 2 (alice, bob), updated 1 (carol), unchanged 117"
created:
  description:
    - Keys of the objects created (or that would be, in check mode).
    - A failed task returns them too, with C(updated) and C(deleted), and C(changed) true when it wrote anything
      before it failed.
  returned: always
  type: list
  elements: raw
updated:
  description: Keys of the objects updated.
  returned: always
  type: list
  elements: raw
deleted:
  description: Keys of the objects deleted.
  returned: always
  type: list
  elements: raw
unchanged:
  description: Keys of the objects that already matched.
  returned: success, unless O(result_detail=compact)
  type: list
  elements: raw
counts:
  description: How many objects were created, updated, deleted and left unchanged (or would be, in check mode).
  returned: success
  type: dict
  sample: {"created": 2, "updated": 1, "deleted": 0, "unchanged": 9997}
ids:
  description:
    - The server's C(id) of every object that exists after the run (or would, in check mode), by key. A create in
      check mode has no id yet and shows V(null). Use it to reference objects, for example group members.
  returned: success, unless O(result_detail=compact)
  type: dict
  sample: {"alice": "2819c223-7f76-453a-919d-413861904646"}
check_mode:
  description:
    - Whether the task ran in check mode, from C(--check) or from a C(check_mode) keyword on the task or on a block,
      role or play around it. C(ansible_check_mode) says only the first; a role that passes RV(ids) on to later tasks
      reads this to know whether a null id is an object check mode would create.
  returned: success
  type: bool
requests:
  description: HTTP requests sent to the API (reads and writes).
  returned: success
  type: int
read_strategy:
  description: How the current objects were read, V(list) or V(filter) (see O(read_strategy)).
  returned: success
  type: str
  sample: filter
diff:
  description:
    - C(before) and C(after) of each object that changes, server-owned keys and O(write_only_keys) left out, members by
      name with O(member_ids).
  returned: in diff mode
  type: list
  elements: dict
http_trace:
  description:
    - With O(http_trace=true), the task's HTTP exchanges in order, for support. One entry an attempt, with C(method),
      C(url) (credential query values as C(***)), C(status) or C(error), C(seconds), C(attempt), and the answer's
      C(correlation_id) when it has one; and one entry a wait before a retry, with C(wait) (seconds),
      C(before_attempt) and C(why). Never a header nor a body.
  returned: when O(http_trace=true), failed or not
  type: list
  elements: dict
  sample:
    - {method: POST, url: "https://auth.pingone.eu/<envID>/as/token", status: 200, seconds: 0.21, attempt: 1,
       correlation_id: 5b1f0c1e-5f9b-4d3a-9a8e-2f1c3d4e5f60}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.specs import api_resource_module_kwargs


def main():
    """Never run by a play: the action plugin of the same name does the work, on the controller.

    This file carries the documentation, and the argument spec that ansible-test
    compares it with.  Run as a module anyway (say, copied elsewhere), it says so.
    """
    module = AnsibleModule(supports_check_mode=True, **api_resource_module_kwargs())
    module.fail_json(
        msg='jwtauth.oidc.api_resource runs on the controller as an action plugin; this module file holds only its '
        'documentation. Run it from a play with the jwtauth.oidc collection installed.'
    )


if __name__ == '__main__':
    main()
