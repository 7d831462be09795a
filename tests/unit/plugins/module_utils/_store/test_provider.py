# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import hashlib
import json
import threading
import time

import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils import _tasks
from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.build import options_of
from ansible_collections.jwtauth.oidc.plugins.module_utils._context import TaskContext
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth import grants
from ansible_collections.jwtauth.oidc.plugins.module_utils._store import files as store_files
from ansible_collections.jwtauth.oidc.plugins.module_utils._store import provider as store_provider

NOW = 1_800_000_000


def identity(options, name=None):
    """The store entry id of options given as a dict, as the edge would build them."""
    return store_provider.identity(options_of(options), name)


def provider_for(options, **kwargs):
    """A TokenProvider of options given as a dict, with a context of its own."""
    return store_provider.TokenProvider(options_of(options), TaskContext(), **kwargs)


FRESH_AT = {'access_token': 'a', 'expires_at': NOW + 600}
STALE_AT = {'access_token': 'a', 'expires_at': NOW + 30}  # inside the 60 s leeway
FAILED = {'class': 'ResponseError', 'message': 'Failed at https://op/token: HTTP 500', 'failed_at': NOW - 1}

# stored, repeatable, keyword arguments -> decision
PLAN_TABLE = [
    (None, True, {}, 'request'),
    (None, False, {}, 'fail'),
    (None, False, {'requestable': True}, 'request'),  # a lookup given a code spends it once
    (STALE_AT, False, {'requestable': True}, 'fail'),  # ... and never again
    (FRESH_AT, False, {}, 'use'),
    (STALE_AT, True, {}, 'request'),
    (dict(STALE_AT, refresh_token='r'), True, {}, 'refresh'),
    ({'access_token': 'a', 'expires_at': NOW - 5, 'refresh_token': 'r'}, False, {}, 'refresh'),
    ({'access_token': 'a', 'expires_at': NOW - 5}, False, {}, 'fail'),
    ({'access_token': 'a'}, True, {}, 'request'),  # unknown lifetime: not vouched for
    # token_store_action=forget: whatever is stored
    (FRESH_AT, True, {'action': 'forget'}, 'forget'),
    (None, False, {'action': 'forget'}, 'forget'),
    # token_store_action=renew: a fresh token is renewed ...
    (FRESH_AT, True, {'action': 'renew'}, 'request'),
    (dict(FRESH_AT, refresh_token='r'), False, {'action': 'renew'}, 'refresh'),
    (FRESH_AT, False, {'action': 'renew'}, 'fail'),
    # ... unless a worker this one waited for renewed it meanwhile
    (dict(FRESH_AT, obtained_at=NOW - 1), True, {'action': 'renew', 'waited_since': NOW - 2}, 'use'),
    (dict(FRESH_AT, obtained_at=NOW - 3), True, {'action': 'renew', 'waited_since': NOW - 2}, 'request'),
    (FRESH_AT, True, {'action': 'renew', 'waited_since': NOW - 2}, 'request'),
    # a failure recorded by the worker this one waited for is raised, not repeated
    (None, True, {'failure': FAILED, 'waited_since': NOW - 2}, 'fail-fast'),
    (dict(STALE_AT, refresh_token='r'), True, {'failure': FAILED, 'waited_since': NOW - 2}, 'fail-fast'),
    (FRESH_AT, True, {'failure': FAILED, 'waited_since': NOW - 2}, 'use'),  # a good token still wins
    (FRESH_AT, True, {'action': 'renew', 'failure': FAILED, 'waited_since': NOW - 2}, 'fail-fast'),
    (FRESH_AT, True, {'action': 'forget', 'failure': FAILED}, 'forget'),
]


@pytest.mark.parametrize('stored, repeatable, kwargs, expected', PLAN_TABLE)
def test_plan(stored, repeatable, kwargs, expected):
    assert store_provider.plan(stored, 60, repeatable, now=NOW, **kwargs) == expected


# a stored token, expiry_leeway -> the leeway it is judged by (issue 23: a leeway the OP's tokens do not outlive)
LEEWAY_TABLE = [
    ({'expires_in': 600, 'expires_at': NOW + 600}, 60, 60),
    ({'expires_in': 61, 'expires_at': NOW + 61}, 60, 60),  # the leeway can be kept: kept
    ({'expires_in': 60, 'expires_at': NOW + 60}, 60, 30),  # at the lifetime: half the lifetime
    ({'expires_in': 600, 'expires_at': NOW + 600}, 900, 300),
    ({'expires_in': 0, 'expires_at': NOW}, 60, 60),  # born expired: never served
    ({'expires_in': None, 'expires_at': NOW + 100, 'obtained_at': NOW}, 300, 50),  # a JWT's exp or the default lifetime
    ({'expires_in': None, 'expires_at': NOW + 100}, 300, 300),  # lifetime unknown
    ({'expires_in': True, 'expires_at': NOW + 100}, 300, 300),
]


@pytest.mark.parametrize('tokens, leeway, expected', LEEWAY_TABLE)
def test_effective_leeway(tokens, leeway, expected):
    assert store_provider.effective_leeway(tokens, leeway) == expected


def test_a_token_the_leeway_outlives_is_served_for_half_its_lifetime():
    issued = {'access_token': 'a', 'expires_in': 600, 'expires_at': NOW + 600}
    assert store_provider.plan(issued, 900, True, now=NOW + 299) == 'use'
    assert store_provider.plan(issued, 900, True, now=NOW + 300) == 'request'


BASE = {'issuer': 'https://op', 'client_id': 'c', 'client_secret': 's' * 40, 'auth_method': 'client_secret_jwt'}


@pytest.mark.parametrize(
    'change, same',
    [
        ({}, True),
        ({'scope': ['b', 'a']}, False),
        ({'client_secret': 'other'}, True),  # the credential keys the encryption, not the entry
        ({'client_id': 'd'}, False),
        ({'extra_params': {'resource': 'https://api'}}, False),
        ({'grant_type': 'client_credentials'}, True),  # the inferred default
        ({'code': 'one'}, False),
    ],
)
def test_identity(change, same):
    assert (identity(BASE) == identity(dict(BASE, **change))) is same


# Saved tokens belong to their OP: change -> same named entry?
@pytest.mark.parametrize(
    'change, same',
    [
        ({}, True),
        ({'issuer': 'https://op/'}, True),  # a trailing slash is the same OP
        ({'issuer': 'https://other-op'}, False),
        ({'token_endpoint': 'https://op/token'}, False),
        ({'issuer': None, 'environment_id': 'env'}, False),
        ({'client_id': 'd'}, False),
        ({'client_secret': 'other'}, True),
        ({'scope': ['x']}, True),  # a saved name is one token whatever the scope asked
    ],
)
def test_saved_identity(change, same):
    assert (identity(BASE, 'login') == identity(dict(BASE, **change), 'login')) is same


def test_pingone_region_defaults_like_the_endpoints():
    pingone = {'environment_id': 'env', 'client_id': 'c'}
    assert identity(pingone, 'login') == identity(dict(pingone, region='NA'), 'login')
    assert identity(pingone, 'login') != identity(dict(pingone, region='EU'), 'login')


def test_identity_ignores_scope_order_and_hashes_codes():
    assert identity(dict(BASE, scope=['a', 'b'])) == identity(dict(BASE, scope=['b', 'a']))
    assert identity(dict(BASE, code='one')) != identity(dict(BASE, code='two'))


# grant_type=pingone_flow signs a user on: change -> same entry?
FLOW = dict(BASE, issuer=None, environment_id='env', grant_type='pingone_flow', username='svc', password='pw-one', redirect_uri='https://app/cb')


@pytest.mark.parametrize(
    'change, same',
    [
        ({}, True),
        ({'password': 'pw-two'}, False),  # issue 23: the entry is bound to the password that signed on
        ({'username': 'other'}, False),
        ({'client_secret': 't' * 40}, False),  # the password's hash is keyed by the client credential
    ],
)
def test_sign_on_identity_is_bound_to_the_password(change, same):
    assert (identity(FLOW) == identity(dict(FLOW, **change))) is same


def test_a_password_is_no_part_of_other_grants_entries():
    """An AWX credential injects JWTAUTH_OIDC_PASSWORD into every task: a grant that sends no password keeps its entry."""
    assert identity(BASE) == identity(dict(BASE, username='svc', password='pw-one'))


def test_sign_on_identity_holds_only_a_keyed_hash_of_the_password(monkeypatch):
    named = []
    monkeypatch.setattr(store_provider, 'entry_id', lambda parts: named.append(parts) or 'id')
    identity(FLOW)
    text = json.dumps(named)
    assert 'pw-one' not in text and hashlib.sha256(b'pw-one').hexdigest() not in text
    material = store_provider.store_key_material(options_of(FLOW))
    assert named[0]['password'] == store_files.bind_credential('pw-one', material)


@pytest.mark.parametrize(
    'options, expected',
    [
        (BASE, ('s' * 40 + '\0').encode()),
        (dict(BASE, client_secret=None, private_key='PEM', private_key_passphrase='pw'), b'PEM\0pw'),
        (dict(BASE, auth_method='none'), None),
        (dict(BASE, client_secret=None), None),
    ],
)
def test_credential(options, expected):
    assert store_provider.store_key_material(options_of(options)) == expected


def test_merge_refreshed_keeps_what_the_op_did_not_resend():
    old = {'access_token': 'a1', 'refresh_token': 'r1', 'id_token': 'i1', 'id_token_claims': {'sub': 'u'}}
    new = {'access_token': 'a2', 'refresh_token': None, 'id_token': None, 'id_token_claims': None}
    assert store_provider.merge_refreshed(old, new) == {'access_token': 'a2', 'refresh_token': 'r1', 'id_token': 'i1', 'id_token_claims': {'sub': 'u'}}
    rotated = dict(new, refresh_token='r2')
    assert store_provider.merge_refreshed(old, rotated)['refresh_token'] == 'r2'


class FakeClient:
    """Stands in for TokenClient: records the grants asked for, answers from a script."""

    def __init__(self, script, calls):
        self.script = script
        self.calls = calls

    def __call__(self, options, context):
        self.calls.append(options.grant_type or 'client_credentials')
        return self

    def request_token(self):
        outcome = self.script[self.calls[-1]]
        if isinstance(outcome, Exception):
            raise outcome
        return dict(outcome)


def refresh_refused():
    from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import OAuthError

    return OAuthError('Failed to refresh the token at https://op/token: invalid_grant [HTTP 400]', url='https://op/token', status=400, error='invalid_grant')


FRESH = {'access_token': 'new', 'expires_at': 4_000_000_000}
SCRIPT_OK = {'client_credentials': FRESH, 'refresh_token': dict(FRESH, access_token='refreshed', refresh_token=None)}
SCRIPT_REFUSED = {'client_credentials': FRESH, 'refresh_token': refresh_refused()}
STALE_WITH_RT = {'access_token': 'old', 'refresh_token': 'r1', 'expires_at': 10}
STALE = {'access_token': 'old', 'expires_at': 10}


# stored entry, saved name, script -> grants sent, access token returned (or error text)
GET_TABLE = [
    (None, None, SCRIPT_OK, ['client_credentials'], 'new'),
    (FRESH, None, SCRIPT_OK, [], 'new'),
    (STALE, None, SCRIPT_OK, ['client_credentials'], 'new'),
    (STALE_WITH_RT, None, SCRIPT_OK, ['refresh_token'], 'refreshed'),
    (STALE_WITH_RT, None, SCRIPT_REFUSED, ['refresh_token', 'client_credentials'], 'new'),
    (STALE_WITH_RT, 'login', SCRIPT_OK, ['refresh_token'], 'refreshed'),
    (STALE_WITH_RT, 'login', SCRIPT_REFUSED, ['refresh_token'], "The saved token 'login' expired and cannot be renewed: Failed to refresh"),
    (STALE, 'login', SCRIPT_OK, [], "The saved token 'login' expired and cannot be renewed: it has no refresh token"),
    (None, 'login', SCRIPT_OK, [], "No saved token 'login' for client 'c' at issuer https://op in the token store "),
]


@pytest.mark.parametrize('stored, name, script, grants, expected', GET_TABLE)
def test_get(tmp_path, stored, name, script, grants, expected):
    from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import StoreError

    options = dict(BASE, token_store_path=str(tmp_path / 'store'), expiry_leeway=60)
    calls = []
    provider = provider_for(options, client_factory=FakeClient(script, calls))
    if stored is not None:
        provider.store.save(identity(options, name), provider.credential, stored)
    if expected.startswith(('The ', 'No ')):
        with pytest.raises(StoreError) as caught:
            provider.get(name)
        assert str(caught.value).startswith(expected)
    else:
        assert provider.get(name)['access_token'] == expected
        # What was obtained is stored: the next call is a hit and sends nothing.
        assert provider.get(name)['access_token'] == expected
    assert calls == grants
    if expected == 'refreshed':
        # The OP did not send a new refresh token: the old one is kept (RFC 6749 section 6).
        assert provider.store.load(identity(options, name), provider.credential)['refresh_token'] == 'r1'


# -- the store and its failures ------------------------------------------------------------

from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ResponseError, StoreError  # noqa: E402  pylint: disable=wrong-import-position


def make_provider(tmp_path, script, calls, **options):
    options = dict(BASE, token_store_path=str(tmp_path / 'store'), expiry_leeway=60, **options)
    return provider_for(options, client_factory=FakeClient(script, calls))


def test_saved_token_of_another_op_is_not_returned(tmp_path):
    calls = []
    saver = make_provider(tmp_path, SCRIPT_OK, calls, issuer='https://op-b')
    saver.save('login', FRESH)
    reader = make_provider(tmp_path, SCRIPT_OK, calls, issuer='https://op-a')
    with pytest.raises(StoreError) as caught:
        reader.get('login')
    assert str(caught.value).startswith("No saved token 'login' for client 'c' at issuer https://op-a")
    assert saver.get('login')['access_token'] == 'new' and calls == []


def test_saved_token_another_credential_cannot_decrypt(tmp_path):
    calls = []
    make_provider(tmp_path, SCRIPT_OK, calls).save('login', FRESH)
    with pytest.raises(StoreError) as caught:
        make_provider(tmp_path, SCRIPT_OK, calls, client_secret='t' * 40).get('login')
    message = str(caught.value)
    assert "The saved token 'login' for client 'c' at issuer https://op exists in the token store" in message
    assert 'this client credential cannot decrypt it' in message and 's' * 40 not in message and 't' * 40 not in message


@pytest.mark.parametrize('name', [None, 'login'])
def test_forget(tmp_path, name):
    calls = []
    provider = make_provider(tmp_path, SCRIPT_OK, calls)
    provider.store.save(identity(provider.options, name), provider.credential, FRESH)
    assert provider.get(name, action='forget') is None and provider.removed is True
    assert provider.get(name, action='forget') is None and provider.removed is False
    assert calls == []
    if name is None:
        assert provider.get()['access_token'] == 'new' and calls == ['client_credentials']


@pytest.mark.parametrize(
    'stored, name, grants, expected',
    [
        (FRESH, None, ['client_credentials'], 'new'),
        (dict(FRESH, access_token='old', refresh_token='r1'), 'login', ['refresh_token'], 'refreshed'),
    ],
)
def test_renew_replaces_a_fresh_token(tmp_path, stored, name, grants, expected):
    calls = []
    provider = make_provider(tmp_path, SCRIPT_OK, calls)
    identifier = identity(provider.options, name)
    provider.store.save(identifier, provider.credential, dict(stored, access_token='old'))
    assert provider.get(name, action='renew')['access_token'] == expected
    assert calls == grants
    assert provider.store.load(identifier, provider.credential)['access_token'] == expected
    assert provider.get(name, force=True)['access_token'] == expected and len(calls) == 2  # force is renew


def test_a_leeway_the_token_does_not_outlive_warns_once_and_serves_the_token(tmp_path):
    calls = []
    issued = {'access_token': 'new', 'expires_in': 300, 'expires_at': int(time.time()) + 300}
    options = dict(BASE, token_store_path=str(tmp_path / 'store'), expiry_leeway=600)
    first = provider_for(options, client_factory=FakeClient({'client_credentials': issued}, calls))
    assert first.get()['access_token'] == 'new' and calls == ['client_credentials']
    assert first.context.warnings == [
        "expiry_leeway is 600 s, not less than the 300 s the OP issued the token for client 'c' at issuer https://op for: renewed that early, a "
        'token would be renewed at every use. It is served while more than half its lifetime (150 s) is left. Set expiry_leeway '
        '(JWTAUTH_OIDC_EXPIRY_LEEWAY) below the token lifetime, or make the lifetime longer at the OP'
    ]
    # Another host's worker: served from the store, nothing requested, nothing more to say.
    second = provider_for(options, client_factory=FakeClient({'client_credentials': issued}, calls))
    assert second.get()['access_token'] == 'new' and calls == ['client_credentials'] and second.context.warnings == []


def test_token_without_lifetime_is_kept_for_the_default(tmp_path):
    calls = []
    provider = make_provider(tmp_path, {'client_credentials': {'access_token': 'new', 'expires_at': None}}, calls, default_token_lifetime=300)
    first = provider.get()
    assert first['expires_at'] is not None
    assert provider.get()['access_token'] == 'new' and calls == ['client_credentials']


def test_returned_tokens_carry_no_bookkeeping(tmp_path):
    provider = make_provider(tmp_path, SCRIPT_OK, [])
    assert 'obtained_at' not in provider.get() and 'obtained_at' not in provider.get()


def failing_op():
    return ResponseError(
        'Failed to obtain a client_credentials token at https://op/token: HTTP 500 with a text/html answer', url='https://op/token', status=500
    )


def test_waiters_get_the_failure_at_once(tmp_path):
    """A worker that waited for the lock while the holder's request failed raises that failure without a request of its own."""
    calls = []
    holder = make_provider(tmp_path, {'client_credentials': failing_op()}, calls)
    waiter = make_provider(tmp_path, SCRIPT_OK, calls)
    identifier = identity(holder.options)
    holding = threading.Event()
    failures = []

    def hold_and_fail():
        with holder.store.lock(identifier):
            holding.set()
            time.sleep(0.3)
            try:
                holder._obtain('request', None, None, True, True)  # pylint: disable=protected-access
            except ResponseError as exc:
                holder._record_failure(identifier, exc)  # pylint: disable=protected-access
                failures.append(exc)

    thread = threading.Thread(target=hold_and_fail)
    thread.start()
    holding.wait()
    with pytest.raises(ResponseError) as caught:
        waiter.get()
    thread.join()
    assert failures and calls == ['client_credentials']  # the holder's request only
    message = str(caught.value)
    assert message.startswith('Failed to obtain a client_credentials token at https://op/token: HTTP 500')
    assert 'not sent again' in message and caught.value.status == 500
    # A worker that did not wait (a later task) tries for real.
    assert waiter.get()['access_token'] == 'new' and calls == ['client_credentials', 'client_credentials']


def test_shared_failures_reach_callers_that_did_not_wait(tmp_path):
    """share_failures (the AWX credential plugin): a caller that comes after a failed request, without waiting for it, gets
    the failure for FAILURE_LIFETIME seconds instead of sending the same request; another client credential (a corrected
    secret) cannot read the record and tries at once. Without share_failures such a caller tries for real (above)."""
    calls = []
    with pytest.raises(ResponseError):
        make_provider(tmp_path, {'client_credentials': failing_op()}, calls).get()
    options = dict(BASE, token_store_path=str(tmp_path / 'store'), expiry_leeway=60)
    later = provider_for(options, client_factory=FakeClient(SCRIPT_OK, calls), share_failures=True)
    with pytest.raises(ResponseError) as caught:
        later.get()
    assert calls == ['client_credentials'] and caught.value.status == 500
    assert 'in another process that shares this token store; not sent again for 10 s after a failure' in str(caught.value)
    corrected = provider_for(dict(options, client_secret='u' * 40), client_factory=FakeClient(SCRIPT_OK, calls), share_failures=True)
    assert corrected.get()['access_token'] == 'new' and calls == ['client_credentials', 'client_credentials']


def test_shared_failures_lapse(tmp_path, monkeypatch):
    calls = []
    with pytest.raises(ResponseError):
        make_provider(tmp_path, {'client_credentials': failing_op()}, calls).get()
    options = dict(BASE, token_store_path=str(tmp_path / 'store'), expiry_leeway=60)
    later = provider_for(options, client_factory=FakeClient(SCRIPT_OK, calls), share_failures=True)
    real_time = time.time
    monkeypatch.setattr(time, 'time', lambda: real_time() + store_provider.FAILURE_LIFETIME + 1)
    assert later.get()['access_token'] == 'new' and calls == ['client_credentials', 'client_credentials']


def test_failed_request_is_recorded(tmp_path):
    calls = []
    provider = make_provider(tmp_path, {'client_credentials': failing_op()}, calls)
    with pytest.raises(ResponseError):
        provider.get()
    record = provider.store.recent_failure(identity(provider.options), provider.credential)
    assert record['class'] == 'ResponseError' and record['details'] == {'url': 'https://op/token', 'status': 500}
    assert set(record) == {'class', 'message', 'details', 'failed_at', 'expires_at'}


@pytest.mark.parametrize(
    'record, error_class',
    [
        ({'class': 'OAuthError', 'message': 'm', 'details': {'error': 'invalid_client', 'status': 401}}, 'OAuthError'),
        ({'class': 'object', 'message': 'm'}, 'StoreError'),  # never instantiate anything but the library's errors
        ({'class': 'OSError', 'message': 'm'}, 'StoreError'),
        ({'message': 'm', 'details': {'secret': 'x'}}, 'StoreError'),
    ],
)
def test_replay_failure(record, error_class):
    exc = store_provider.replay_failure(record, now=NOW)
    assert type(exc).__name__ == error_class and str(exc).startswith('m (reported at once')
    assert set(exc.details) <= {'url', 'status', 'error', 'error_description', 'error_uri'}


def test_save_failure_after_a_request_returns_the_token_with_a_warning(tmp_path, monkeypatch):
    calls = []
    provider = make_provider(tmp_path, SCRIPT_OK, calls)

    def full_disk(*args, **kwargs):
        raise StoreError(
            'Cannot create a file in the token store /x (set by token_store_path / JWTAUTH_OIDC_TOKEN_STORE_PATH): No space left on device [ENOSPC]'
        )

    monkeypatch.setattr(provider.store, 'save', full_disk)
    assert provider.get()['access_token'] == 'new'
    assert len(provider.context.warnings) == 1 and 'No space left on device' in provider.context.warnings[0]


class FakeTokenClient:
    """Stands in for the module's TokenClient."""

    def __init__(self, tokens):
        self.tokens = tokens
        self.sent = 0

    def prepare(self):
        return grants.GRANTS['authorization_code'], {}

    def request_token(self):
        self.sent += 1
        return dict(self.tokens)


def module_options(tmp_path, **extra):
    options = dict(
        BASE,
        token_store_path=str(tmp_path / 'store'),
        expiry_leeway=60,
        code='one',
        redirect_uri='https://app/cb',
        default_token_lifetime=300,
        token_store_action='use',
    )
    options.update(extra)
    return options


def test_save_as_checks_the_store_before_the_code_is_spent(tmp_path):
    (tmp_path / 'store').write_text('a file')
    client = FakeTokenClient(FRESH)
    with pytest.raises(StoreError) as caught:
        _tasks.run_token_task(module_options(tmp_path, save_as='login'), TaskContext(), client=client)
    assert client.sent == 0
    assert 'not a directory' in str(caught.value) and 'token_store_path' in str(caught.value)


def test_save_as_that_fails_after_the_grant_returns_the_tokens(tmp_path, monkeypatch):
    client = FakeTokenClient({'access_token': 'new', 'refresh_token': 'r', 'expires_at': None})

    def full_disk(self, *args, **kwargs):
        raise StoreError('Cannot save an entry in the token store: No space left on device [ENOSPC]')

    monkeypatch.setattr(store_files.TokenStore, 'save', full_disk)
    context = TaskContext()
    result = _tasks.run_token_task(module_options(tmp_path, save_as='login'), context, client=client)
    assert result['access_token'] == 'new' and result['refresh_token'] == 'r' and client.sent == 1
    assert result['expires_at'] is not None  # default_token_lifetime
    assert len(context.warnings) == 1 and "not saved as 'login'" in context.warnings[0] and 'ENOSPC' in context.warnings[0]


@pytest.mark.parametrize('check_mode', [False, True])
def test_module_forget(tmp_path, check_mode):
    options = module_options(tmp_path, save_as='login', token_store_action='forget')
    provider = provider_for(options)
    provider.save('login', FRESH)
    client = FakeTokenClient(FRESH)
    result = _tasks.run_token_task(options, TaskContext(), check_mode=check_mode, client=client)
    assert result['changed'] is True and 'access_token' not in result and client.sent == 0
    assert (provider.store.load(identity(options, 'login'), provider.credential) is None) is not check_mode
    if not check_mode:
        assert _tasks.run_token_task(options, TaskContext(), client=client)['changed'] is False


def test_module_renew(tmp_path):
    options = module_options(tmp_path, save_as='login', token_store_action='renew')
    calls = []
    provider = provider_for(options, client_factory=FakeClient(SCRIPT_OK, calls))
    provider.save('login', dict(FRESH, access_token='old', refresh_token='r1'))
    assert _tasks.run_token_task(options, TaskContext(), check_mode=True)['skipped'] is True
    result = _tasks.run_token_task(options, TaskContext(), client_factory=FakeClient(SCRIPT_OK, calls))
    assert result['access_token'] == 'refreshed' and calls == ['refresh_token'] and result['changed'] is False


def test_exchanged_tokens_are_keyed_by_a_hash_of_the_subject():
    exchange = dict(BASE, grant_type='token_exchange', subject_token='subject-token-one', scope=['api:read'])
    first = identity(exchange)
    assert identity(dict(exchange, grant_type='urn:ietf:params:oauth:grant-type:token-exchange')) == first
    # Another subject, audience or resource is another entry; the entry id never holds the token.
    others = [
        dict(exchange, subject_token='subject-token-two'),
        dict(exchange, token_audience=['reports']),
        dict(exchange, resource=['https://api']),
        dict(exchange, requested_token_type='urn:ietf:params:oauth:token-type:jwt'),
    ]
    assert len({first} | {identity(options) for options in others}) == 5
    assert 'subject-token-one' not in first
    # The entries of the other grants keep the ids they had before token exchange existed.
    assert identity(dict(BASE, resource=['https://api'])) == identity(BASE)
