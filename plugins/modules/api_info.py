#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: api_info
short_description: Read one object or a whole collection of a REST, SCIM or PingOne API, with a bearer token
version_added: 0.1.0
description:
  - Reads the JSON object at O(url) (a PingOne application's secret, a SCIM user), or with O(list=true) every object of
    the collection at O(url), page after page, as M(jwtauth.oidc.api_resource) reads it (SCIM C(startIndex)/C(count),
    HAL C(_links.next), a C(next) link; a read that cannot be complete fails rather than return part of the collection).
  - The requests go through the collection's HTTP client - the token store for the bearer token (renewed once after an
    HTTP 401), retries of 408, 429 and 5xx with C(Retry-After) honoured, links followed only to the origin of O(url) and
    never from https down to http, answers bounded in size and time, no C(~/.netrc) - rather than through
    C(ansible.builtin.uri) with a token from the lookup, which follows redirects with the token and reads C(~/.netrc).
  - The result is safe to show - a bearer token never appears in it, and a result that holds a value at O(secret_keys)
    (a PingOne application's C(secret)) is never displayed, at any verbosity, while the registered variable keeps it.
  - Changes nothing, so it runs in check mode too. Runs on the Ansible controller, like M(jwtauth.oidc.token).
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
      - URL of the object, or with O(list=true) of the collection, for example
        V(https://api.pingone.eu/v1/environments/<envID>/applications/<appID>/secret).
      - Its origin (scheme, host and port) is the only one the bearer token is sent to.
    type: str
    required: true
  list:
    description:
      - Read every object of the collection at O(url) rather than the object at O(url).
    type: bool
    default: false
  api_style:
    description:
      - How the collection lists its objects with O(list=true), as for M(jwtauth.oidc.api_resource). V(scim) pages with
        C(startIndex) and C(count) and reads C(Resources); V(generic) reads a JSON list, the first list among C(items),
        C(data), C(results), C(value) or C(_embedded), or O(items_path), and follows HAL C(_links.next.href) or a C(next)
        URL; V(pingone) is PingOne's Platform API, which sends O(page_size) as C(limit) only to the lists that declare it.
    type: str
    default: generic
    choices: [generic, scim, pingone]
  page_size:
    description:
      - How many objects a page asks for, with O(list=true) (SCIM C(count), PingOne C(limit) where the list declares it).
    type: int
    default: 100
  items_path:
    description:
      - With O(list=true) and O(api_style=generic), a JMESPath expression for the list of objects in each page.
    type: str
  select_query:
    description:
      - With O(list=true), a JMESPath expression that is true for the objects to return; the others are left out.
    type: str
  query:
    description:
      - A JMESPath expression applied to what was read (the object, or the list of objects), returned as RV(value),
        for example V(secret) or V([].name).
      - An expression that does not parse fails before any request, as does a O(select_query) or O(items_path) that does
        not; one that fails on what was read (a function given the wrong type) fails naming the option and the expression.
    type: str
  not_found:
    description:
      - What an answer of HTTP 404 for the object means. V(fail) fails the task; V(absent) returns RV(found=false) and
        RV(object=null).
    type: str
    choices: [fail, absent]
    default: fail
  parent_created:
    description:
      - The object (or collection) belongs to an object created earlier in this run, for example the secret of an
        application the play just created. PingOne answers HTTP 404 for a short while after a create (eventual
        consistency, as PingOne's retry best practices say), so a 404 is then sent again 3 times, 0.5, 1 and 2 seconds
        apart, and the result warns when it was.
    type: bool
    default: false
  secret_keys:
    description:
      - The keys whose values are secrets, anywhere in what is read. When one holds a value, the result is never
        displayed (the registered variable keeps it), and a failure or warning never shows it.
    type: list
    elements: str
    default: [secret, clientSecret, client_secret, password, access_token, refresh_token, id_token]
attributes:
  check_mode:
    support: full
    details:
      - Reads, in check mode too.
  diff_mode:
    support: none
  action:
    support: full
  async:
    support: none
  bypass_host_loop:
    support: none
  platform:
    platforms: all
notes:
  - O(list=true) fails with a message naming the page when a next link leads off the origin of O(url), back to a page
    already read, or past 1000 pages that each bring fewer new objects than O(page_size) or past 1,000,000 objects, and
    when an answer is not a list answer; objects are named by their place, never shown.
seealso:
  - module: jwtauth.oidc.api_resource
    description: Make the objects of a collection match a list.
  - module: jwtauth.oidc.token
"""

EXAMPLES = r"""
- name: A PingOne application's secret, read as the worker application, never shown
  jwtauth.oidc.api_info:
    url: "https://api.pingone.eu/v1/environments/{{ pingone_environment_id }}/applications/{{ app_id }}/secret"
    environment_id: "{{ pingone_environment_id }}"
    region: EU
    client_id: "{{ pingone_worker_client_id }}"
    client_secret: "{{ pingone_worker_client_secret }}"
  register: app_secret

- name: Use it (the registered result holds it; the task output did not)
  ansible.builtin.copy:
    dest: /etc/app/client_secret
    content: "{{ app_secret.object.secret }}"
    mode: "0600"
  no_log: true

- name: The names of every PingOne group of a population, with the connection set once for the group of modules
  module_defaults:
    group/jwtauth.oidc.oidc:
      environment_id: "{{ pingone_environment_id }}"
      region: EU
      client_id: "{{ pingone_worker_client_id }}"
      client_secret: "{{ pingone_worker_client_secret }}"
  block:
    - name: Read the groups
      jwtauth.oidc.api_info:
        url: "https://api.pingone.eu/v1/environments/{{ pingone_environment_id }}/groups"
        api_style: pingone
        list: true
        select_query: "population.id == '{{ staff_population_id }}'"
        query: "[].name"
      register: staff_groups

    - name: Show them
      ansible.builtin.debug:
        msg: "{{ staff_groups.value }}"

- name: Whether a SCIM user exists, without failing when it does not
  jwtauth.oidc.api_info:
    url: "https://scim.example.com/v2/Users/{{ user_id }}"
    bearer_token: "{{ scim_token }}"
    not_found: absent
  register: user

- name: The secret of an application created earlier in this play (PingOne may answer 404 for a moment)
  jwtauth.oidc.api_info:
    url: "https://api.pingone.eu/v1/environments/{{ pingone_environment_id }}/applications/{{ new_app_id }}/secret"
    parent_created: true
    environment_id: "{{ pingone_environment_id }}"
    region: EU
    client_id: "{{ pingone_worker_client_id }}"
    client_secret: "{{ pingone_worker_client_secret }}"
  register: new_app_secret
"""

RETURN = r"""
object:
  description: The object read, or null when it was not found with O(not_found=absent).
  returned: without O(list)
  type: dict
objects:
  description: The objects of the collection (those O(select_query) keeps).
  returned: with O(list=true)
  type: list
  elements: dict
count:
  description: How many objects RV(objects) holds.
  returned: with O(list=true)
  type: int
found:
  description: Whether the object exists (without O(list)), or the collection holds at least one object O(select_query) keeps.
  returned: success
  type: bool
value:
  description: What O(query) selects.
  returned: when O(query) is given
  type: raw
secrets:
  description: Whether what was read holds a value at O(secret_keys); the task's display is then censored.
  returned: success
  type: bool
url:
  description: The URL read.
  returned: always
  type: str
requests:
  description: How many HTTP requests the read made (pages, and a resend after an HTTP 401).
  returned: success
  type: int
msg:
  description: What was read, in words, for example C(groups 12 objects).
  returned: always
  type: str
status:
  description: The HTTP status of a failed read.
  returned: on failure, when the API answered
  type: int
correlation_id:
  description: The correlation ID of a failed answer (PingOne's C(Correlation-Id) header), for support.
  returned: on failure, when the API sent one
  type: str
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

from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.specs import api_info_module_kwargs


def main():
    """Never run by a play: the action plugin of the same name does the work, on the controller."""
    module = AnsibleModule(supports_check_mode=True, **api_info_module_kwargs())
    module.fail_json(
        msg='jwtauth.oidc.api_info runs on the controller as an action plugin; this module file holds only its '
        'documentation. Run it from a play with the jwtauth.oidc collection installed.'
    )


if __name__ == '__main__':
    main()
