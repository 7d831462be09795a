# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: converge PingOne populations, groups, users and group memberships, first run and no-change run, two ways.

Issue 14: "Ops teams who use Ansible today write one ``uri`` task per object." In one run, each way on an empty
PingOne-shaped Management API test server (tests/servers/pingone_api, bearer tokens of the test OP checked by introspection):

1. our way: the jwtauth.oidc.pingone_platform role (``api_resource`` with ``api_style: pingone``: one paged read a
   collection and one read of each user's memberships, a write only where an object differs);
2. today's way: an ``ansible.builtin.uri`` play as an ops engineer writes it against PingOne's Management API:
   - one token request: a ``uri`` POST to the token endpoint, ``grant_type=client_credentials`` with HTTP Basic
     client authentication (CLIENT_SECRET_BASIC, a PingOne worker application's default, and what PingOne's own
     "get a token" examples show). Not the collection's token lookup: today's way is the one without this
     collection. It costs one task a run; the role fetches its token once into the token store, so both ways make
     one token request a run at most, and the OP's token requests are not counted at the API server for either way;
   - per population, a GET by filter. Populations document only ``name sw "x"`` (Read All Populations; the test
     server's Populations.filters): the play asks for the prefix and picks the exact name. Per group a GET with
     ``name eq "x"``, per user ``username eq "x"`` (Read All Groups, Read All Users; Groups.filters, Users.filters);
   - then a POST for each object missing, and for each one present a write, since ``uri`` cannot tell whether an
     object differs: PUT for populations and groups (PingOne has no PATCH for them), PATCH for users (Update User
     (PATCH) merges, as the role's default ``pingone_platform_user_update_method: patch`` does);
   - per membership a POST to ``/users/{id}/memberOfGroups`` with ``status_code: [201, 400]``: PingOne, like the test
     server (server.py memberships_post), answers an existing membership 400 INVALID_DATA (UNIQUENESS_VIOLATION).
   ``uri`` reports every request unchanged, a POST included; the play marks a task changed when it wrote
   (``changed_when``: a create answered 201, a membership added 201, each PUT/PATCH), as careful playbooks do.

Both ways run with the same Ansible configuration (defaults), the same data and the same TLS and token checks. For
each way and run: the wall time of the ansible-playbook run, the HTTP requests and writes counted at the API server,
and the changed count of the play recap. After each run the bench reads back what the server holds (populations,
groups, users with their population, each user's direct memberships) and stops if either way did not converge.

The defaults (2 populations, 5 groups, 15 users, 2 memberships each) finish in about 2 minutes on a 2-core machine:
the uri play costs about 0.6 s an item, a module run for each request, twice (first and no-change run); with
``--users 100 --groups 10`` the bench takes about 10 minutes.

    make bench     (or: .venv/newest/bin/python bench/pingone_platform.py [--users 15] [--groups 5] [--populations 2] [--memberships 2])
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile

from _playbooks import TOP, run_play  # first: it puts tests/ on sys.path, for the servers package
from servers.op import harness
from servers.pingone_api import harness as p1api_harness

OURS = 'pingone_platform role'
TODAY = 'uri play (GET + POST/PUT)'

PLAY_ROLE = '''
- hosts: localhost
  gather_facts: false
  roles:
    - role: jwtauth.oidc.pingone_platform
      vars:
        pingone_platform_api_url: "{{ p1_url }}"
        pingone_platform_populations: "{{ bench_populations }}"
        pingone_platform_groups: "{{ bench_groups }}"
        pingone_platform_users: "{{ bench_users }}"
        pingone_platform_auth: "{{ auth }}"
'''

# The ids found by the GETs, then those of the objects created, are kept in facts by name; the bodies are templated
# when used, so inside a loop over users user_body is that user's body.
PLAY_URI = '''
- hosts: localhost
  gather_facts: false
  module_defaults:
    ansible.builtin.uri:
      ca_path: "{{ ca_path }}"
  vars:
    bearer: {Authorization: "Bearer {{ token.json.access_token }}"}
    user_body: >-
      {{ item | dict2items | rejectattr('key', 'in', ['groups', 'population']) | items2dict
         | combine({'population': {'id': population_ids[item.population]}}) }}
  tasks:
    - name: Token
      ansible.builtin.uri:
        url: "{{ token_endpoint }}"
        method: POST
        body_format: form-urlencoded
        body: {grant_type: client_credentials, scope: "api:read api:write"}
        url_username: "{{ basic_client_id }}"
        url_password: "{{ basic_client_secret }}"
        force_basic_auth: true
      register: token
      no_log: true

    - name: Find each population
      ansible.builtin.uri:
        url: "{{ p1_url }}/populations?filter={{ ('name sw \\"' ~ item.name ~ '\\"') | urlencode }}"
        headers: "{{ bearer }}"
      loop: "{{ bench_populations }}"
      register: found_populations
      no_log: true
    - name: Map population names to ids
      ansible.builtin.set_fact:
        population_ids: >-
          {{ dict(found_populations.results | map(attribute='json._embedded.populations') | flatten | map(attribute='name')
                  | zip(found_populations.results | map(attribute='json._embedded.populations') | flatten | map(attribute='id'))) }}
    - name: Create missing populations
      ansible.builtin.uri:
        url: "{{ p1_url }}/populations"
        method: POST
        body_format: json
        body: "{{ item }}"
        headers: "{{ bearer }}"
        status_code: 201
      loop: "{{ bench_populations | rejectattr('name', 'in', population_ids) | list }}"
      register: created_populations
      changed_when: true
      no_log: true
    - name: Replace existing populations
      ansible.builtin.uri:
        url: "{{ p1_url }}/populations/{{ population_ids[item.name] }}"
        method: PUT
        body_format: json
        body: "{{ item }}"
        headers: "{{ bearer }}"
      loop: "{{ bench_populations | selectattr('name', 'in', population_ids) | list }}"
      changed_when: true
      no_log: true
    - name: Add the created populations
      ansible.builtin.set_fact:
        population_ids: >-
          {{ population_ids | combine(dict(created_populations.results | default([]) | map(attribute='json.name')
                                           | zip(created_populations.results | default([]) | map(attribute='json.id')))) }}

    - name: Find each group
      ansible.builtin.uri:
        url: "{{ p1_url }}/groups?filter={{ ('name eq \\"' ~ item.name ~ '\\"') | urlencode }}"
        headers: "{{ bearer }}"
      loop: "{{ bench_groups }}"
      register: found_groups
      no_log: true
    - name: Map group names to ids
      ansible.builtin.set_fact:
        group_ids: >-
          {{ dict(found_groups.results | map(attribute='json._embedded.groups') | flatten | map(attribute='name')
                  | zip(found_groups.results | map(attribute='json._embedded.groups') | flatten | map(attribute='id'))) }}
    - name: Create missing groups
      ansible.builtin.uri:
        url: "{{ p1_url }}/groups"
        method: POST
        body_format: json
        body: "{{ item }}"
        headers: "{{ bearer }}"
        status_code: 201
      loop: "{{ bench_groups | rejectattr('name', 'in', group_ids) | list }}"
      register: created_groups
      changed_when: true
      no_log: true
    - name: Replace existing groups
      ansible.builtin.uri:
        url: "{{ p1_url }}/groups/{{ group_ids[item.name] }}"
        method: PUT
        body_format: json
        body: "{{ item }}"
        headers: "{{ bearer }}"
      loop: "{{ bench_groups | selectattr('name', 'in', group_ids) | list }}"
      changed_when: true
      no_log: true
    - name: Add the created groups
      ansible.builtin.set_fact:
        group_ids: >-
          {{ group_ids | combine(dict(created_groups.results | default([]) | map(attribute='json.name')
                                      | zip(created_groups.results | default([]) | map(attribute='json.id')))) }}

    - name: Find each user
      ansible.builtin.uri:
        url: "{{ p1_url }}/users?filter={{ ('username eq \\"' ~ item.username ~ '\\"') | urlencode }}"
        headers: "{{ bearer }}"
      loop: "{{ bench_users }}"
      register: found_users
      no_log: true
    - name: Map usernames to ids
      ansible.builtin.set_fact:
        user_ids: >-
          {{ dict(found_users.results | map(attribute='json._embedded.users') | flatten | map(attribute='username')
                  | zip(found_users.results | map(attribute='json._embedded.users') | flatten | map(attribute='id'))) }}
    - name: Create missing users
      ansible.builtin.uri:
        url: "{{ p1_url }}/users"
        method: POST
        body_format: json
        body: "{{ user_body }}"
        headers: "{{ bearer }}"
        status_code: 201
      loop: "{{ bench_users | rejectattr('username', 'in', user_ids) | list }}"
      register: created_users
      changed_when: true
      no_log: true
    - name: Update existing users
      ansible.builtin.uri:
        url: "{{ p1_url }}/users/{{ user_ids[item.username] }}"
        method: PATCH
        body_format: json
        body: "{{ user_body }}"
        headers: "{{ bearer }}"
      loop: "{{ bench_users | selectattr('username', 'in', user_ids) | list }}"
      changed_when: true
      no_log: true
    - name: Add the created users
      ansible.builtin.set_fact:
        user_ids: >-
          {{ user_ids | combine(dict(created_users.results | default([]) | map(attribute='json.username')
                                     | zip(created_users.results | default([]) | map(attribute='json.id')))) }}

    # PingOne answers 400 to a membership that exists already: accepted, and not a change.
    - name: Add each user to its groups
      ansible.builtin.uri:
        url: "{{ p1_url }}/users/{{ user_ids[item.0.username] }}/memberOfGroups"
        method: POST
        body_format: json
        body: {id: "{{ group_ids[item.1] }}"}
        headers: "{{ bearer }}"
        status_code: [201, 400]
      loop: "{{ bench_users | subelements('groups') }}"
      register: membership
      changed_when: membership.status == 201
      no_log: true
'''


def make_data(populations, groups, users, memberships):
    """The objects to converge, in the role's shape: users name their population and groups by name."""
    bench_populations = [{'name': 'pop{0:02d}'.format(p), 'description': 'Population {0}'.format(p)} for p in range(populations)]
    bench_groups = [{'name': 'group{0:03d}'.format(g), 'description': 'Group {0}'.format(g)} for g in range(groups)]
    bench_users = [{'username': 'user{0:05d}'.format(i), 'email': 'user{0:05d}@example.com'.format(i),
                    'name': {'given': 'User', 'family': str(i)}, 'population': bench_populations[i % populations]['name'],
                    'groups': [bench_groups[(i + k) % groups]['name'] for k in range(memberships)]} for i in range(users)]
    return bench_populations, bench_groups, bench_users


def check_converged(api, label, run, bench_populations, bench_groups, bench_users):
    """Stop unless the server holds exactly the objects and direct memberships asked for (read after the counts)."""
    session = api.admin_session()
    populations, groups, users = (api.held('populations', session=session), api.held('groups', session=session),
                                  api.held('users', 'username', session=session))
    problems = []
    if sorted(populations) != sorted(p['name'] for p in bench_populations):
        problems.append('populations {0}'.format(sorted(populations)))
    if sorted(groups) != sorted(g['name'] for g in bench_groups):
        problems.append('groups {0}'.format(sorted(groups)))
    if sorted(users) != sorted(u['username'] for u in bench_users):
        problems.append('{0} users held, {1} asked for'.format(len(users), len(bench_users)))
    for user in bench_users:
        obj = users.get(user['username'])
        if obj is None:
            continue
        if obj['population']['id'] != populations.get(user['population'], {}).get('id') or obj.get('email') != user['email']:
            problems.append('user {0}: population or email differs'.format(user['username']))
        answer = session.get(api.collection_url('users', obj['id'], 'memberOfGroups'), timeout=30)
        answer.raise_for_status()
        direct = sorted(m['name'] for m in answer.json()['_embedded']['groupMemberships'] if m['type'] == 'DIRECT')
        if direct != sorted(user['groups']):
            problems.append('user {0}: groups {1}, asked for {2}'.format(user['username'], direct, sorted(user['groups'])))
    if problems:
        raise SystemExit('{0}, {1}: the server does not hold what was asked for: {2}'.format(label, run, '; '.join(problems[:10])))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--populations', type=int, default=2)
    parser.add_argument('--groups', type=int, default=5)
    parser.add_argument('--users', type=int, default=15)
    parser.add_argument('--memberships', type=int, default=2, help='groups each user is a member of')
    args = parser.parse_args(argv)
    if args.populations < 1 or args.groups < args.memberships or args.users < 1 or args.memberships < 0:
        parser.error('need at least 1 population and 1 user, and at least as many groups as memberships a user')
    bench_populations, bench_groups, bench_users = make_data(args.populations, args.groups, args.users, args.memberships)
    harness.install()
    subprocess.run([os.path.join(TOP, 'tests', 'bin', 'build-tree')], check=True, stdout=subprocess.DEVNULL)
    results = {}
    with tempfile.TemporaryDirectory(prefix='jwtauth-bench-pingone-') as workdir:
        with harness.OP(os.path.join(workdir, 'op')) as op, p1api_harness.PingOneAPI(os.path.join(workdir, 'p1api'), op) as api:
            csjwt, basic = op.clients['csjwt'], op.clients['basic']
            env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(TOP, '.build'), ANSIBLE_HOME=os.path.join(workdir, 'ansible-home'),
                       ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_INVENTORY_UNPARSED_WARNING='false', ANSIBLE_PYTHON_INTERPRETER=sys.executable,
                       JWTAUTH_OIDC_TOKEN_STORE_PATH=os.path.join(workdir, 'store'))
            # The role's worker authenticates with client_secret_jwt through the token store, the uri play with
            # client_secret_basic: both are clients of the same OP with scopes api:read and api:write.
            role_auth = {'issuer': op.issuer, 'client_id': csjwt['client_id'], 'client_secret': csjwt['client_secret'],
                         'ca_path': op.ca_path, 'scope': ['api:read', 'api:write']}
            uri_vars = {'token_endpoint': op.token_endpoint(), 'basic_client_id': basic['client_id'],
                        'basic_client_secret': basic['client_secret'], 'ca_path': op.ca_path}
            data = {'p1_url': api.env_url, 'bench_populations': bench_populations, 'bench_groups': bench_groups, 'bench_users': bench_users}
            for index, (label, play, extra) in enumerate([(OURS, PLAY_ROLE, {'auth': role_auth}), (TODAY, PLAY_URI, uri_vars)]):
                api.reset()  # each way on an empty server
                for run in ('first run', 'no-change run'):
                    mark = api.mark()
                    seconds, changed = run_play(workdir, 'way{0}'.format(index), play, dict(data, **extra), env)
                    results[(label, run)] = (seconds, api.count(since=mark), api.writes(since=mark), changed)
                    check_converged(api, label, run, bench_populations, bench_groups, bench_users)

    print('Converge {0} PingOne populations, {1} groups, {2} users (each in a population) with {3} group memberships each '
          '({4} memberships)'.format(args.populations, args.groups, args.users, args.memberships, args.users * args.memberships))
    print('HTTP requests and writes counted at the PingOne-shaped Management API test server; wall time is the ansible-playbook run')
    row = '{0:<28} {1:<14} {2:>8} {3:>10} {4:>8} {5:>14} {6:>10}'
    print(row.format('way', 'run', 'wall s', 'requests', 'writes', 'tasks changed', 'changed=0'))
    for (label, run), (seconds, requests_seen, writes, changed) in results.items():
        print(row.format(label, run, '{0:.1f}'.format(seconds), requests_seen, writes, changed, 'yes' if changed == 0 else 'no'))
    for run in ('first run', 'no-change run'):
        ours, theirs = results[(OURS, run)], results[(TODAY, run)]
        print('ratio uri play / role, {0}: time {1:.1f}x, requests {2:.1f}x, writes {3}'.format(
            run, theirs[0] / ours[0], theirs[1] / max(ours[1], 1),
            '{0:.1f}x'.format(theirs[2] / ours[2]) if ours[2] else '{0} against 0'.format(theirs[2])))
    print('load average at the end (1, 5, 15 min): {0:.2f} {1:.2f} {2:.2f} on {3} cores; other work on the machine slows both ways'.format(
        *os.getloadavg(), os.cpu_count()))
    return 0


if __name__ == '__main__':
    sys.exit(main())
