# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The one edge, in process: the action plugins and the lookup loaded through Ansible's plugin loaders.

Fake use cases stand in for the library where a test is about the edge itself
(masking, warnings on failure, details, partial results); the real ones run where
they need no network (check mode, option errors).
"""

from __future__ import annotations

import base64
import contextlib
import json
import sys
from types import SimpleNamespace
from urllib.parse import quote_plus

import pytest
from ansible.errors import AnsibleLookupError
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core before 2.19: the module reads its arguments from basic._ANSIBLE_ARGS
    from ansible.module_utils import basic

    @contextlib.contextmanager
    def patch_module_args(args):
        saved = basic._ANSIBLE_ARGS
        basic._ANSIBLE_ARGS = json.dumps({'ANSIBLE_MODULE_ARGS': args}).encode()
        try:
            yield
        finally:
            basic._ANSIBLE_ARGS = saved


from ansible.plugins.loader import action_loader, lookup_loader

from ansible_collections.jwtauth.oidc.plugins.module_utils import _masking, _options
from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec import build, checks, sources, specs
from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.build import options_of
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError, OAuthError, StoreError
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ResourceError
from ansible_collections.jwtauth.oidc.plugins.modules import api_resource as api_resource_module
from ansible_collections.jwtauth.oidc.plugins.modules import token as token_module
from ansible_collections.jwtauth.oidc.plugins.plugin_utils import _edge

SECRET = 'unit+test/secret=' + 'q' * 48
BASE = {'token_endpoint': 'https://op.example.test/as/token', 'client_id': 'c1', 'client_secret': SECRET}
RESOURCE = {'url': 'https://api.example.test/v1/things', 'bearer_token': 'static-bearer-' + 'b' * 30, 'key': 'name', 'items': [{'name': 'one'}]}


def action(name, args, check_mode=False, diff=False):
    """The action plugin ``name`` as a play would load it, for a task with ``args``."""
    task = SimpleNamespace(args=args, async_val=0, check_mode=check_mode, diff=diff, action=name, no_log=False)
    connection = SimpleNamespace(_shell=SimpleNamespace(tmpdir='/nonexistent'))
    return action_loader.get(name, task=task, connection=connection, play_context=None, loader=None, templar=None, shared_loader_obj=None)


def module_of(plugin):
    return sys.modules[type(plugin).__module__]


def run_token(args, check_mode=False, use_case=None, monkeypatch=None):
    plugin = action('jwtauth.oidc.token', args, check_mode=check_mode)
    if use_case is not None:
        monkeypatch.setattr(module_of(plugin), 'run_token_task', use_case)
    return plugin.run(task_vars={})


def shown(result):
    return json.dumps(result, default=str)


def test_check_mode_skips_code_redemption_without_network():
    result = run_token(dict(BASE, code='one-time-code', redirect_uri='https://app/cb'), check_mode=True)
    assert result['skipped'] is True and result['changed'] is False
    assert 'authorization_code grant spends a single-use value' in result['msg']
    assert SECRET not in shown(result) and 'one-time-code' not in shown(result)


@pytest.mark.parametrize(
    'args, message',
    [
        ({'client_id': 'c1', 'client_secret': SECRET}, 'one of the following is required: token_endpoint, issuer, environment_id, auth_base_url'),
        (dict(BASE, client_secret=None), 'auth_method is client_secret_jwt but all of the following are missing: client_secret'),
        (dict(BASE, grant_type='refresh_token'), 'missing: refresh_token'),
        (dict(BASE, region='MARS'), "region must be one of NA, CA, EU, AU, SG, AP (in any case), got 'MARS'"),
        # the PingOne options are checked before any request, with the value to use.
        (dict(BASE, region='us'), "region 'us' is not a PingOne region name; use NA"),
        (dict(BASE, environment_id='my-env'), 'environment_id must be a PingOne environment ID, a UUID such as'),
        (
            dict(BASE, auth_base_url='https://auth.pingone.eu/5f2b1ac4-7e0d-4c43-9c4e-0b6f4a3d2e1f/as'),
            'auth_base_url https://auth.pingone.eu/5f2b1ac4-7e0d-4c43-9c4e-0b6f4a3d2e1f/as is an issuer or endpoint URL',
        ),
        (dict(BASE, timeout=0), 'timeout must be between 1 and 3600 seconds, got 0'),
    ],
)
def test_argument_errors(args, message):
    result = run_token({key: value for key, value in args.items() if value is not None})
    assert result['failed'] is True and message in result['msg']
    assert SECRET not in shown(result)


def test_library_errors_keep_their_details_and_warnings(monkeypatch):
    def failing(options, context, check_mode=False):
        exc = OAuthError(
            f'Failed to obtain a token at {options.token_endpoint}: invalid_client [HTTP 401]',
            url=options.token_endpoint,
            status=401,
            error='invalid_client',
        )
        context.warn('client_secret is shorter than the 64 bytes RFC 7518 section 3.2 requires for HS512')
        raise exc

    result = run_token(BASE, use_case=failing, monkeypatch=monkeypatch)
    assert result['failed'] is True and result['status'] == 401 and result['error'] == 'invalid_client'
    assert result['url'] == BASE['token_endpoint']
    assert 'shorter than the 64 bytes' in shown(result['warnings'])


@pytest.mark.parametrize('exc', [OSError(28, 'No space left on device'), RuntimeError('boom'), KeyError('access_token')])
def test_any_exception_is_a_failed_result_not_a_traceback(monkeypatch, exc):
    def failing(options, context, check_mode=False):
        raise exc

    result = run_token(BASE, use_case=failing, monkeypatch=monkeypatch)
    assert result['failed'] is True
    assert result['msg'].startswith(f'Unexpected {type(exc).__name__}: ')
    assert 'Traceback' not in shown(result)


def test_failures_are_masked_in_every_encoding_minted_values_included(monkeypatch):
    assertion = 'eyJhbGciOiJIUzI1NiJ9.eyJqdGkiOiJ1bml0In0.' + 's' * 43
    basic = base64.b64encode(f'c1:{quote_plus(SECRET)}'.encode()).decode()

    def echoing(options, context, check_mode=False):
        context.remember(assertion, basic)
        raise RuntimeError(f'OP said: client_secret={quote_plus(SECRET)}&client_assertion={assertion} Authorization: Basic {basic} raw {SECRET}')

    result = run_token(BASE, use_case=echoing, monkeypatch=monkeypatch)
    for leaked in (SECRET, quote_plus(SECRET), assertion, basic):
        assert leaked not in shown(result)
    assert '********' in result['msg']


def test_unrotated_refresh_token_is_returned_unmasked(monkeypatch):
    """Ansible masks returned values equal to no_log inputs; the edge lets returned tokens through on purpose."""
    refresh = 'unrotated-refresh-token-value'

    def refreshing(options, context, check_mode=False):
        return {'access_token': 'at-value', 'refresh_token': options.refresh_token, 'changed': False}

    result = run_token(dict(BASE, refresh_token=refresh), use_case=refreshing, monkeypatch=monkeypatch)
    assert result['refresh_token'] == refresh
    # A result with tokens is never displayed, and the echoed arguments stay masked.
    assert result['_ansible_no_log'] is True
    assert refresh not in shown(result['invocation']) and SECRET not in shown(result['invocation'])


def test_short_hmac_secret_is_a_warning_on_a_skipped_result():
    args = dict(BASE, client_secret='short-secret', signing_alg='HS512', code='Xy7-one-time-code', redirect_uri='https://app/cb')
    result = run_token(args, check_mode=True)
    assert result['skipped'] is True
    assert 'shorter than the 64 bytes RFC 7518 section 3.2 requires for HS512' in shown(result['warnings'])
    assert 'short-secret' not in shown(result)


def test_api_resource_failure_keeps_what_was_done(monkeypatch):
    plugin = action('jwtauth.oidc.api_resource', RESOURCE)

    def half_done(options, context, check_mode=False, diff=False):
        raise ResourceError(
            f'Failed to create things {"two"!r} at {options.url}: HTTP 500',
            url=options.url,
            status=500,
            done={'created': ['one'], 'updated': [], 'deleted': [], 'unchanged': [], 'ids': {'one': '1'}},
        )

    monkeypatch.setattr(module_of(plugin), 'run_resource_task', half_done)
    result = plugin.run(task_vars={})
    assert result['failed'] is True and result['created'] == ['one'] and result['status'] == 500
    assert RESOURCE['bearer_token'] not in shown(result)


def test_the_lookup_uses_the_same_edge(monkeypatch):
    lookup = lookup_loader.get('jwtauth.oidc.token')
    seen = []

    def fake(terms, options, context):
        seen.append(options)
        raise StoreError(f'The token store {"/s"} is a symlink; refused (token_store_path) {SECRET}')

    monkeypatch.setattr(module_of(lookup), 'lookup_tokens', fake)
    with pytest.raises(AnsibleLookupError) as caught:
        lookup.run([], variables={}, **BASE)
    assert str(caught.value).startswith('jwtauth.oidc.token: The token store /s is a symlink; refused (token_store_path)')
    assert SECRET not in str(caught.value)
    # Frozen options with every default, as the action plugins get them.
    assert isinstance(seen[0], _options.Options) and seen[0].timeout == 30 and seen[0].region == 'NA'


def test_the_lookup_refuses_out_of_range_options():
    with pytest.raises(AnsibleLookupError, match='expiry_leeway must be between 0 and 86400 seconds, got -5'):
        lookup_loader.get('jwtauth.oidc.token').run([], variables={}, expiry_leeway=-5, **BASE)


def test_options_are_frozen_and_never_show_their_values():
    options = options_of(BASE)
    with pytest.raises(AttributeError, match='frozen'):
        options.timeout = 5
    with pytest.raises(AttributeError, match="no option 'timeot'"):
        getattr(options, 'timeot')
    assert SECRET not in repr(options)
    assert options.replace(timeout=5).timeout == 5 and options.timeout == 30


def test_edge_run_with_a_configuration_error():
    def failing(options, context, check_mode, diff):
        raise ConfigurationError('signing_alg RS256 cannot be used with client_secret_jwt')

    result = _edge.run(specs.token_module_kwargs(), dict(BASE), failing)
    assert result == {'failed': True, 'msg': 'signing_alg RS256 cannot be used with client_secret_jwt'}


@pytest.mark.parametrize('module, name', [(token_module, 'token'), (api_resource_module, 'api_resource')])
def test_module_files_say_they_run_as_action_plugins(capsys, module, name):
    args = BASE if name == 'token' else RESOURCE
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            module.main()
    result = json.loads(capsys.readouterr().out)
    assert result['failed'] is True
    assert result['msg'].startswith(f'jwtauth.oidc.{name} runs on the controller as an action plugin')


def test_no_option_is_shadowed_by_a_method_of_options():
    """api_resource's ``items`` once read Mapping.items: every option name must reach its value."""
    values = {name: 'value of ' + name for name in specs.every_option_spec()}
    options = options_of(values)
    # Options spelled several ways come out canonical (region in upper case), and no other changes.
    expected = {name: build.CANONICAL.get(name, str)(value) for name, value in values.items()}
    assert expected['region'] == 'VALUE OF REGION'
    assert {name: getattr(options, name) for name in values} == expected
    assert dict(options) == expected


# a long items list is checked without ArgumentSpecValidator's deep copy, echoed as a summary, and masked
# at a cost that grows with the secrets and the output, not with the items.
PASSWORD = 'initial-Passw0rd+for/user=' + 'p' * 12
LATE_PASSWORD = 'another-Passw0rd+late/user=' + 'l' * 12


def users(count, passwords=None):
    """``count`` SCIM users; ``passwords`` maps an index to that user's write-only password."""
    made = [
        {
            'userName': f'user{number:05d}',
            'active': True,
            'name': {'givenName': f'G{number}'},
            'emails': [{'value': f'user{number}@example.test', 'primary': True}],
        }
        for number in range(count)
    ]
    for number, password in (passwords or {}).items():
        made[number]['password'] = password
    return made


def resource_args(items, **more):
    return dict(RESOURCE, items=items, key='userName', write_only_keys=['password'], **more)


def run_resource(args, use_case, monkeypatch):
    plugin = action('jwtauth.oidc.api_resource', args)
    monkeypatch.setattr(module_of(plugin), 'run_resource_task', use_case)
    return plugin.run(task_vars={})


def unchanged(options, context, check_mode=False, diff=False):
    """A no-change converge of whatever the task asked for."""
    keys = [item['userName'] for item in options.items or [options.item]]
    return {
        'changed': False,
        'created': [],
        'updated': [],
        'deleted': [],
        'unchanged': keys,
        'ids': {key: 'id-' + key for key in keys},
        'msg': f'Users: unchanged {len(keys)}',
    }


def leaked(result, *secrets):
    """The forms of the secrets (raw, URL-encoded, Base64, see _masking) that show anywhere in the result."""
    text = shown(result)
    return sorted(form for secret in secrets for form in _masking.forms(secret) if form in text)


def masked_users(items):
    return [dict(item, password='VALUE_SPECIFIED_IN_NO_LOG_PARAMETER') if 'password' in item else item for item in items]


@pytest.mark.parametrize(
    'count, echoed',
    [
        (1, masked_users),
        (_edge.ECHOED_ITEMS, masked_users),
        (_edge.ECHOED_ITEMS + 1, lambda items: {'count': _edge.ECHOED_ITEMS + 1, 'first': masked_users(items[: _edge.ECHOED_ITEMS])}),
        (10000, lambda items: {'count': 10000, 'first': masked_users(items[: _edge.ECHOED_ITEMS])}),
    ],
)
def test_invocation_echoes_a_short_items_list_and_summarises_a_long_one(monkeypatch, count, echoed):
    items = users(count, {0: PASSWORD, count // 2: LATE_PASSWORD})
    seen = []

    def converge(options, context, check_mode=False, diff=False):
        seen.append(options.items)
        return unchanged(options, context)

    result = run_resource(resource_args(items), converge, monkeypatch)
    module_args = result['invocation']['module_args']
    assert module_args['items'] == echoed(items)
    assert module_args['bearer_token'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER' and module_args['key'] == 'userName'
    # The library gets every item as given, and the result what the library returned.
    assert seen == [items] and len(result['unchanged']) == count
    assert leaked(result, PASSWORD, LATE_PASSWORD, RESOURCE['bearer_token']) == []


def test_a_single_item_is_echoed_whole_as_before(monkeypatch):
    item = {'userName': 'alice', 'password': PASSWORD, 'emails': [{'value': 'alice@example.test'}]}
    args = dict(RESOURCE, item=item, key='userName', write_only_keys=['password'])
    del args['items']
    result = run_resource(args, unchanged, monkeypatch)
    assert result['invocation']['module_args']['item'] == dict(item, password='VALUE_SPECIFIED_IN_NO_LOG_PARAMETER')
    assert result['invocation']['module_args']['items'] is None and result['unchanged'] == ['alice']
    assert leaked(result, PASSWORD) == []


def echo_in_warning(text):
    def converge(options, context, check_mode=False, diff=False):
        context.warn('The server said: ' + text)
        return unchanged(options, context)

    return converge


def echo_in_failure(text):
    def converge(options, context, check_mode=False, diff=False):
        raise ResourceError(
            'Failed to update user05000: ' + text,
            url=options.url,
            status=400,
            done={'created': [text], 'updated': ['user00001'], 'deleted': [], 'unchanged': [], 'ids': {'x': text}},
        )

    return converge


def echo_in_bug(text):
    def converge(options, context, check_mode=False, diff=False):
        raise RuntimeError(text)

    return converge


@pytest.mark.parametrize('converge', [echo_in_warning, echo_in_failure, echo_in_bug])
def test_write_only_values_of_any_item_are_masked_in_every_encoding(monkeypatch, converge):
    items = users(10000, {0: PASSWORD, 5000: LATE_PASSWORD})
    echoed = ' '.join(sorted(_masking.forms(PASSWORD) | _masking.forms(LATE_PASSWORD)))
    result = run_resource(resource_args(items), converge(echoed), monkeypatch)
    assert leaked(result, PASSWORD, LATE_PASSWORD) == []
    assert '********' in shown(result)


def test_a_failed_result_keeps_what_was_done_masked(monkeypatch):
    result = run_resource(resource_args(users(20, {5: PASSWORD})), echo_in_failure(PASSWORD), monkeypatch)
    assert result['failed'] is True and result['status'] == 400
    assert result['created'] == ['VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'] and result['updated'] == ['user00001']
    assert result['ids'] == {'x': 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'}


def validator_errors(args):
    """What ansible-core's validator says of the whole arguments, the items list included."""
    validation = ArgumentSpecValidator(**specs.api_resource_module_kwargs()).validate(args)
    return checks.validate(validation, specs.api_resource_argument_spec())


@pytest.mark.parametrize(
    'args',
    [
        resource_args(users(12) + ['not-a-dict']),
        resource_args([42] + users(3)),
        resource_args('user00001'),
        resource_args(7),
        resource_args(users(12), item={'userName': 'alice'}),
        resource_args(users(12), timeout=0),
        resource_args(users(12), state='gone'),
    ],
)
def test_argument_errors_with_items_are_ansible_cores_own(monkeypatch, args):
    expected = validator_errors(args)
    result = run_resource(args, unchanged, monkeypatch)
    assert expected and result == {'failed': True, 'msg': '; '.join(expected)}


@pytest.mark.parametrize(
    'args, environ',
    [
        (resource_args(users(50)), {}),
        (resource_args(users(50), timeout='45', prune='yes'), {}),
        (
            dict(resource_args(users(50)), bearer_token=None, client_id='c1', client_secret=SECRET, issuer='https://op.example.test'),
            {'JWTAUTH_OIDC_TIMEOUT': '12', 'JWTAUTH_OIDC_ENVIRONMENT_ID': '5f2b1ac4-7e0d-4c43-9c4e-0b6f4a3d2e1f'},
        ),
    ],
)
def test_items_set_aside_give_the_options_the_validator_gives(monkeypatch, args, environ):
    """Defaults, conversions, environment fallbacks and task_settings_win as ansible-core's validator does them all."""
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    args = {name: value for name, value in args.items() if value is not None}
    seen = []

    def converge(options, context, check_mode=False, diff=False):
        seen.append(dict(options))
        return unchanged(options, context)

    run_resource(args, converge, monkeypatch)
    kwargs = specs.api_resource_module_kwargs()
    kwargs['argument_spec'] = sources.task_settings_win(kwargs['argument_spec'], args)
    expected = options_of(ArgumentSpecValidator(**kwargs).validate(args).validated_parameters)
    assert seen == [dict(expected)]


def test_what_is_shown_is_masked_then_made_one_line(monkeypatch):
    """A progress line, a warning and a failure message that carry a server's escape sequences and line breaks, and a secret
    with a line break in it: masked first (so the secret is still found), then one line each."""
    secret = 'line\nbroken-secret-value'
    lines = []

    def use_case(options, context, check_mode=False, diff=False):
        context.progress(f'\x1b[2Jshown {secret}\r\nok: [localhost]')
        context.warn(f'warned \x1b[31m{secret}\x1b[0m\r\nok: [localhost]')
        raise OAuthError(f'Failed: {secret}\r\nok: [localhost] \x9b2J', url=BASE['token_endpoint'])

    result = _edge.run(specs.token_module_kwargs(), dict(BASE, client_secret=secret), use_case, progress=lines.append)
    assert lines == ['shown ******** ok: [localhost]']
    assert result['warnings'] == ['warned ******** ok: [localhost]']
    assert result['msg'] == 'Failed: ******** ok: [localhost]'


def test_invocation_summarises_each_long_list_of_a_document():
    """pingone_environment's document: 10,000 users are echoed as their count and the first few, the short lists whole."""
    document = {'users': [{'username': f'u{i}'} for i in range(10000)], 'groups': [{'name': 'g'}], 'note': 'kept'}
    module_args = _edge.echoed({'document': document, 'api_url': 'https://x'})
    assert module_args['document']['users'] == {'count': 10000, 'first': document['users'][: _edge.ECHOED_ITEMS]}
    assert module_args['document']['groups'] == [{'name': 'g'}] and module_args['document']['note'] == 'kept'
    assert document['users'][0] == {'username': 'u0'} and len(document['users']) == 10000  # the given document is left as it was


@pytest.mark.parametrize(
    'document',
    [
        {'users': users(50), 'groups': [{'name': 'staff'}]},
        {},
        '{"users": [{"username": "alice"}]}',  # a string: the validator's own conversion
    ],
)
def test_a_document_set_aside_gives_the_options_the_validator_gives(document):
    args = {'bearer_token': 'not-a-real-token', 'api_url': 'https://api.example.test/v1/environments/e1', 'document': document}
    seen = []

    def use_case(options, context, check_mode=False, diff=False):
        seen.append(dict(options))
        return {'changed': False}

    result = _edge.run(specs.pingone_environment_module_kwargs(), args, use_case)
    expected = options_of(ArgumentSpecValidator(**specs.pingone_environment_module_kwargs()).validate(args).validated_parameters)
    assert not result.get('failed') and seen == [dict(expected)]
    if isinstance(document, dict):
        assert seen[0]['document'] is document  # given on, not copied


def test_a_document_that_is_no_dict_gets_ansible_cores_own_error():
    args = {'bearer_token': 'not-a-real-token', 'api_url': 'https://api.example.test/v1/environments/e1', 'document': ['users']}
    expected = ArgumentSpecValidator(**specs.pingone_environment_module_kwargs()).validate(args).error_messages
    result = _edge.run(specs.pingone_environment_module_kwargs(), args, lambda *_args, **_kwargs: {'changed': False})
    assert expected and result['failed'] and result['msg'] == '; '.join(expected)


IDP_SECRET = 'idp-Client+secret/never=' + 's' * 12


@pytest.mark.parametrize('providers', [1, _edge.ECHOED_ITEMS + 2])
def test_a_documents_secret_fields_are_masked_where_its_items_are_echoed(providers):
    """An identity provider's clientSecret (the type table's secrets), the first of a short list or of a long one: the
    echoed arguments show the item, never the secret, in any encoding; an echo of it in a warning is masked too."""
    document = {
        'identity_providers': [{'name': f'idp{number}', 'type': 'OPENID_CONNECT', 'clientSecret': IDP_SECRET} for number in range(providers)],
        'users': users(3),
    }
    args = {'bearer_token': 'not-a-real-token', 'api_url': 'https://api.example.test/v1/environments/e1', 'document': document}

    def use_case(options, context, check_mode=False, diff=False):
        context.warn('the server echoed ' + ' '.join(sorted(_masking.forms(IDP_SECRET))))
        return {'changed': False}

    result = _edge.run(specs.pingone_environment_module_kwargs(), args, use_case)
    echoed = result['invocation']['module_args']['document']['identity_providers']
    first = echoed[0] if providers == 1 else echoed['first'][0]
    assert first == {'name': 'idp0', 'type': 'OPENID_CONNECT', 'clientSecret': 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'}
    assert leaked(result, IDP_SECRET) == []
    assert document['identity_providers'][0]['clientSecret'] == IDP_SECRET  # the document sent is left as it was


def test_a_document_and_a_document_file_exclude_each_other():
    args = {'bearer_token': 'not-a-real-token', 'document': {'users': []}, 'document_file': 'env.yml'}
    result = _edge.run(specs.pingone_environment_module_kwargs(), args, lambda *_args, **_kwargs: {'changed': False})
    assert result['failed'] and 'mutually exclusive: document|document_file' in result['msg'], result['msg']
