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
import uuid

import pytest
import yaml

from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.specs import pingone_environment_export_module_kwargs, pingone_environment_module_kwargs
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError
from ansible_collections.jwtauth.oidc.plugins.module_utils._pingone.resource_types import top_level
from ansible_collections.jwtauth.oidc.plugins.module_utils._tasks import run_environment_task, run_export_task

from conftest import in_context, validated
from servers.pingone_api import harness as p1api_harness
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
    assert (
        p1api.admin_session().put(p1api.collection_url('applications', portal), json=dict(writable, redirectUris=['https://evil.example'])).status_code == 200
    )
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


SEED = dict(
    DOCUMENT,
    populations=DOCUMENT['populations'] + [{'name': 'Contractors'}],
    users=DOCUMENT['users'] + [{'username': 'bob', 'population': 'Contractors', 'enabled': False, 'name': {'given': 'Bob'}}],
    resources=DOCUMENT['resources'] + [{'name': 'openid', 'scopes': [{'name': 'email'}, {'name': 'profile'}]}],
    applications=[
        dict(
            DOCUMENT['applications'][0], grants=[{'resource': 'Orders API', 'scopes': ['orders:read']}, {'resource': 'openid', 'scopes': ['email', 'profile']}]
        ),
        {'name': 'nightly-job', 'type': 'WORKER', 'tokenEndpointAuthMethod': 'CLIENT_SECRET_BASIC', 'grantTypes': ['CLIENT_CREDENTIALS']},
    ],
)


# The identity provider's client secret: never in an export, a drift report, a diff or a summary.
IDP_SECRET = 'idp-client-secret-3c1d9e0f7a5b4c2d'


def every_type(env_id):
    """SEED with an object of every type of the type table, each naming others by name."""
    everywhere = {'id': env_id, 'type': 'ENVIRONMENT'}
    users = [dict(user, roles=[{'role': 'Identity Data Admin', 'scope': everywhere}]) if user['username'] == 'alice' else user for user in SEED['users']]
    groups = [
        dict(group, roles=[{'role': 'Identity Data Read Only', 'scope': everywhere}]) if group['name'] == 'all-staff' else group for group in SEED['groups']
    ]
    resources = [
        dict(resource, attributes=[{'name': 'dept', 'value': '${user.department}'}]) if resource['name'] == 'Orders API' else resource
        for resource in SEED['resources']
    ]
    portal, job = SEED['applications']
    portal = dict(
        portal,
        attributes=[{'name': 'email', 'value': '${user.email}', 'required': False}],
        sign_on_policies=[{'signOnPolicy': 'Staff sign-on', 'priority': 1}],
    )
    job = dict(job, roles=[{'role': 'Identity Data Admin', 'scope': everywhere}])
    return dict(
        SEED,
        users=users,
        groups=groups,
        resources=resources,
        applications=[portal, job],
        trusted_email_domains=[{'domainName': 'mail.example.com'}],
        schemas=[{'name': 'User', 'attributes': [{'name': 'costCenter', 'displayName': 'Cost center', 'type': 'STRING', 'enabled': True}]}],
        password_policies=[{'name': 'Strict', 'excludesCommonlyUsed': True, 'excludesProfileData': True, 'notSimilarToCurrent': True, 'length': {'min': 12}}],
        languages=[{'locale': 'en', 'enabled': True, 'default': True}, {'locale': 'fr', 'enabled': True, 'default': False}],
        agreements=[{'name': 'Terms', 'enabled': True, 'languages': [{'locale': 'en', 'displayName': 'Terms of use', 'enabled': True}]}],
        key_rotation_policies=[
            {'name': 'Signing', 'algorithm': 'RSA', 'dn': 'CN=signing', 'keyLength': 2048, 'signatureAlgorithm': 'SHA256withRSA', 'usageType': 'SIGNING'}
        ],
        branding_themes=[{'template': 'default', 'default': False, 'configuration': {'name': 'Corporate', 'logoType': 'NONE'}}],
        admin_roles=[
            {'name': 'Identity Data Admin'},
            {'name': 'Identity Data Read Only'},
            {'name': 'Helpdesk', 'canBeAssignedBy': [], 'permissions': [{'id': 'permissions:read:users'}]},
        ],
        mfa_device_policies=[
            {
                'name': 'Standard MFA',
                'sms': {'enabled': True},
                'email': {'enabled': True},
                'voice': {'enabled': False},
                'mobile': {'enabled': False},
                'totp': {'enabled': True},
                'default': False,
            }
        ],
        identity_providers=[
            {
                'name': 'Corporate IdP',
                'type': 'OPENID_CONNECT',
                'enabled': True,
                'clientId': 'corp-client',
                'clientSecret': IDP_SECRET,
                'authorizationEndpoint': 'https://idp.example.com/authorize',
                'issuer': 'https://idp.example.com',
                'jwksEndpoint': 'https://idp.example.com/jwks',
                'scopes': ['openid', 'email'],
                'tokenEndpoint': 'https://idp.example.com/token',
                'tokenEndpointAuthMethod': 'CLIENT_SECRET_BASIC',
                'attributes': [{'name': 'email', 'value': '${providerAttributes.email}', 'update': 'EMPTY_ONLY'}],
            }
        ],
        sign_on_policies=[
            {
                'name': 'Staff sign-on',
                'actions': [
                    {'priority': 1, 'type': 'LOGIN', 'registration': {'enabled': True, 'population': 'Staff'}, 'socialProviders': ['Corporate IdP']},
                    {'priority': 2, 'type': 'MULTI_FACTOR_AUTHENTICATION', 'deviceAuthenticationPolicy': 'Standard MFA', 'noDevicesMode': 'BLOCK'},
                    {'priority': 3, 'type': 'IDENTITY_PROVIDER', 'identityProvider': 'Corporate IdP'},
                    {'priority': 4, 'type': 'AGREEMENT', 'agreement': 'Terms'},
                ],
            }
        ],
        webhooks=[
            {'name': 'Audit', 'enabled': True, 'verifyTlsCertificates': True, 'format': 'ACTIVITY', 'filterOptions': {'includedActionTypes': ['USER.CREATED']}}
        ],
    )


def export_task(op, api, tmp_path, **task_args):
    """A function running the pingone_environment_export task against the test server's environment, in process."""
    defaults = dict(client_options(op, 'csjwt'), token_store_path=str(tmp_path / 'store'), api_url=api.env_url, scope=['api:read'])

    def run(check_mode=False, diff=False, **args):
        given = dict(dict(defaults, **task_args), **args)
        return in_context(run_export_task, validated(pingone_environment_export_module_kwargs(), given), check_mode=check_mode, diff=diff)

    return run


def test_export_apply_to_an_empty_environment_and_export_again_gives_the_same_bytes(op, p1api, tmp_path):
    """The environment as code, both ways, for every type of the type table: an export names objects, holds no id, no
    server-owned field and no secret, applies to the environment it came from with no write, and to an empty
    environment as the same environment."""
    seeded = environment_task(op, p1api, tmp_path, document=every_type(p1api.env_id))(diff=True)
    assert seeded['changed'] is True
    # The identity provider's secret went in its create, and nowhere in what the task shows (summary, drift, diff).
    assert IDP_SECRET not in json.dumps(seeded) and seeded['diff']
    assert p1api.held('identityProviders')['Corporate IdP']['clientSecret'] == IDP_SECRET
    assert 'Actions of Staff sign-on: created 4 (1, 2, 3, 4)' in seeded[
        'summary'
    ] and 'Roles of alice: created 1 (Identity Data Admin ENVIRONMENT ' in ' '.join(seeded['summary']), seeded['summary']
    held_ids = [
        obj['id'] for kind in ('populations', 'groups', 'applications', 'resources', 'identityProviders', 'signOnPolicies') for obj in p1api.held(kind).values()
    ]
    exported = export_task(op, p1api, tmp_path, dest=str(tmp_path / 'first.yml'), variable_prefix='')()
    assert exported['changed'] is True and exported['counts']['resources'] == 3 and exported['counts']['admin_roles'] == 5
    text = (tmp_path / 'first.yml').read_text()
    assert not [object_id for object_id in held_ids if object_id in text]
    for owned in ('createdAt', 'updatedAt', 'environment', '_links', 'userCount', 'displayName: all', 'lifecycle', 'account', 'customerAdded'):
        assert owned + ':' not in text, owned
    # The secret: a reference to the vault variable, never its value.
    assert IDP_SECRET not in text and "clientSecret: '{{ pingone_platform_vault[''identity provider/Corporate IdP/clientSecret''] }}'" in text
    document = yaml.safe_load(text)
    assert document['exported_types'] == [t.plural for t in top_level()]
    # As JSON for a .json file (for document_file, which parses it 30 times faster): the same data.
    export_task(op, p1api, tmp_path, dest=str(tmp_path / 'first.json'), variable_prefix='')()
    assert json.loads((tmp_path / 'first.json').read_text()) == document
    alice = next(user for user in document['users'] if user['username'] == 'alice')
    assert alice['population'] == 'Staff' and alice['groups'] == ['admins', 'all-staff']
    assert alice['roles'] == [{'role': 'Identity Data Admin', 'scope': {'id': p1api.env_id, 'type': 'ENVIRONMENT'}}]
    assert next(user for user in document['users'] if user['username'] == 'bob')['enabled'] is False
    portal = next(app for app in document['applications'] if app['name'] == 'portal')
    assert portal['grants'] == [{'resource': 'Orders API', 'scopes': ['orders:read']}, {'resource': 'openid', 'scopes': ['email', 'profile']}]
    assert portal['sign_on_policies'] == [{'priority': 1, 'signOnPolicy': 'Staff sign-on'}]
    actions = document['sign_on_policies'][0]['actions']
    assert actions[0]['registration'] == {'enabled': True, 'population': 'Staff'} and actions[0]['socialProviders'] == ['Corporate IdP']
    assert actions[1]['deviceAuthenticationPolicy'] == 'Standard MFA' and actions[3]['agreement'] == 'Terms'
    # The built-in resources and roles by name (with the resources' scopes, which grants name); custom ones whole.
    assert {'name': 'PingOne API', 'scopes': [{'name': 'p1:read:user'}, {'name': 'p1:update:user'}]} in document['resources']
    assert {'name': 'Environment Admin'} in document['admin_roles'] and document['schemas'][0]['name'] == 'User'
    # A second export is the same bytes (the file is left alone); applying it here writes nothing.
    again = export_task(op, p1api, tmp_path, dest=str(tmp_path / 'first.yml'), variable_prefix='')()
    assert again['changed'] is False
    mark = p1api.mark()
    checked = environment_task(op, p1api, tmp_path, document=document)(check_mode=True)
    assert checked['changed'] is False and checked['drift'] == [] and p1api.writes(since=mark) == 0, checked['summary']

    # An empty environment (the server reset: no object but PingOne's built-in resources, other ids for those).
    api = p1api.reset()
    applied = environment_task(op, api, tmp_path, document=document)()
    assert applied['changed'] is True and 'users: created 2 (alice, bob)' in applied['summary'], applied['summary']
    export_task(op, api, tmp_path, dest=str(tmp_path / 'second.yml'), variable_prefix='')()
    assert (tmp_path / 'second.yml').read_bytes() == (tmp_path / 'first.yml').read_bytes()
    assert environment_task(op, api, tmp_path, document=document)()['changed'] is False


def changed_app(document, **changes):
    """The document with its application portal changed."""
    return dict(document, applications=[dict(app, **changes) if app['name'] == 'portal' else app for app in document['applications']])


def test_roll_back_two_steps_to_a_snapshot(op, p1api, tmp_path):
    """A snapshot is an export kept before an apply; applying an older one with prune_types (every type it holds) brings
    the environment back to it: what was created since is deleted, what was changed is changed back, memberships
    added since are removed."""
    export = export_task(op, p1api, tmp_path, variable_prefix='')
    apply = environment_task(op, p1api, tmp_path)
    apply(document=SEED)
    export(dest=str(tmp_path / 'step1.yml'))
    step2 = changed_app(SEED, pkceEnforcement='S256_REQUIRED', grants=[{'resource': 'Orders API', 'scopes': ['orders:read', 'orders:write']}])
    step2['users'] = SEED['users'] + [{'username': 'carol', 'population': 'Staff', 'groups': ['admins']}]
    step2['groups'] = SEED['groups'] + [{'name': 'ops', 'groups': ['all-staff']}]
    apply(document=step2)
    export(dest=str(tmp_path / 'step2.yml'))
    step3 = dict(step2, populations=step2['populations'] + [{'name': 'Partners'}])
    step3['users'] = [dict(user, groups=user.get('groups', []) + ['ops']) if user['username'] == 'alice' else user for user in step2['users']]
    step3['resources'] = step2['resources'] + [{'name': 'Billing API', 'scopes': [{'name': 'invoices:read'}]}]
    apply(document=step3)
    assert (tmp_path / 'step1.yml').read_text() != (tmp_path / 'step2.yml').read_text()

    snapshot = yaml.safe_load((tmp_path / 'step1.yml').read_text())
    rollback = dict(document=snapshot, prune_types=snapshot['exported_types'], prune_memberships=True)
    mark = p1api.mark()
    checked = apply(check_mode=True, **rollback)
    assert p1api.writes(since=mark) == 0
    assert {(entry['type'], entry['name'], entry['action']) for entry in checked['drift'] if entry['action'] == 'delete'} == {
        ('population', 'Partners', 'delete'),
        ('group', 'ops', 'delete'),
        ('user', 'carol', 'delete'),
        ('resource', 'Billing API', 'delete'),
        # alice's membership of ops (its group ops goes too, with its nesting).
        ('group membership', 'ops', 'delete'),
    }
    # As the role applies a snapshot given as its document file: the types to prune from the document's exported_types.
    rolled = apply(document=snapshot, prune_exported_types=True, prune_memberships=True)
    assert 'users: deleted 1 (carol)' in rolled['summary'] and 'populations: deleted 1 (Partners)' in rolled['summary'], rolled['summary']
    export(dest=str(tmp_path / 'after.yml'))
    assert (tmp_path / 'after.yml').read_bytes() == (tmp_path / 'step1.yml').read_bytes()
    assert apply(**rollback)['changed'] is False

    # The guard: a rollback that would delete more than prune_max objects of a collection is refused before any write.
    apply(document=step3)
    mark = p1api.mark()
    with pytest.raises(ConfigurationError, match=r'^prune would delete 1 objects, more than prune_max \(0\): '):
        apply(prune_max=0, **rollback)
    assert p1api.writes(since=mark) == 0
    # What PingOne makes in every environment (its languages, platform roles, built-in resources) is never pruned.
    assert apply(document={}, prune_types=['languages', 'admin_roles', 'schemas'], prune_max=0)['changed'] is False
    assert 'en' in p1api.held('languages', key='locale') and 'Identity Data Admin' in p1api.held('roles')


@pytest.fixture
def prod_api(op, tmp_path):
    """A second PingOne-shaped environment, in a server of its own: another tenant to promote to."""
    with p1api_harness.PingOneAPI(str(tmp_path / 'prod'), op, env_id=str(uuid.uuid4())) as server:
        yield server
    assert server.violations() == [], server.violations()


def test_promote_dev_to_prod_with_a_variables_file(op, p1api, prod_api, tmp_path):
    """An export of development, applied to production in another tenant with the substitutions of a variables file:
    production gets the mapped names and URIs; a change made in development later shows against production as itself
    only, and without the substitutions as every difference they map."""
    dev = changed_app(SEED, name='portal (dev)', redirectUris=['https://dev.example.com/callback'])
    dev['users'] = [dict(user, email='alice@dev.example.com') if user['username'] == 'alice' else user for user in SEED['users']]
    environment_task(op, p1api, tmp_path, document=dev)()
    document = export_task(op, p1api, tmp_path, variable_prefix='')()['document']
    variables = {'portal (dev)': 'portal', 'https://dev.example.com': 'https://www.example.com', '@dev.example.com': '@example.com'}
    promote = environment_task(op, prod_api, tmp_path / 'prod', substitutions=variables)
    mark = prod_api.mark()
    assert promote(document=document)['changed'] is True
    portal = prod_api.held('applications')['portal']
    assert portal['redirectUris'] == ['https://www.example.com/callback'] and 'portal (dev)' not in prod_api.held('applications')
    assert prod_api.held('users', key='username')['alice']['email'] == 'alice@example.com'
    assert promote(document=document)['changed'] is False and prod_api.writes(since=prod_api.mark()) == 0

    # A real change in development: against production, the drift is that change alone.
    held = p1api.admin_session().get(p1api.collection_url('applications', p1api.held('applications')['portal (dev)']['id'])).json()
    writable = {key: value for key, value in held.items() if key not in ('id', '_links', 'environment', 'createdAt', 'updatedAt')}
    p1api.admin_session().put(p1api.collection_url('applications', held['id']), json=dict(writable, pkceEnforcement='S256_REQUIRED'))
    document = export_task(op, p1api, tmp_path, variable_prefix='')()['document']
    drift = promote(document=document, check_mode=True, diff=True)
    assert drift['drift'] == [{'type': 'application', 'name': 'portal', 'action': 'update', 'fields': ['pkceEnforcement']}]
    unmapped = environment_task(op, prod_api, tmp_path / 'prod', document=document)(check_mode=True)
    assert {(entry['name'], entry['action']) for entry in unmapped['drift']} >= {('portal (dev)', 'create'), ('alice', 'update')}
    assert prod_api.writes(since=mark) > 0 and p1api.violations() == []


def test_the_memberships_of_many_users_are_converged_at_once_within_parallel(op, p1api, tmp_path):
    """Each user's memberships are a collection of their own: the engine converges those of every user at once, at most
    ``parallel`` requests in flight under its one throttle (the server logs how many it was handling as each came, and
    holds each 60 ms, so that requests sent at once overlap there). Each user is in a group of its own: as many groups as
    users are not worth reading by group (test_memberships_are_read_by_group_and_the_uncertain_ones_by_user)."""
    users = [{'username': f'member{number:02d}', 'population': 'Staff', 'groups': [f'team{number:02d}']} for number in range(16)]
    groups = [{'name': f'team{number:02d}', 'population': 'Staff'} for number in range(16)]
    document = {'populations': [{'name': 'Staff'}], 'groups': groups, 'users': users}
    task = environment_task(op, p1api, tmp_path, document=document, parallel=3)
    p1api.reset(latency_ms=60)
    assert task()['changed'] is True
    mark = p1api.mark()
    result = task()
    assert result['changed'] is False
    reads = [entry for entry in p1api.requests_log(mark) if entry['method'] == 'GET' and entry['path'].endswith('/memberOfGroups')]
    assert len(reads) == 16
    # Sequential, each read would have come alone (in_flight 1); at once, up to parallel, never more.
    assert max(entry['in_flight'] for entry in reads) >= 2
    assert max(entry['in_flight'] for entry in p1api.requests_log(mark)) <= 3
    assert sum(1 for line in result['summary'] if line.startswith('Groups of member')) == 16
    assert [line for line in result['summary'] if line.startswith('Groups of member')] == sorted(
        line for line in result['summary'] if line.startswith('Groups of member')
    ), 'the summary keeps the document order, whatever finished first'


def test_memberships_are_read_by_group_and_the_uncertain_ones_by_user(op, p1api, tmp_path):
    """20 users in 4 groups: the run after reads each group's counts and members (8 reads) instead of each user's
    memberships (20), and reads one by one only the users a group lists that may belong other than directly: a group
    with a nested group's members, and one with a userFilter (the test server lists those members too, as PingOne's
    "all of the users who belong to the specified group" may). Memberships removed behind the run's back are added
    again, those of users who still belong to the group through a nesting or the userFilter too; check mode says so and
    writes nothing."""
    users = [{'username': f'u{number:02d}', 'population': 'Staff', 'groups': ['all-staff']} for number in range(20)]
    users[0]['groups'] = users[1]['groups'] = ['all-staff', 'admins']
    users[2]['groups'] = ['all-staff', 'leads', 'admins']  # in admins through leads as well
    users[11]['groups'] = ['all-staff', 'managers']  # managers' userFilter takes u10 to u19 in as well
    groups = [
        {'name': 'all-staff'},
        {'name': 'admins', 'population': 'Staff'},
        {'name': 'leads', 'population': 'Staff', 'groups': ['admins']},
        {'name': 'managers', 'population': 'Staff', 'userFilter': 'username sw "u1"'},
    ]
    document = {'populations': [{'name': 'Staff'}], 'groups': groups, 'users': users}
    task = environment_task(op, p1api, tmp_path, document=document)
    assert task()['changed'] is True
    admin = p1api.admin_session()
    ids = {user['username']: user['id'] for user in admin.get(p1api.collection_url('users')).json()['_embedded']['users']}
    group_ids = {group['name']: group['id'] for group in admin.get(p1api.collection_url('groups')).json()['_embedded']['groups']}
    for user, group in (('u05', 'all-staff'), ('u02', 'admins'), ('u11', 'managers')):
        assert admin.delete(p1api.collection_url('users', ids[user], 'memberOfGroups', group_ids[group])).status_code == 204

    mark = p1api.mark()
    checked = task(check_mode=True)
    assert p1api.writes(since=mark) == 0 and checked['changed'] is True
    assert {
        'Groups of u05: would add to all-staff',
        'Groups of u02: would add to admins (population Staff), unchanged 2',
        'Groups of u11: would add to managers (population Staff), unchanged 1',
    } <= set(checked['summary'])

    mark = p1api.mark()
    result = task()
    assert result['changed'] is True and p1api.writes(since=mark) == 3
    assert {
        'Groups of u05: added to all-staff',
        'Groups of u02: added to admins (population Staff), unchanged 2',
        'Groups of u11: added to managers (population Staff), unchanged 1',
    } <= set(result['summary'])
    assert 'Groups of u00: unchanged 2' in result['summary'] and 'Groups of u19: unchanged 1' in result['summary']
    log = [entry for entry in p1api.requests_log(mark) if entry['method'] == 'GET']
    per_user = sorted(
        entry['path'].split('/users/')[1].split('/')[0]
        for entry in log
        if '/users/' in entry['path'] and entry['path'].split('?')[0].endswith('/memberOfGroups')
    )
    # admins lists u02 through leads, so whoever it lists may be an indirect member; managers lists u10 to u19 (its
    # userFilter) and has no direct member left.
    assert per_user == sorted([ids['u00'], ids['u01'], ids['u02'], ids['u11']])
    # The groups' direct counts come with the groups' list, read anyway: no group is read on its own.
    assert counted_reads(log) == 0 and len(filtered_reads(log)) == 4
    assert all('%20eq%20' in entry['query'] and '+' not in entry['query'] for entry in filtered_reads(log)), 'the filter is encoded as PingOne writes it'
    assert memberships(admin, p1api, ids['u05']) == ['all-staff'] and memberships(admin, p1api, ids['u02']) == ['admins', 'all-staff', 'leads']
    assert memberships(admin, p1api, ids['u11']) == ['all-staff', 'managers']

    mark = p1api.mark()
    again = task()
    assert again['changed'] is False and p1api.writes(since=mark) == 0

    # A user whose email the run changes keeps its groups: the groups' users, read while the users converged, and the
    # counts their list gave still hold; nothing is read again.
    users[7] = dict(users[7], email='u07@example.com')
    mark = p1api.mark()
    updated = environment_task(op, p1api, tmp_path, document=document)()
    log = [entry for entry in p1api.requests_log(mark) if entry['method'] == 'GET']
    assert updated['changed'] is True and p1api.writes(since=mark) == 1
    assert counted_reads(log) == 0 and len(filtered_reads(log)) == 4
    assert 'Groups of u07: unchanged 1' in updated['summary']

    # A user moved to another population may have left groups (its old population's): what was read while the users
    # converged is not trusted, nor the counts the groups' list gave: each group's own read with include=totalMemberCounts
    # gives them, and its users are read again.
    document['populations'].append({'name': 'Contractors'})
    users[8] = dict(users[8], population='Contractors')
    mark = p1api.mark()
    moved = environment_task(op, p1api, tmp_path, document=document)()
    log = [entry for entry in p1api.requests_log(mark) if entry['method'] == 'GET']
    assert moved['changed'] is True
    assert counted_reads(log) == 4 and len(filtered_reads(log)) == 8
    assert memberships(admin, p1api, ids['u08']) == ['all-staff']

    # result_detail compact: the users whose groups were all there in one line, those read by group and those read one
    # by one alike (u00, u01, u02, u11: 2 + 2 + 3 + 2, and 15 users in all-staff alone), after the groups' own line; a
    # user whose groups change keeps its line; no ids.
    assert admin.delete(p1api.collection_url('users', ids['u05'], 'memberOfGroups', group_ids['all-staff'])).status_code == 204
    compact = environment_task(op, p1api, tmp_path, document=document, result_detail='compact')()
    assert [line for line in compact['summary'] if line.startswith('Groups of')] == [
        'Groups of 1 group: unchanged 1',  # leads, nested in admins
        'Groups of u05: added to all-staff',
        'Groups of 19 users: unchanged 24',
    ]
    assert 'ids' not in compact and compact['client_ids'] == {} and compact['handover']['ids']['user']['u05'] == ids['u05']
    assert p1api.violations() == []


def test_a_group_longer_than_its_share_of_the_reads_is_not_read_to_its_end(op, p1api, tmp_path):
    """8 users of the document in a group of 60, pages of 5: the group's list would take 12 reads where the users take
    8, more than its share (its estimate of one page, from its direct count at PingOne's 200 a page, and what the 8
    reads leave): it is given up after 8 pages and the 8 users are read one by one, their memberships unchanged."""
    api = p1api.reset(page_cap=5)
    admin = api.admin_session()
    staff = admin.post(api.collection_url('populations'), json={'name': 'Staff'}).json()['id']
    big = admin.post(api.collection_url('groups'), json={'name': 'big'}).json()['id']
    for number in range(60):
        user = admin.post(api.collection_url('users'), json={'username': f'm{number:02d}', 'population': {'id': staff}}).json()['id']
        assert admin.post(api.collection_url('users', user, 'memberOfGroups'), json={'id': big}).status_code == 201
    users = [{'username': f'm{number:02d}', 'population': 'Staff', 'groups': ['big']} for number in range(8)]
    document = {'populations': [{'name': 'Staff'}], 'groups': [{'name': 'big'}], 'users': users}
    mark = api.mark()
    result = environment_task(op, api, tmp_path, document=document)()
    assert result['changed'] is False and api.writes(since=mark) == 0
    log = [entry for entry in api.requests_log(mark) if entry['method'] == 'GET']
    # 12 pages of the users' list, then 8 of the group's users (the first, filtered, and 7 by cursor), then given up.
    assert len(filtered_reads(log)) == 1 and sum(1 for entry in log if entry['path'].endswith('/users')) == 12 + 8
    assert sum(1 for entry in log if '/users/' in entry['path'] and entry['path'].endswith('/memberOfGroups')) == 8
    assert [line for line in result['summary'] if line.startswith('Groups of')] == [f'Groups of m{number:02d}: unchanged 1' for number in range(8)]


def counted_reads(log):
    """The reads of one group with its counts (readOneGroup, include=totalMemberCounts)."""
    return sum(1 for entry in log if entry['query'] == 'include=totalMemberCounts' and '/groups/' in entry['path'])


def filtered_reads(log):
    """The first reads of a group's users (readAllUsers, filter=memberOfGroups[id eq ...]; next pages go by cursor)."""
    return [entry for entry in log if entry['path'].endswith('/users') and 'filter=memberOfGroups' in entry['query']]


def memberships(admin, api, user_id):
    """The names of a user's direct groups."""
    listed = admin.get(api.collection_url('users', user_id, 'memberOfGroups')).json()['_embedded']['groupMemberships']
    return sorted(entry['name'] for entry in listed if entry['type'] == 'DIRECT')
