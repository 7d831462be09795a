# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json
import time

import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils import _tasks
from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.build import options_of
from ansible_collections.jwtauth.oidc.plugins.module_utils._context import TaskContext

USERS = 'https://api.example.com/v1/users'
ALICE = {'id': 'u1', 'name': 'alice', 'title': 'boss'}


class Answer:
    """The parts of a requests response the resource engine reads."""

    def __init__(self, document, status_code=200):
        self.status_code = status_code
        self.text = json.dumps(document)
        self.url = None


class Api:
    """An HttpClient stand-in: a collection holding alice; a POST creates what it is sent."""

    def __init__(self):
        self.context = TaskContext()
        self.calls = []
        self.budget = None  # no rate budget: the converge learns its rate
        self.throttle = None  # none set around the task (the engine sets one around many collections)

    def check_url(self, url, source):
        self.calls.append(('check', url, source))

    def request(self, method, url, what, single_use=False, headers=None, data=None, **kwargs):
        self.calls.append((method, url))
        if method == 'GET':
            return Answer({'items': [ALICE]})
        return Answer(dict(json.loads(data), id='new'), 201)


# item / items -> created, unchanged: ``items`` is an option, not the items() of the options' Mapping.
@pytest.mark.parametrize(
    'desired, created, unchanged',
    [
        (dict(item={'name': 'bob'}), ['bob'], []),
        (dict(items=[{'name': 'bob'}, {'name': 'alice', 'title': 'boss'}]), ['bob'], ['alice']),
        (dict(items=[]), [], []),
    ],
)
def test_resource_task_reads_item_and_items_options(desired, created, unchanged):
    api = Api()
    options = options_of(dict(url=USERS, bearer_token='T', key='name', **desired))
    result = _tasks.run_resource_task(options, api.context, http=api)
    assert (result['created'], result['unchanged']) == (created, unchanged)
    assert result['changed'] is bool(created)
    # The url option is checked (https, a host and port that can be reached) before anything is sent.
    assert api.calls == [('check', USERS, 'the url option'), ('GET', USERS)] + [('POST', USERS)] * len(created)


@pytest.mark.parametrize(
    'value, keys, expected',
    [
        ({'secret': 's1', 'previous': {'secret': 's0', 'expiresAt': 'x'}}, ['secret'], ['s0', 's1']),
        ([{'password': 'p'}, {'password': ''}, {'password': None}], ['password'], ['p']),
        ({'name': 'secret'}, ['secret'], []),  # a value that is the word, not at the key
        ({'secret': {'nested': 'not a string'}}, ['secret'], []),
        ('secret', ['secret'], []),
    ],
)
def test_secret_values_are_the_strings_at_the_keys_anywhere(value, keys, expected):
    assert sorted(_tasks.secret_values(value, keys)) == expected


INTROSPECTED = 'opaque-token-to-introspect-' + 'z' * 24
MINTED = 'client-assertion-minted-by-the-task-' + 'm' * 24


class EchoingIntrospection:
    """A TokenAdminClient stand-in whose OP answers with ``claims``; like the real one, it remembers the token and the
    client assertion it sent."""

    def __init__(self, context, claims):
        self.context = context
        self.claims = claims

    def prepare(self):
        pass

    def introspect(self, token, token_type_hint=None):
        self.context.remember(token, MINTED)
        return dict(self.claims), type('Endpoint', (), {'url': 'https://op.example.test/introspect'})


# Claims an OP echoes the token (or what the task minted) in -> the claims of the result.
ECHOED_CLAIMS = [
    ({'active': True, 'ext': {'t': INTROSPECTED}}, {'active': True, 'ext': {'t': 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'}}),
    ({'active': True, 'note': f'token {INTROSPECTED} is active'}, {'active': True, 'note': 'token ******** is active'}),
    ({'active': True, 'list': [{'deep': [f'Bearer {INTROSPECTED}']}]}, {'active': True, 'list': [{'deep': ['Bearer ********']}]}),
    ({'active': False, 'echo': f'assertion={MINTED}'}, {'active': False, 'echo': 'assertion=********'}),
    ({'active': True, 'sub': 'alice', 'exp': 1_800_000_000}, {'active': True, 'sub': 'alice', 'exp': 1_800_000_000}),
]


@pytest.mark.parametrize('claims, shown', ECHOED_CLAIMS)
def test_introspect_masks_the_token_wherever_the_op_echoes_it(claims, shown):
    context = TaskContext()
    options = {'introspection_endpoint': 'https://op.example.test/introspect', 'client_id': 'c1', 'client_secret': 's' * 32, 'token': INTROSPECTED}
    result = _tasks.run_introspect_task(options, context, client=EchoingIntrospection(context, claims))
    assert result['claims'] == shown and result['active'] is claims['active']
    assert INTROSPECTED not in json.dumps(result) and MINTED not in json.dumps(result)


class Provider:
    """A TokenProvider stand-in: each get() a new token valid for ``lifetime`` seconds from ``clock``."""

    def __init__(self, lifetime=3600, leeway=60):
        self.leeway = leeway
        self.lifetime = lifetime
        self.calls = []

    def get(self, name=None, force=False):
        self.calls.append((name, force))
        return {'access_token': f'token-{len(self.calls)}', 'expires_in': self.lifetime, 'expires_at': time.time() + self.lifetime}


def test_the_bearer_token_is_read_once_and_held_for_the_task():
    """Before, every request of a converge read and decrypted the token from the store (issue 27): 1,000 requests,
    1,000 reads. Held in memory, it is read once, renewed at once after a 401, and asked for again once stale."""
    provider = Provider()
    source = _tasks.token_source(options_of({'token_name': 'svc'}), provider)
    assert {source() for _request in range(1000)} == {'token-1'} and provider.calls == [('svc', False)]
    assert source(renew=True) == 'token-2' and source() == 'token-2' and provider.calls[-1] == ('svc', True)
    source.tokens['expires_at'] = time.time() + 30  # within the 60 s leeway: stale
    assert source() == 'token-3' and len(provider.calls) == 3


def test_a_token_shorter_than_the_leeway_is_held_for_half_its_life():
    """A 20 s token with the default 60 s leeway: held while more than half of it is left (as the store serves it),
    not asked for at every request."""
    provider = Provider(lifetime=20)
    source = _tasks.token_source(options_of({}), provider)
    assert [source() for _request in range(10)] == ['token-1'] * 10


@pytest.mark.parametrize('diff', [False, True])
def test_diffs_are_built_only_in_diff_mode(monkeypatch, diff):
    """A converge of 10,000 objects built 20,000 diff views whether --diff was on or not; now only when it is."""
    from ansible_collections.jwtauth.oidc.plugins.module_utils._resources import converge

    views = []
    monkeypatch.setattr(converge, 'diff_view', lambda value, *args: views.append(value) or value)
    api = Api()
    options = options_of(dict(url=USERS, bearer_token='T', key='name', items=[{'name': 'bob'}, {'name': 'carol'}]))
    result = _tasks.run_resource_task(options, api.context, diff=diff, http=api)
    assert result['created'] == ['bob', 'carol']
    assert len(views) == (4 if diff else 0) and ('diff' in result) == diff
