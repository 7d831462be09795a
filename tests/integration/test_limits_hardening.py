# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Waits that honour their limit, and hostile answers or bad inputs that end in a message rather than "Unexpected ...".

Each test points the library, in process, at a misbehaving server of tests/servers/hostile.py. Waits are counted on
an injected clock where the library lets one in (the device flow), else bounded by tiny Retry-After values with a
generous margin (a converge's threads wait on the throttle's own clock).
"""

from __future__ import annotations

import json
import re
import time

import pytest

from servers.hostile import json_answer
from test_resource_hardening import TOKEN, USERS_PATH, bearer_requests, options
from test_transport_hardening import ODD_SECRET, token_answer, validated

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.specs import api_info_module_kwargs
from ansible_collections.jwtauth.oidc.plugins.module_utils._context import TaskContext
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError, IdTokenError, OAuthError, OIDCError, ResponseError
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.client import HttpClient
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.id_token import validate_id_token
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.token_client import TokenClient
from ansible_collections.jwtauth.oidc.plugins.module_utils._tasks import run_info_task, run_resource_task


class FakeClock:
    """A clock whose time moves only by the waits the library asks for; the waits are recorded."""

    def __init__(self):
        self.now = 0.0
        self.waits = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.waits.append(seconds)
        self.now += seconds


def nested(depth):
    return '[' * depth + ']' * depth


# ---------------------------------------------------------------- device polling within device_timeout


def device_server(server, token_handler):
    """A device authorization endpoint that hands out a code to poll for every second, and a token endpoint."""
    authorize = server.route(
        'POST',
        '/device',
        lambda r: json_answer(
            200, {'device_code': 'dc-' + 'd' * 30, 'user_code': 'WDJB-MJHT', 'verification_uri': server.url('/verify'), 'expires_in': 600, 'interval': 1}
        ),
    )
    return authorize, server.route('POST', '/token', token_handler)


def connection_dropped(request):
    raise ConnectionResetError('the server hangs up without an answer')


@pytest.mark.parametrize(
    'handler, last_poll',
    [
        # The case: a 10 s limit ran 91 s (the first poll after 1 s, then three Retry-After waits of 30 s).
        (lambda r: json_answer(429, {'error': 'too_many_requests'}, **{'Retry-After': '30'}), 'was answered HTTP 429, to be sent again after 30 s'),
        # Two waits of 4 s fit (at 5 s and 9 s); the third would end at 13 s.
        (lambda r: json_answer(503, {'error': 'temporarily_unavailable'}, **{'Retry-After': '4'}), 'was answered HTTP 503, to be sent again after 4 s'),
        # Lost answers: backoff between attempts, and the poll interval doubles (RFC 8628 section 3.5).
        (connection_dropped, None),
    ],
    ids=['429', '503', 'transport'],
)
def test_device_polling_ends_by_device_timeout_whatever_the_retries(hostile_server, handler, last_poll):
    authorize, token = device_server(hostile_server, handler)
    clock = FakeClock()
    http = HttpClient(ca_path=hostile_server.ca_path, sleep=clock.sleep)
    http.clock = clock
    client = TokenClient(
        validated(token_endpoint=token, device_authorization_endpoint=authorize, ca_path=hostile_server.ca_path, grant_type='device_code', device_timeout=10),
        http=http,
    )
    client.sleep = clock.sleep
    with pytest.raises(OAuthError) as caught:
        client.request_token()
    message = str(caught.value)
    # Every wait, the poll interval and each retry's, ended within the limit; the message names it.
    assert clock.now <= 10, clock.waits
    assert message.startswith(f'Failed to obtain tokens by the device authorization grant at {token}: ') and 'device_timeout is 10 s' in message
    assert last_poll is None or last_poll in message.rsplit('; the last poll', 1)[-1]
    assert ODD_SECRET not in message and 'dc-ddd' not in message


# ---------------------------------------------------------------- a storm of 429s and a parallel converge


def test_a_429_storm_ends_a_parallel_converge_after_retries_x_retry_after_max(hostile_server):
    """Four writers, every create answered 429 with Retry-After: 1, retries 3 and retry_after_max 1: each request sits out at
    most 3 s of pauses in all. Before, the writers took turns through 16 pauses, one after the other (16 requests, 16 s)."""
    hostile_server.route('GET', USERS_PATH, lambda r: json_answer(200, []))
    hostile_server.route('POST', USERS_PATH, lambda r: json_answer(429, {'code': 'REQUEST_LIMITED', 'message': 'slow down'}, **{'Retry-After': '1'}))
    opts = options(hostile_server, USERS_PATH, items=[{'userName': f'user{n}'} for n in range(4)], parallel=4, retries=3, retry_after_max=1)
    context = TaskContext()
    started = time.monotonic()
    with pytest.raises(OIDCError) as caught:
        run_resource_task(opts, context)
    elapsed = time.monotonic() - started
    said = [str(caught.value)] + context.warnings
    creates = hostile_server.received(USERS_PATH, 'POST')
    # About 3 s of pauses and the requests' own time; the margin is for a loaded machine.
    assert elapsed < 10
    assert len(creates) < 16
    # A writer that lost every race for the one slot left ran out of pauses, not of retries: its failure says so.
    limit = 'past the 3 s a request waits in all (retries 3 x retry_after_max 1 s)'
    assert any(limit in text and re.search(r'it has waited [0-9.]+ s for pauses, and the next would end', text) for text in said), said
    assert all(TOKEN not in text for text in said)


# ---------------------------------------------------------------- answers refused whole


@pytest.mark.parametrize('declared', ['\u00b2', '-5', '9' * 5000, '2, 3'])
def test_a_content_length_that_is_not_a_number_is_refused_naming_the_url(hostile_server, declared):
    """'²'.isdigit() is True and int('²') a ValueError; 5,000 digits are past int()'s limit; RFC 9112 section 6.3 has the
    answer discarded. One request: an answer is not sent for again."""
    url = hostile_server.route('POST', '/token', lambda r: (200, {'Content-Type': 'application/json', 'Content-Length': declared}, b'{}'))
    with pytest.raises(ResponseError) as caught:
        TokenClient(validated(token_endpoint=url, ca_path=hostile_server.ca_path, grant_type='client_credentials')).request_token()
    message = str(caught.value)
    assert message.startswith(f'Failed to obtain a client_credentials token at {url}: the answer ') and message.endswith('; refused')
    assert 'Content-Length' in message and len(message) < 400
    assert len(hostile_server.received('/token')) == 1


def deep_token_answer(request):
    return 200, {'Content-Type': 'application/json'}, '{"access_token": "at", "token_type": "Bearer", "x": ' + nested(50000) + '}'


def test_json_nested_too_deep_is_refused_naming_the_url(hostile_server):
    """Python's json parser recurses once a level and ends in RecursionError: an answer, a page or an error body nested
    deeper than 100 levels is refused with the URL, whatever its status."""
    token = hostile_server.route('POST', '/token', deep_token_answer)
    with pytest.raises(ResponseError) as caught:
        TokenClient(validated(token_endpoint=token, ca_path=hostile_server.ca_path, grant_type='client_credentials')).request_token()
    assert str(caught.value) == f'Failed to obtain a client_credentials token at {token}: the answer is JSON nested more than 100 levels deep; refused'
    # An error answer, and a page of a collection.
    hostile_server.route('POST', '/token', lambda r: (400, {'Content-Type': 'application/json'}, '{"error": ' + nested(50000) + '}'))
    with pytest.raises(ResponseError, match='the answer is JSON nested more than 100 levels deep; refused'):
        TokenClient(validated(token_endpoint=token, ca_path=hostile_server.ca_path, grant_type='client_credentials')).request_token()
    hostile_server.route('GET', USERS_PATH, lambda r: (200, {'Content-Type': 'application/json'}, nested(50000)))
    with pytest.raises(OIDCError) as caught:
        run_resource_task(options(hostile_server, USERS_PATH, items=[{'userName': 'alice'}]), TaskContext())
    assert 'the answer is JSON nested more than 100 levels deep; refused' in str(caught.value) and hostile_server.url(USERS_PATH) in str(caught.value)


def test_an_id_token_nested_too_deep_is_refused():
    """The ID token's payload is base64 inside a string of the answer: PyJWT's json.loads would recurse on it."""

    def segment(text):
        import base64  # pylint: disable=import-outside-toplevel

        return base64.urlsafe_b64encode(text.encode('utf-8')).rstrip(b'=').decode('ascii')

    token = segment('{"alg":"HS256","typ":"JWT"}') + '.' + segment('{"sub":' + nested(50000) + '}') + '.' + segment('sig')
    with pytest.raises(IdTokenError, match='nested more than 100 levels deep'):
        validate_id_token(token, 'https://op.example', 'client', client_secret=ODD_SECRET)


# ---------------------------------------------------------------- requests that can never be sent


def test_a_header_with_a_line_break_is_not_sent_and_not_retried(hostile_server):
    """http_agent with a newline: refused before any byte is sent, at once (no retry, no wait), naming the header and option."""
    url = hostile_server.route('POST', '/token', token_answer)
    waits = []
    http = HttpClient(ca_path=hostile_server.ca_path, http_agent='deploy\r\nX-Injected: 1', sleep=waits.append)
    with pytest.raises(ConfigurationError) as caught:
        TokenClient(validated(token_endpoint=url, ca_path=hostile_server.ca_path), http=http).request_token()
    assert str(caught.value).startswith(f'Failed to obtain a client_credentials token at {url}: the request cannot be sent: its User-Agent header')
    assert 'check http_agent' in str(caught.value)
    assert waits == [] and hostile_server.requests == []


def test_a_bearer_token_with_a_line_break_is_named_never_shown(hostile_server):
    token = 'bearer-with-a-newline\n' + 'x' * 20
    opts = dict(options(hostile_server, USERS_PATH, items=[{'userName': 'alice'}], retries=3), bearer_token=token)
    with pytest.raises(ConfigurationError) as caught:
        run_resource_task(opts, TaskContext())
    message = str(caught.value)
    assert 'its Authorization header holds a line break' in message and 'check bearer_token' in message
    assert 'bearer-with-a-newline' not in message and 'bearer-with-a-newline' not in json.dumps(caught.value.details)
    assert hostile_server.requests == []


@pytest.mark.parametrize(
    'url, words',
    [
        ('https://exa mple.com/token', "Refusing https://exa mple.com/token (the token_endpoint option): its host 'exa mple.com' is not a host name"),
        ('https://127.0.0.1:99999/token', "Refusing https://127.0.0.1:99999/token (the token_endpoint option): its port '99999' is not a number"),
        ('https://[::zz]/token', 'https://[::zz]/token (the token_endpoint option) is not a valid URL'),
        ('https://a..b.example/token', "the request cannot be sent: Failed to parse: 'a..b.example', label empty or too long"),
    ],
)
def test_a_url_that_cannot_be_reached_fails_at_once_naming_the_option(url, words):
    waits = []
    http = HttpClient(sleep=waits.append)
    with pytest.raises(ConfigurationError) as caught:
        TokenClient(validated(token_endpoint=url), http=http).request_token()
    assert words in str(caught.value) and waits == []


def test_the_url_of_api_resource_and_api_info_is_checked_before_the_token_request(hostile_server):
    url = 'https://api.example:65536/v2/Users'
    with pytest.raises(ConfigurationError, match=r"^Refusing https://api.example:65536/v2/Users \(the url option\): its port '65536'"):
        run_resource_task(dict(options(hostile_server, USERS_PATH, items=[{'userName': 'a'}]), url=url), TaskContext())
    info = ArgumentSpecValidator(**api_info_module_kwargs()).validate({'url': url, 'bearer_token': TOKEN}).validated_parameters
    with pytest.raises(ConfigurationError, match=r'\(the url option\)'):
        run_info_task(info, TaskContext())


# ---------------------------------------------------------------- options that cannot be sent as they are


def test_a_nested_extra_params_value_is_refused_before_any_request(hostile_server):
    url = hostile_server.route('POST', '/token', token_answer)
    with pytest.raises(ConfigurationError, match='^extra_params claims is a dict: a form field takes text'):
        TokenClient(validated(token_endpoint=url, ca_path=hostile_server.ca_path, extra_params={'claims': {'id_token': {'acr': None}}})).request_token()
    assert hostile_server.requests == []
    # A list of texts is the field repeated (RFC 8707 section 2).
    client = TokenClient(validated(token_endpoint=url, ca_path=hostile_server.ca_path, extra_params={'resource': ['https://a.example', 'https://b.example']}))
    assert client.request_token()['access_token'].startswith('hostile-access-')
    assert b'resource=https%3A%2F%2Fa.example&resource=https%3A%2F%2Fb.example' in hostile_server.requests[0].body


def user_page(request):
    return json_answer(200, [{'id': '1', 'userName': 'alice', 'count': 3}])


@pytest.mark.parametrize(
    'task, args, words, requests_sent',
    [
        # Expressions that do not parse: refused before any request, each naming its option.
        ('resource', {'select_query': 'type =='}, "select_query 'type ==' is not a valid JMESPath expression", 0),
        ('resource', {'key': None, 'key_query': "join(',' "}, 'key_query "join(\',\' " is not a valid JMESPath expression', 0),
        ('resource', {'items_path': 'data['}, "items_path 'data[' is not a valid JMESPath expression", 0),
        ('resource', {'select_query': '(' * 5000 + 'a' + ')' * 5000}, 'select_query is not a usable JMESPath expression: it is nested too deep', 0),
        ('info', {'select_query': 'type =='}, "select_query 'type ==' is not a valid JMESPath expression", 0),
        ('info', {'query': '[0'}, "query '[0' is not a valid JMESPath expression", 0),
        # Expressions that fail on what the server holds: a type error at search time, after the read.
        ('resource', {'select_query': 'length(count)'}, "select_query 'length(count)' cannot be applied: In function length(), invalid type", 1),
        ('resource', {'key': None, 'key_query': "join(',', userName)"}, 'key_query "join(\',\', userName)" cannot be applied: In function join()', 1),
        ('info', {'select_query': 'length(count)'}, "select_query 'length(count)' cannot be applied", 1),
        ('info', {'query': '[0].length(count)'}, "query '[0].length(count)' cannot be applied", 1),
    ],
)
def test_jmespath_errors_name_the_option_end_to_end(hostile_server, task, args, words, requests_sent):
    hostile_server.route('GET', USERS_PATH, user_page)
    if task == 'resource':
        opts = dict(options(hostile_server, USERS_PATH, items=[{'userName': 'alice'}]), **args)
        run = run_resource_task
    else:
        base = {'url': hostile_server.url(USERS_PATH), 'bearer_token': TOKEN, 'ca_path': hostile_server.ca_path, 'list': True}
        opts = ArgumentSpecValidator(**api_info_module_kwargs()).validate(dict(base, **args)).validated_parameters
        run = run_info_task
    with pytest.raises(ConfigurationError) as caught:
        run(opts, TaskContext())
    assert str(caught.value).startswith(words.split(' is not')[0].split(' cannot')[0]) and words in str(caught.value)
    assert len(bearer_requests(hostile_server)) == requests_sent
