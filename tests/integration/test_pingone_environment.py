# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The pingone_environment module's engine against the PingOne test server, in process: a whole environment document
converged from its type table in one task, its drift report in check mode, and a second run that writes nothing.

In process (as the action plugin runs it, with a client_credentials token of the test OP through the token store):
the playbook runs of the pingone_platform role, which wraps the module, are test_role_pingone_platform.py's.
"""

from __future__ import annotations

import json

import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.specs import pingone_environment_module_kwargs
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError
from ansible_collections.jwtauth.oidc.plugins.module_utils._tasks import run_environment_task

from conftest import in_context, validated
from test_token_module import client_options

DOCUMENT = {
    'populations': [{'name': 'Staff', 'description': 'Employees'}],
    'groups': [{'name': 'all-staff'}, {'name': 'admins', 'population': 'Staff', 'groups': ['all-staff']}],
    'users': [{'username': 'alice', 'population': 'Staff', 'email': 'alice@example.com', 'groups': ['admins', 'all-staff']}],
    'resources': [{'name': 'Orders API', 'audience': 'https://orders.example.com', 'scopes': [{'name': 'orders:read'}, {'name': 'orders:write'}]}],
    'applications': [
        {
            'name': 'portal',
            'type': 'WEB_APP',
            'tokenEndpointAuthMethod': 'CLIENT_SECRET_BASIC',
            'grantTypes': ['AUTHORIZATION_CODE'],
            'responseTypes': ['CODE'],
            'redirectUris': ['https://portal.example.com/callback'],
            'return_secret': True,
            'grants': [{'resource': 'Orders API', 'scopes': ['orders:read']}],
        }
    ],
}


def environment_task(op, api, tmp_path, **task_args):
    """A function running the pingone_environment task against the test server's environment, in process."""
    defaults = dict(client_options(op, 'csjwt'), token_store_path=str(tmp_path / 'store'), api_url=api.env_url, scope=['api:read', 'api:write'])

    def run(check_mode=False, diff=False, **args):
        given = dict(dict(defaults, **task_args), **args)
        return in_context(run_environment_task, validated(pingone_environment_module_kwargs(), given), check_mode=check_mode, diff=diff)

    return run


def test_a_document_in_one_task_then_its_drift_then_nothing(op, p1api, tmp_path):
    task = environment_task(op, p1api, tmp_path, document=DOCUMENT)
    mark = p1api.mark()
    checked = task(check_mode=True, diff=True)
    assert p1api.writes(since=mark) == 0 and checked['changed'] is True
    assert checked['summary'][:3] == [
        'populations: would create 1 (Staff)',
        'groups: would create 2 (all-staff, admins (population Staff))',
        'users: would create 1 (alice)',
    ]
    assert 'Groups of alice: not read, the user would be created first (check mode)' in checked['summary']
    # One drift entry an object the run would create, its fields by name.
    assert {(entry['type'], entry['name'], entry['action']) for entry in checked['drift']} == {
        ('population', 'Staff', 'create'),
        ('group', 'all-staff', 'create'),
        ('group', 'admins (population Staff)', 'create'),
        ('user', 'alice', 'create'),
        ('resource', 'Orders API', 'create'),
        ('application', 'portal', 'create'),
    }
    assert checked['drift_count'] == 6 and 'secrets' in checked and checked['secrets'] == {}
    assert [diff['before_header'] for diff in checked['diff']][:2] == ['populations: Staff', 'groups: all-staff']

    first = task()
    assert first['changed'] is True
    secret = p1api.admin_session().get(p1api.collection_url('applications', first['client_ids']['portal'], 'secret')).json()['secret']
    assert first['secrets'] == {'portal': secret}
    for line in (
        'Groups of group admins: added to all-staff',
        'Groups of alice: added to admins (population Staff), all-staff',
        'Scopes of Orders API: created 2 (orders:read, orders:write)',
        'Secrets in secrets: portal',
        'Grants of portal: created 1 (Orders API)',
    ):
        assert line in first['summary'], (line, first['summary'])
    # A secret it read is in secrets only: not in the summary, the drift or the diff.
    shown = json.dumps({key: value for key, value in first.items() if key != 'secrets'})
    assert secret not in shown

    mark = p1api.mark()
    again = task(check_mode=True)
    assert again['changed'] is False and again['drift'] == [] and again['drift_count'] == 0 and p1api.writes(since=mark) == 0
    assert task()['changed'] is False and p1api.writes(since=mark) == 0

    # Drift behind the document's back: the report names the object and the field, never the value.
    portal = first['client_ids']['portal']
    held = p1api.admin_session().get(p1api.collection_url('applications', portal)).json()
    writable = {key: value for key, value in held.items() if key not in ('id', '_links', 'environment', 'createdAt', 'updatedAt')}
    assert p1api.admin_session().put(p1api.collection_url('applications', portal), json=dict(writable, redirectUris=['https://evil.example'])).status_code == 200
    drifted = task(check_mode=True)
    assert drifted['drift'] == [{'type': 'application', 'name': 'portal', 'action': 'update', 'fields': ['redirectUris']}]
    assert 'evil' not in json.dumps(drifted['drift'])


def test_a_mistake_in_the_document_fails_before_any_write_in_the_document_s_words(op, p1api, tmp_path):
    document = dict(DOCUMENT, users=[{'username': 'bob', 'population': 'Nowhere'}])
    mark = p1api.mark()
    with pytest.raises(ConfigurationError, match=r"^document\.users\[0\] names population 'Nowhere', which is not one of the populations"):
        environment_task(op, p1api, tmp_path, document=document)(check_mode=True)
    with pytest.raises(ConfigurationError, match=r"^pingone_platform_users\[0\] \(bob\) has state 'gone': use present or absent"):
        environment_task(op, p1api, tmp_path, document={'users': [{'username': 'bob', 'state': 'gone'}]}, variable_prefix='pingone_platform_')()
    assert p1api.writes(since=mark) == 0
