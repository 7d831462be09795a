# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The PingOne contract table (tests/servers/pingone_api/contract.py) itself, and the test server against it: each row
well formed, every operation routed to a handler and every handler an operation of the table, the read-only fields of
each operation sorted into those no request may carry and those it may carry unchanged, and the message the conftest
check gives. No server runs here.
"""

from __future__ import annotations

import re

import pytest

from pingone_contract_check import describe
from servers.pingone_api import api, conformance, contract, errors

METHODS = ('GET', 'POST', 'PUT', 'PATCH', 'DELETE')
SEGMENT = re.compile(r'^(?:[a-z][A-Za-z]*|\{[a-z][A-Za-z]*ID\})$')
NAME = re.compile(r'^[a-z][A-Za-z]*$')
FIELD = re.compile(r'^_?[a-z][A-Za-z]*(?:\.[a-z][A-Za-z]*)*$')
SOURCE = re.compile(r'^openapi:[\w/.-]+\.ya?ml@[0-9a-f]{40}$')


@pytest.mark.parametrize('op', contract.OPERATIONS, ids=lambda op: op.operation_id)
def test_each_row_is_well_formed(op):
    """operationId, method, path template, query names, read-only fields, list key, content types and source of a row."""
    assert NAME.match(op.operation_id) and op.method in METHODS
    assert op.path.startswith('/') and not op.path.endswith('/')
    assert all(SEGMENT.match(segment) for segment in op.path[1:].split('/')), op.path
    assert len(set(contract.PARAMETER.findall(op.path))) == len(contract.PARAMETER.findall(op.path)), 'a parameter named twice'
    assert all(NAME.match(name) for name in op.query) and len(set(op.query)) == len(op.query)
    assert all(FIELD.match(name) for name in op.read_only + op.immutable)
    assert SOURCE.match(op.confirmed_by) and isinstance(op.line, int) and op.line > 0
    # A list answers an EntityArray under a list key; an operation with a body declares its model and media types.
    assert (op.list_key is not None) == (op.response_model == 'EntityArray')
    has_body = op.method in ('POST', 'PUT', 'PATCH')
    assert (op.request_model is not None) == has_body == bool(op.content_types) == (op.closed is not None)
    assert op.closed in (None, False), 'no model of the contract forbids unknown properties'
    assert not has_body or op.request_model in contract.MODEL_READ_ONLY
    assert op.method != 'GET' or not op.read_only


def test_operations_are_unique_and_route_to_themselves():
    """No two rows share an operationId or a method and path; a concrete path made from a row's template routes to it."""
    assert len(contract.OPERATIONS_BY_ID) == len(contract.OPERATIONS) == 155
    assert len({(op.method, op.path) for op in contract.OPERATIONS}) == len(contract.OPERATIONS)
    for op in contract.OPERATIONS:
        concrete = contract.PARAMETER.sub(lambda m: 'id-of-' + m.group(1), op.path)
        assert contract.match(op.method, concrete) is op, op.operation_id
        assert contract.match(op.method, concrete + '/') is op
        params = dict(next(p for o, p in contract.operations_at(concrete) if o is op))
        assert params == {name: 'id-of-' + name for name in contract.PARAMETER.findall(op.path)}
    assert contract.match('GET', '/groups/a/b/c') is None and contract.match('PATCH', '/groups/a') is None


def test_every_operation_has_a_handler_and_every_handler_an_operation():
    """The server serves the table's operations and no other (api.HANDLERS, keyed by operationId)."""
    assert set(api.HANDLERS) == set(contract.OPERATIONS_BY_ID)
    for operation_id, (handler, _target) in api.HANDLERS.items():
        assert callable(getattr(api.API, handler, None)), (operation_id, handler)
    assert set(contract.LIMIT_BOUNDS) <= {op.operation_id for op in contract.OPERATIONS if 'limit' in op.query}


def test_error_models_name_the_codes_the_server_answers():
    """Each status the contract types is answered with its model's code (errors.STATUS_CODES)."""
    for error in contract.ERRORS:
        if error.codes:
            assert errors.STATUS_CODES[error.status] in error.codes, error.status
    assert errors.unauthorized('Bearer').details[0]['code'] in contract.ERRORS_BY_STATUS[401].detail_codes
    limited = errors.rate_limited()
    assert limited.details[0]['code'] in contract.ERRORS_BY_STATUS[429].detail_codes and 'retryAfter' in limited.details[0]['innerError']
    assert limited.headers['Retry-After'] == '1'


@pytest.mark.parametrize(
    'operation_id, refused, held_only',
    [
        # readOnly in the model: never part of a request. The rest: part of the model, the held value tolerated.
        ('updateUserPut', {'enabled', 'emailVerified', 'id', '_links', 'createdAt', 'identityProvider.type'}, {'mfaEnabled', 'population', 'lifecycle'}),
        ('updateUserPatch', {'enabled', 'emailVerified'}, {'mfaEnabled', 'lifecycle', 'account', 'verifyStatus'}),
        ('createUser', {'enabled', 'emailVerified', 'lifecycle.status', 'id'}, set()),
        ('updateGroup', {'displayName', 'directMemberCounts', 'createdAt'}, {'population'}),
        ('updateApplication', {'clientSecret', 'createdAt'}, {'type', 'protocol', 'clientId'}),
        ('updateApplicationGrant', {'application', 'id'}, {'resource'}),
        ('updateResourceScope', {'resource', 'id'}, set()),
        ('updateResource', {'clientSecret', 'resource'}, {'clientId'}),
        ('updateApplicationSecret', {'secret', 'previous.secret', 'previous.lastUsed'}, set()),
        ('addUserToGroup', {'name', 'environment'}, set()),
    ],
)
def test_read_only_fields_are_sorted_per_field(operation_id, refused, held_only):
    op = contract.OPERATIONS_BY_ID[operation_id]
    assert refused <= set(conformance.model_read_only(op))
    assert held_only <= set(conformance.held_only(op))
    assert not set(conformance.model_read_only(op)) & set(conformance.held_only(op))


def test_a_user_import_may_set_what_only_an_import_sets():
    create = contract.OPERATIONS_BY_ID['createUser']
    assert 'emailVerified' not in conformance.model_read_only(create, contract.USER_IMPORT)
    assert 'lifecycle.status' not in conformance.model_read_only(create, contract.USER_IMPORT)
    assert {'emailVerified', 'lifecycle.status'} <= set(conformance.model_read_only(create, 'application/json'))


def test_read_only_violations_against_what_the_server_holds():
    """A read-only field is refused whatever its value; a held-only field only with another value than the one held."""
    put = contract.OPERATIONS_BY_ID['updateUserPut']
    held = {'id': 'u1', 'population': {'id': 'p1'}, 'mfaEnabled': False, 'identityProvider': {'type': 'PING_ONE'}}
    assert conformance.read_only_violations(put, {'username': 'a', 'population': {'id': 'p1'}, 'mfaEnabled': False}, held) == []
    found = conformance.read_only_violations(put, {'username': 'a', 'id': 'u1', 'population': {'id': 'p2'}, 'identityProvider': {'type': 'PING_ONE'}}, held)
    assert [(v.kind, v.name) for v in found] == [
        (conformance.READ_ONLY, 'id'),
        (conformance.READ_ONLY, 'identityProvider.type'),
        (conformance.READ_ONLY, 'population'),
    ]


def test_query_violations():
    """Undeclared names, a limit out of its declared bounds, and a cursor of this server's own next link allowed anywhere."""
    apps, users = contract.OPERATIONS_BY_ID['readAllApplications'], contract.OPERATIONS_BY_ID['readAllUsers']

    def never(_op, _text):
        return False

    def always(_op, _text):
        return True

    assert [(v.kind, v.name) for v in conformance.query_violations(apps, {'limit': ['10']}, never)] == [(conformance.QUERY, 'limit')]
    assert conformance.query_violations(apps, {'cursor': ['x']}, always) == []
    assert [v.name for v in conformance.query_violations(apps, {'cursor': ['x']}, never)] == ['cursor']
    assert conformance.query_violations(users, {'limit': ['1000'], 'filter': ['x']}, never) == []
    assert [(v.kind, v.name) for v in conformance.query_violations(users, {'limit': ['1001']}, never)] == [(conformance.QUERY_RANGE, 'limit')]


def test_the_check_names_operation_violation_and_sender():
    found = [
        {
            'operationId': 'readAllResources',
            'method': 'GET',
            'kind': 'undeclared query parameter',
            'name': 'limit',
            'message': 'm',
            'agent': 'ansible-jwtauth.oidc',
        },
        {
            'operationId': 'readAllResources',
            'method': 'GET',
            'kind': 'undeclared query parameter',
            'name': 'limit',
            'message': 'm',
            'agent': 'ansible-jwtauth.oidc',
        },
        {'operationId': 'updateApplication', 'method': 'PUT', 'kind': 'read-only field', 'name': 'id', 'message': 'm', 'agent': 'python-requests/2.32'},
    ]
    text = describe(found)
    assert text.startswith("PingOne's contract was broken by 3 request(s)")
    assert '- readAllResources (GET) undeclared query parameter limit: m, sent by the collection (x2)' in text
    assert '- updateApplication (PUT) read-only field id: m, sent by the test itself (python-requests/2.32)' in text


def _library_kind(path):
    """The library's contract (plugins/module_utils/_pingone/contract.py) for an operation's collection path."""
    from ansible_collections.jwtauth.oidc.plugins.module_utils._pingone import contract as library  # pylint: disable=import-outside-toplevel

    return library.kind_of('https://api.pingone.eu/v1/environments/e1' + contract.PARAMETER.sub('x1', path))


def _collection_of(op):
    """The collection path of an operation on one object (``/users/{userID}`` -> ``/users``), or the path of a list or create."""
    return op.path if op.method == 'POST' or op.list_key else op.path.rsplit('/', 1)[0]


LIBRARY_ROWS = [op for op in contract.OPERATIONS if op.list_key or (op.request_model and _library_kind(_collection_of(op)).name != 'object')]


@pytest.mark.parametrize('op', LIBRARY_ROWS, ids=lambda op: op.operation_id)
def test_the_library_contract_agrees_with_the_table(op):
    """The client's own summary of the contract says what this table says: it pages (sends limit) exactly where the list
    declares limit; it never sends a field the request model makes read-only; and of the fields an update cannot set or
    change, each is either left out of updates or kept as held and its change refused."""
    kind = _library_kind(_collection_of(op))
    if op.list_key:
        assert kind.paged == ('limit' in op.query), kind
        return
    model_read_only = set(contract.MODEL_READ_ONLY.get(op.request_model, ()))
    assert model_read_only <= set(kind.read_only), sorted(model_read_only - set(kind.read_only))
    if op.method in ('PUT', 'PATCH'):
        held = set(kind.read_only) | set(kind.update_read_only) | set(kind.immutable) | (set(kind.put_immutable) if op.method == 'PUT' else set())
        assert set(op.read_only) | set(op.immutable) <= held, sorted((set(op.read_only) | set(op.immutable)) - held)
        assert set(op.immutable) <= set(kind.immutable) | set(kind.put_immutable)
