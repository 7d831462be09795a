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
import os
import re
import subprocess

import pytest
import yaml

from ansible_collections.jwtauth.oidc.plugins.module_utils._environment.export import VAULT_REFERENCE, dump
from ansible_collections.jwtauth.oidc.plugins.module_utils._pingone.resource_types import top_level
from conftest import BIN
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


IDP_SECRET = 'Document-file-idp-5ecret-never-shown'
IDP_PATH = 'identity provider/Corporate IdP/clientSecret'


def vault_variables(tmp_path):
    """A variables file whose pingone_platform_vault holds the provider's secret as an inline !vault value (the
    leaf a task must decrypt), and the arguments that give it and its password to ansible-playbook."""
    password_file = tmp_path / 'vault-password'
    password_file.write_text('document-file-vault-password\n')
    encrypted = subprocess.run(
        [os.path.join(BIN, 'ansible-vault'), 'encrypt_string', '--vault-password-file', str(password_file), '--name', 'secret', IDP_SECRET],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    path = tmp_path / 'vault.yml'
    path.write_text(f"pingone_platform_vault:\n  '{IDP_PATH}': !vault |{encrypted.split('!vault |', 1)[1]}")
    assert IDP_SECRET not in path.read_text()
    return ['-e', f'@{path}', '--vault-password-file', str(password_file)]


@pytest.mark.core_sensitive
def test_an_export_file_is_applied_as_it_is_its_vault_reference_decrypted_its_unsafe_text_sent(op, ansible, p1api_server, tmp_path):
    """pingone_platform_document_file: the file an export writes (its prefix, !unsafe on text that looks like a template,
    a vault reference for a secret), read by each of the role's tasks itself; the reference taken from an inline !vault
    value of pingone_platform_vault. Applied twice in one run: the second writes nothing."""
    api = p1api_server.reset()
    provider = {
        'name': 'Corporate IdP',
        'type': 'OPENID_CONNECT',
        'enabled': True,
        'clientId': 'corp-client',
        'clientSecret': VAULT_REFERENCE.format(vault='pingone_platform_vault', path=IDP_PATH),
        'authorizationEndpoint': 'https://idp.example.com/authorize',
        'issuer': 'https://idp.example.com',
        'jwksEndpoint': 'https://idp.example.com/jwks',
        'scopes': ['openid'],
        'tokenEndpoint': 'https://idp.example.com/token',
        'tokenEndpointAuthMethod': 'CLIENT_SECRET_BASIC',
    }
    document = {'populations': [STAFF], 'groups': [{'name': 'on-call', 'description': 'Paged as {{ team }}'}], 'identity_providers': [provider]}
    exported = tmp_path / 'environment.yml'
    exported.write_text(dump(document, 'pingone_platform_'))
    assert "!unsafe 'Paged as {{ team }}'" in exported.read_text()
    variables = {
        'p1_url': api.env_url,
        'p1_auth': worker_auth(op),
        'p1_snapshots': str(tmp_path),
        'p1_steps': [{'name': 'apply', 'document_file': str(exported)}, {'name': 'again', 'document_file': str(exported)}],
    }
    mark = api.mark()
    run = ansible(
        'role_pingone_platform_steps.yml',
        variables,
        env={'JWTAUTH_OIDC_TOKEN_STORE_PATH': str(tmp_path / 'store')},
        extra_args=vault_variables(tmp_path),
        secrets=[IDP_SECRET],
    )
    assert run.rc == 0, run.output[-3000:]
    assert api.held('identityProviders')['Corporate IdP']['clientSecret'] == IDP_SECRET
    assert api.held('groups')['on-call']['description'] == 'Paged as {{ team }}'
    # The first step created the three objects, the second found them so.
    assert api.writes(since=mark) == 3, run.output[-3000:]
    for line in ('populations: created 1 (Staff)', 'groups: created 1 (on-call)', 'identity_providers: created 1 (Corporate IdP)'):
        assert f'"{line}"' in run.output, (line, run.output[-3000:])
    assert '"identity_providers: unchanged 1"' in run.output, run.output[-3000:]
