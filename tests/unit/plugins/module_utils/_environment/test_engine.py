# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""_environment.engine without a server: the steps of each part, and items made PingOne's bodies from the type table
(the converges themselves run against the PingOne test server: tests/integration/test_pingone_environment.py)."""

from __future__ import annotations

import gc

import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.build import options_of
from ansible_collections.jwtauth.oidc.plugins.module_utils._environment.engine import EnvironmentRun, path_around, steps
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError
from ansible_collections.jwtauth.oidc.plugins.module_utils._pingone.resource_types import TYPES_BY_NAME


def named(part):
    return [(kind, resource_type.name) for kind, resource_type in steps(part)]


def test_the_parts_make_the_whole_run_in_order():
    whole = named('all')
    assert whole == named('before_secrets') + named('secrets') + named('after_secrets')
    assert named('secrets') == [('secret', 'application')]
    assert named('before_secrets')[-1] == ('present', 'application')
    present = [name for kind, name in whole if kind == 'present']
    assert present.index('population') < present.index('group') < present.index('user') < present.index('group membership')
    absent = [name for kind, name in whole if kind == 'absent']
    assert absent.index('application resource grant') < absent.index('resource scope') < absent.index('application') < absent.index('population')
    assert absent.index('sign-on policy assignment') < absent.index('sign-on policy') < absent.index('identity provider')


def run(check_mode=False, **ids):
    handover = {'ids': ids}
    return EnvironmentRun(options_of({'document': {}, 'handover': handover, 'variable_prefix': 'pingone_platform_'}), None, None, 'https://x/v1', check_mode)


def test_a_grant_names_its_resource_and_that_resource_s_scopes():
    engine = run(resource={'Orders': 'r-1'}, **{'resource scope': {'Orders': {'read': 's-1', 'write': 's-2'}}})
    grants = TYPES_BY_NAME['application resource grant']
    item = {'resource': 'Orders', 'scopes': ['write', 'read'], 'state': 'present'}
    assert engine.resolve(grants, item, 'g[0]') == {'resource': {'id': 'r-1'}, 'scopes': [{'id': 's-2'}, {'id': 's-1'}]}
    # To delete a grant, its resource is enough: the scopes may already be gone.
    assert engine.resolve(grants, {'resource': 'Orders', 'scopes': ['gone'], 'state': 'absent'}, 'g[0]', absent=True) == {'resource': {'id': 'r-1'}}
    with pytest.raises(ConfigurationError, match=r"^g\[0\] grants no scopes of resource 'Orders': name at least one$"):
        engine.resolve(grants, {'resource': 'Orders', 'scopes': []}, 'g[0]')
    with pytest.raises(ConfigurationError, match=r"^g\[0\] \(resource 'Orders'\) names scope 'admin', which is not one of the scopes"):
        engine.resolve(grants, {'resource': 'Orders', 'scopes': ['admin']}, 'g[0]')


def test_a_group_in_check_mode_names_a_population_still_to_create():
    engine = run(check_mode=True, population={'Staff': None})
    group = TYPES_BY_NAME['group']
    resolved = engine.resolve(group, {'name': 'team', 'population': 'Staff', 'groups': ['x']}, 'groups[0]')
    assert resolved == {'name': 'team', 'population': {'id': '(to be created) Staff'}}
    assert engine.key(group, resolved) == 'team (population (to be created) Staff)'


def test_a_user_to_delete_keeps_its_population_by_name():
    """Only the references its key needs are made ids: a user to delete is found by username."""
    engine = run(population={})
    assert engine.resolve(TYPES_BY_NAME['user'], {'username': 'gone', 'population': 'Old', 'state': 'absent'}, 'u[0]', absent=True) == {'username': 'gone'}


@pytest.mark.parametrize(
    'type_name, parent_id, url',
    [
        ('group membership', 'u-1', 'https://x/v1/users/u-1/memberOfGroups'),
        ('resource scope', 'r 1/2', 'https://x/v1/resources/r%201%2F2/scopes'),  # the id quoted whole into its segment
    ],
)
def test_a_child_collection_is_below_its_parent_s_id(type_name, parent_id, url):
    resource_type = TYPES_BY_NAME[type_name]
    assert run().child_url(resource_type, parent_id) == url
    assert len(path_around(resource_type.path)) == 2  # one parameter, split once for every parent


def test_a_parent_s_links_are_made_once_and_its_items_resolved_once():
    engine = run(population={'Staff': 'p-1'}, group={'admins (population p-1)': 'g-1', 'all': 'g-2'})
    memberships = TYPES_BY_NAME['group membership']
    alice = {'username': 'alice', 'population': {'id': 'p-1'}}
    first = engine.links.link_items(memberships, alice, ['admins', 'all'], 'the group memberships of user alice')
    assert first == [{'id': 'g-1'}, {'id': 'g-2'}]
    # The reads ahead made them in their thread; the converge gets the same list, not a second one.
    assert engine.links.link_items(memberships, alice, ['admins', 'all'], 'the group memberships of user alice') is first


def test_the_collector_is_paused_for_the_whole_run_and_runs_again_after(monkeypatch):
    """The reads by target and the links steps run outside any one converge: the collector is paused for the run (a
    no-change run of 10,000 users in 10 groups spent 0.1-0.3 s in it), and runs again once the run has ended."""
    seen = []
    engine = run()
    monkeypatch.setattr(engine, 'converge_top', lambda resource_type: seen.append(gc.isenabled()))
    monkeypatch.setattr(engine, 'converge_children', lambda resource_type, kind: seen.append(gc.isenabled()))
    monkeypatch.setattr(engine, 'delete_top', lambda resource_type: seen.append(gc.isenabled()))
    assert gc.isenabled()
    engine.run('all')
    assert seen and not any(seen) and gc.isenabled()


@pytest.mark.parametrize(
    'applications, asked',
    [
        ([], False),
        ([{'name': 'portal'}, {'name': 'job', 'return_secret': False}], False),
        ([{'name': 'job'}, {'name': 'portal', 'return_secret': True}], True),
        # An application to delete has no secret to read.
        ([{'name': 'portal', 'return_secret': True, 'state': 'absent'}], False),
    ],
)
def test_the_handover_says_whether_the_secrets_part_has_work(applications, asked):
    """handover.secrets_asked: the role runs its secrets task (and reads a document file a third time) only when true."""
    engine = EnvironmentRun(options_of({'document': {'applications': applications}}), None, None, 'https://x/v1', False)
    assert engine.secrets_asked() is asked


@pytest.mark.parametrize(
    'document, prune_types, expected',
    [
        ({'users': [], 'exported_types': ['users', 'groups']}, [], {'users', 'groups'}),
        ({'exported_types': ['groups']}, ['populations'], {'groups', 'populations'}),
        ({'exported_types': []}, [], set()),
    ],
)
def test_prune_exported_types_prunes_what_the_document_says_it_holds(document, prune_types, expected):
    options = options_of({'document': document, 'prune_types': prune_types, 'prune_exported_types': True})
    assert EnvironmentRun(options, None, None, 'https://x/v1', False).prune_types == expected


@pytest.mark.parametrize(
    'document, message',
    [
        ({'users': []}, "prune_exported_types takes the types of the document's exported_types, and the document has no such list"),
        ({'exported_types': 'users'}, "prune_exported_types takes the types of the document's exported_types, and the document has no such list"),
        ({'exported_types': ['user']}, 'prune_types with exported_types names user, which the type table does not have: use '),
    ],
)
def test_prune_exported_types_without_a_list_of_types_is_refused(document, message):
    with pytest.raises(ConfigurationError) as caught:
        EnvironmentRun(options_of({'document': document, 'prune_exported_types': True}), None, None, 'https://x/v1', False)
    assert str(caught.value).startswith(message)
