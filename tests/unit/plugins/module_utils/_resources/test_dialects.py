# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""_resources.dialects: what each api_style declares, from tables."""

from __future__ import annotations

import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import UnpagedListError
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources import dialects, names, plan
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources.dialects import DIALECTS, Page

SCIM = DIALECTS['scim'].server_owned
ALICE = {'id': 'u1', 'userName': 'alice', 'active': True, 'meta': {'location': 'https://s/v2/Users/u1'}, 'schemas': ['core']}
USERS = 'https://s/v2/Users'


# dialect -> (content type, PATCH content type, filters, adopts 409 conflicts)
DECLARED = [
    ('generic', ('application/json', 'application/merge-patch+json', False, False)),
    ('scim', ('application/scim+json', 'application/scim+json', True, True)),
    ('pingone', ('application/json', 'application/json', False, False)),
]


@pytest.mark.parametrize('name, expected', DECLARED)
def test_what_each_dialect_declares(name, expected):
    dialect = DIALECTS[name]
    action = plan.Action('update', 'alice', {}, {}, ALICE, {'active': False})
    assert (dialect.content_type, dialect.patch(action, ['active'], {})[1], dialect.filters, dialect.adopts_conflicts) == expected
    assert dialect.name == name and 'id' in dialect.server_owned


ENV = 'https://api.pingone.eu/v1/environments/e'

# dialect, url -> first page: PingOne's limit only where the list operation declares it (the SDK's OpenAPI file)
FIRST_PAGES = [
    ('generic', USERS, USERS),
    ('scim', USERS, USERS + '?startIndex=1&count=50'),
    ('pingone', ENV + '/users', ENV + '/users?limit=50'),
    ('pingone', ENV + '/users?limit=7', ENV + '/users?limit=7'),
    ('pingone', ENV + '/populations', ENV + '/populations?limit=50'),
    ('pingone', ENV + '/groups', ENV + '/groups?limit=50'),
    ('pingone', ENV + '/users/u1/memberOfGroups', ENV + '/users/u1/memberOfGroups?limit=50'),
    # readGroupNesting, readAllResources, readAllResourceScopes, readAllApplications, readAllApplicationGrants: none.
    ('pingone', ENV + '/groups/g1/memberOfGroups', ENV + '/groups/g1/memberOfGroups'),
    ('pingone', ENV + '/resources', ENV + '/resources'),
    ('pingone', ENV + '/resources/r1/scopes', ENV + '/resources/r1/scopes'),
    ('pingone', ENV + '/applications', ENV + '/applications'),
    ('pingone', ENV + '/applications/a1/grants', ENV + '/applications/a1/grants'),
    ('pingone', ENV + '/somethingElse', ENV + '/somethingElse'),
]


@pytest.mark.parametrize('name, url, first', FIRST_PAGES)
def test_first_page(name, url, first):
    assert DIALECTS[name].first_page(url, 50) == first


def test_scim_pages_by_start_index_and_refuses_a_server_that_does_not():
    scim = DIALECTS['scim']
    assert scim.next_page(Page({'totalResults': 3}, USERS, 1, 2, 2), USERS, 2, 2) == (USERS + '?startIndex=3&count=2', None)
    assert scim.next_page(Page({'totalResults': 3}, USERS, 3, 1, 1), USERS, 2, 3) == (None, None)
    assert scim.next_page(Page({}, USERS, 1, 2, 2), USERS, 2, 2) == (None, 'the answer has no totalResults (RFC 7644 section 3.4.2 requires it)')
    with pytest.raises(UnpagedListError) as caught:
        scim.next_page(Page({'totalResults': 500}, USERS + '?startIndex=201', 201, 200, 0), USERS, 200, 200)
    assert (caught.value.listed, caught.value.total) == (200, 500) and str(caught.value).startswith('Failed to list ' + USERS + ': the page')


def test_generic_pages_by_links():
    assert DIALECTS['generic'].next_page(Page({'_links': {'next': {'href': '?cursor=2'}}}, USERS, 1, 1, 1), USERS, 100, 1) == ('?cursor=2', None)


def test_scim_keys_fold_as_their_schema_says():
    assert DIALECTS['scim'].key_folder('userName')('Bob') == 'bob' and DIALECTS['scim'].key_folder('externalId')('Bob') == 'Bob'
    assert DIALECTS['pingone'].key_folder('name')('Bob') == 'Bob'


def test_scim_bodies_carry_their_schemas():
    scim = DIALECTS['scim']
    assert scim.with_schemas({'userName': 'carol'}, None, 'Users') == {'userName': 'carol', 'schemas': [dialects.SCIM_CORE_SCHEMAS['Users']]}
    assert scim.with_schemas({'userName': 'carol'}, {'schemas': ['x']}, 'Users')['schemas'] == ['x']
    assert DIALECTS['generic'].with_schemas({'name': 'x'}, None, 'Users') == {'name': 'x'}


def test_generic_patch_is_a_merge_patch_of_what_differs():
    action = plan.Action('update', 'alice', {}, {}, ALICE, {'active': False, 'title': None})
    assert DIALECTS['generic'].patch(action, ['active', 'title'], {'password': 'p'})[0] == {'active': False, 'title': None, 'password': 'p'}


def test_scim_patch_body():
    action = plan.plan([{'userName': 'alice', 'active': False, 'title': None, 'nickName': 'al'}], [dict(ALICE, title='x')], key='userName', server_owned=SCIM)[
        0
    ]
    body = DIALECTS['scim'].patch(action, [], {})[0]
    assert body['schemas'] == [dialects.SCIM_PATCH_SCHEMA]
    assert body['Operations'] == [
        {'op': 'replace', 'path': 'active', 'value': False},
        {'op': 'remove', 'path': 'title'},
        {'op': 'replace', 'path': 'nickName', 'value': 'al'},
    ]


def test_pingone_hints_follow_what_pingone_answers():
    pingone, generic = DIALECTS['pingone'], DIALECTS['generic']
    forbidden = '{"code": "ACCESS_FAILED", "message": "The request could not be completed. You do not have access to this resource."}'
    assert 'PingOne answers 403 ACCESS_FAILED for an environment it does not know' in pingone.refusal_hint(ENV + '/users', 403, forbidden)
    assert pingone.refusal_hint(ENV + '/users', 403, '{"code": "OTHER"}') is None and generic.refusal_hint(ENV + '/users', 403, forbidden) is None
    assert pingone.refusal_hint(ENV + '/users/u1', 404, '') == (
        'PingOne answers 404 for an object it does not know: check the id in the URL (an environment it does not know answers 403)'
    )


def test_pingone_object_urls_and_keys_follow_the_contract():
    assert DIALECTS['pingone'].follows_self_links is False and DIALECTS['scim'].follows_self_links is True
    assert DIALECTS['pingone'].key_folder('username')('Alice') == 'alice' and DIALECTS['pingone'].key_folder('name')('Alice') == 'Alice'


@pytest.mark.parametrize(
    'api_style, given, expected',
    [
        ('scim', [], ['password']),
        ('scim', ['pin', 'password'], ['pin', 'password']),
        ('generic', [], []),
        ('pingone', None, None),
        (None, ['pin'], ['pin']),
    ],
)
def test_write_only_keys_are_the_tasks_then_the_standards(api_style, given, expected):
    assert names.write_only_keys(api_style, given) == expected


def test_the_option_layers_names_are_the_dialects():
    """The option layer offers names.API_STYLES without importing a dialect: they are the dialects, in order, and each
    dialect's write-only attributes are those names.WRITE_ONLY_KEYS gives its style."""
    assert tuple(DIALECTS) == names.API_STYLES
    assert {name: dialect.write_only_keys for name, dialect in DIALECTS.items() if dialect.write_only_keys} == names.WRITE_ONLY_KEYS


def scim_object(kind):
    return {'id': kind.lower() + '1', 'meta': {'resourceType': kind}}


@pytest.mark.parametrize(
    'url, kinds, words',
    [
        ('https://scim.example.com/scim/v2/Users', ['User'], None),
        ('https://scim.example.com/Groups/', [], None),
        ('https://scim.example.com/scim/v2', ['User'], 'is the SCIM service root, not a resource collection'),
        ('https://scim.example.com/scim/v2/', [], 'is the SCIM service root'),
        ('https://scim.example.com/scim', [], 'is the SCIM service root'),
        ('https://scim.example.com/tenant/directory', ['Group', 'User'], 'it lists Group, User resources alike'),
        ('https://scim.example.com/v2/Schemas', [], 'is a SCIM discovery endpoint'),
        ('https://scim.example.com/v2/things', ['ResourceType'], 'is a SCIM discovery endpoint'),
    ],
)
def test_a_scim_url_that_is_no_resource_collection_says_so(url, kinds, words):
    problem = DIALECTS['scim'].collection_problem(url, [scim_object(kind) for kind in kinds])
    assert (problem is None) if words is None else (words in problem and problem.startswith(url))


def test_other_dialects_take_any_url():
    assert DIALECTS['generic'].collection_problem('https://api.example.com/v2', [scim_object('User'), scim_object('Group')]) is None
