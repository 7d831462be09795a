# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The pingone_platform role as an environment's code, both ways, through ansible-playbook against the PingOne test
server: a snapshot kept before each apply, a rollback two steps back, the export mode, the drift report as AWX job
statistics in check mode; no secret in any export, snapshot, report or output (at -vvvv).

The steps of a run are one ansible-playbook run (playbooks/role_pingone_platform_steps.yml); the many-type cases of the
engine run in process (test_pingone_environment.py).
"""

from __future__ import annotations

import json
import re

import pytest
import yaml

from ansible_collections.jwtauth.oidc.plugins.module_utils._pingone.resource_types import top_level
from test_role_pingone_platform import worker_auth

STAFF = {'name': 'Staff'}
PORTAL = {
    'name': 'portal',
    'type': 'WEB_APP',
    'tokenEndpointAuthMethod': 'CLIENT_SECRET_JWT',
    'grantTypes': ['AUTHORIZATION_CODE'],
    'responseTypes': ['CODE'],
    'redirectUris': ['https://portal.example.com/callback'],
    'return_secret': True,
    'grants': [{'resource': 'Orders API', 'scopes': ['orders:read']}],
}
A = {
    'pingone_platform_populations': [STAFF],
    'pingone_platform_groups': [{'name': 'all-staff', 'population': 'Staff'}],
    'pingone_platform_users': [{'username': 'alice', 'population': 'Staff', 'groups': ['all-staff']}],
    'pingone_platform_resources': [{'name': 'Orders API', 'scopes': [{'name': 'orders:read'}]}],
    'pingone_platform_applications': [PORTAL],
}
B = dict(
    A,
    pingone_platform_users=A['pingone_platform_users'] + [{'username': 'bob', 'population': 'Staff', 'enabled': False}],
    pingone_platform_resources=[{'name': 'Orders API', 'scopes': [{'name': 'orders:read'}, {'name': 'orders:write'}]}],
    pingone_platform_applications=[dict(PORTAL, pkceEnforcement='S256_REQUIRED')],
)
C = dict(
    B,
    pingone_platform_populations=[STAFF, {'name': 'Partners'}],
    pingone_platform_groups=B['pingone_platform_groups'] + [{'name': 'ops', 'groups': []}],
    pingone_platform_users=[dict(user, groups=['all-staff', 'ops']) if user['username'] == 'alice' else user for user in B['pingone_platform_users']],
)


@pytest.mark.core_sensitive
def test_snapshots_roll_back_two_steps_export_and_drift_without_a_secret(op, ansible, p1api_server, tmp_path):
    api = p1api_server.reset()
    snapshots = tmp_path / 'snapshots'
    variables = {
        'p1_url': api.env_url,
        'p1_auth': worker_auth(op),
        'p1_snapshots': str(snapshots),
        'p1_steps': [
            {'name': 'A', 'vars': A, 'snapshot_dir': str(snapshots)},
            {'name': 'B', 'vars': B, 'snapshot_dir': str(snapshots)},
            {'name': 'C', 'vars': C, 'snapshot_dir': str(snapshots)},
            # Two steps back: the snapshot kept before B is the environment as A left it.
            {'name': 'roll back to A', 'snapshot': 1, 'rollback': True},
            {'name': 'export', 'export_dest': str(tmp_path / 'exported.yml')},
        ],
    }
    env = {'JWTAUTH_OIDC_TOKEN_STORE_PATH': str(tmp_path / 'store'), 'ANSIBLE_SHOW_CUSTOM_STATS': '1'}
    run = ansible('role_pingone_platform_steps.yml', variables, env=env)
    assert run.rc == 0, run.output[-3000:]
    taken = sorted(snapshots.iterdir())
    assert len(taken) == 3, taken
    # What the rollback deleted and changed back, in the role's words.
    for line in ('users: deleted 1 (bob)', 'populations: deleted 1 (Partners)', 'groups: deleted 1 (ops)', 'Scopes of Orders API: deleted 1 (orders:write)'):
        assert f'"{line}"' in run.output, (line, run.output[-3000:])
    # The environment is A again: its export is the snapshot kept before B, byte for byte.
    assert (tmp_path / 'exported.yml').read_bytes() == taken[1].read_bytes()
    exported = yaml.safe_load((tmp_path / 'exported.yml').read_text())
    assert exported['pingone_platform_exported_types'] == [resource_type.plural for resource_type in top_level()]
    assert [user['username'] for user in exported['pingone_platform_users']] == ['alice']
    portal = api.held('applications')['portal']
    assert 'pkceEnforcement' not in portal
    # The drift of each run, as job statistics for AWX.
    assert 'CUSTOM STATS' in run.output and 'pingone_platform_drift_count' in run.output

    # Check mode against C: the drift report names what differs, by type, name and field, and nothing is written.
    mark = api.mark()
    checked = ansible('role_pingone_platform_steps.yml', dict(variables, p1_steps=[{'name': 'drift', 'vars': C}]), env=env, check=True, verbosity=0)
    assert checked.rc == 0 and api.writes(since=mark) == 0, checked.output[-3000:]
    # ansible-core before 2.19 renders the count as a string.
    stats = ''.join(checked.output[checked.output.index('CUSTOM STATS') :].split())
    assert '"action":"update","fields":["pkceEnforcement"],"name":"portal","type":"application"' in stats, stats
    assert '"action":"create","fields":["enabled","population","username"],"name":"bob","type":"user"' in stats and re.search(
        r'"pingone_platform_drift_count":"?6"?[,}]', stats
    )

    secret = api.admin_session().get(api.collection_url('applications', portal['id'], 'secret')).json()['secret']
    run.assert_no_secrets([secret])
    checked.assert_no_secrets([secret])
    for written in taken + [tmp_path / 'exported.yml']:
        assert secret not in written.read_text() and portal['id'] not in written.read_text()
    assert json.dumps(exported).count('secret') == 0
