# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Whether a request keeps to the contract table (contract.py), and the record of those that do not.

A violation is what PingOne's contract does not let a client send: a route or method the table does not have, a query
parameter the operation does not declare (or a ``limit`` outside its declared bounds), a body of a content type the
operation does not declare, a read-only field in a body, or a field the operation cannot set sent with another value
than the one the server holds. The server answers each with PingOne's error (api.py) and writes one JSON line per
violation to the violations file: operationId, method, path, kind, the parameter or field name and the sender's
User-Agent, never a value. harness.PingOneAPI.violations() reads it; tests/integration/conftest.py fails a test
whose requests made one.

Read-only fields, decided per field from the request model (contract.MODEL_READ_ONLY and the read_only and immutable
columns):

- a field the model marks ``readOnly`` is not part of any request (OpenAPI 3.0.3, Schema Object: "it SHOULD NOT be
  sent as part of the request"): it is refused whatever its value, so a client that echoes a server-owned field
  (``id``, ``_links``, ``createdAt``, user ``enabled``, ``emailVerified``, ``identityProvider.type``, a grant's
  ``application``, a scope's ``resource``...) fails; the one exception is ``emailVerified`` in a user import ("The value
  of this property can be set on user import", SDK line 8199), and ``lifecycle.status`` is refused in any other user
  create ("only allowed to be set when importing a user", SDK 798);
- a field the model has but the operation cannot set (user ``mfaEnabled``, ``population`` and ``lifecycle`` in a PUT or
  PATCH, ``clientId`` and ``assignActorRoles`` after create) or cannot change after create (group ``population``,
  application ``type`` and ``protocol``, a grant's ``resource``, a user's ``identityProvider.id``) is part of the request
  body: sent with the value the server holds it is tolerated (an application PUT must carry ``type`` and ``protocol``,
  Application.required, SDK 1152-1156; a grant PUT its ``resource``, 1712-1714), sent with another it is refused.
  UNCONFIRMED for assignActorRoles, which PingOne says it ignores in a PUT (SDK 1333), for ``lifecycle`` beyond
  ``lifecycle.status`` (SDK 798), and for a user's ``account`` and ``verifyStatus``, which endpoints of their own change
  (KEPT_BY_OTHER_ENDPOINTS).

Fields the server produces beyond a model (a group's ``createdAt`` and ``updatedAt``) are refused as readOnly ones are
(PRODUCED_BEYOND_CONTRACT). Unknown fields are kept, never refused: no model of the contract is closed.
"""

import json
import threading
from collections import namedtuple

from . import contract

Violation = namedtuple('Violation', ['operation_id', 'kind', 'name', 'message'])

UNKNOWN_ROUTE = 'unknown route'
METHOD = 'method not in the contract'
QUERY = 'undeclared query parameter'
QUERY_RANGE = 'query parameter out of its declared range'
CONTENT_TYPE = 'undeclared content type'
READ_ONLY = 'read-only field'

# Fields this server puts in its answers that a model of the contract does not list, refused in a request as readOnly
# ones are (UNCONFIRMED: PingOne's answers show them, the Group model has no createdAt or updatedAt, SDK 3915-3977).
PRODUCED_BEYOND_CONTRACT = {'Group': ('createdAt', 'updatedAt')}
# What a user import may set although the User model marks it readOnly: emailVerified (SDK 8199).
IMPORT_SETTABLE = ('emailVerified',)
# What only a user import may set: lifecycle.status "is only allowed to be set when importing a user" (SDK 798).
IMPORT_ONLY = ('lifecycle.status',)
# User fields that endpoints of their own change, held like the fields an update cannot set (UNCONFIRMED that the user's
# PUT and PATCH refuse another value: the stricter reading): account, locked and unlocked with POST /users/{userID} and the
# account content types (EnumUserAccountContentTypeHeader, SDK 799-801); verifyStatus, PUT /users/{userID}/verifyStatus
# (SDK 29109).
KEPT_BY_OTHER_ENDPOINTS = {'updateUserPut': ('account', 'verifyStatus'), 'updateUserPatch': ('account', 'verifyStatus')}
NO_VALUE = object()


def field(body, dotted):
    """The value of a dotted field in a JSON object, or NO_VALUE when it is absent."""
    value = body
    for part in dotted.split('.'):
        if not isinstance(value, dict) or part not in value:
            return NO_VALUE
        value = value[part]
    return value


def model_read_only(op, content_type=None):
    """The fields of an operation's request model that no request may carry."""
    names = contract.MODEL_READ_ONLY.get(op.request_model, ()) + PRODUCED_BEYOND_CONTRACT.get(op.request_model, ())
    if op.operation_id == 'createUser':
        importing = content_type == contract.USER_IMPORT
        names = tuple(name for name in names if not (importing and name in IMPORT_SETTABLE)) + (() if importing else IMPORT_ONLY)
    return names


def held_only(op):
    """The fields of an operation's request model that it may carry only with the value the server holds."""
    strict = set(contract.MODEL_READ_ONLY.get(op.request_model, ()))
    return tuple(name for name in op.read_only if name not in strict) + tuple(op.immutable) + KEPT_BY_OTHER_ENDPOINTS.get(op.operation_id, ())


def route_violation(op_candidates, method):
    """The violation of a method and path the table has no operation for, or None."""
    if not op_candidates:
        return Violation(None, UNKNOWN_ROUTE, None, 'no operation of the contract has this path')
    if not any(op.method == method for op in op_candidates):
        allowed = ', '.join('%s (%s)' % (op.method, op.operation_id) for op in op_candidates)
        return Violation(None, METHOD, method, 'the contract has %s on this path, not %s' % (allowed, method))
    return None


def query_violations(op, query, own_cursor):
    """Violations of the query parameters of a request: undeclared names, a limit outside its declared bounds.

    ``cursor`` is allowed on every list whatever it declares when it is a cursor of this server: it comes from the
    ``_links.next.href`` this server gave, and Ping's SDK pager follows that link for every EntityArray list
    (api_utils_pagination_ext.go:26-30). How PingOne writes the next link of a list that declares no cursor: UNCONFIRMED.
    """
    found = []
    for name, values in query.items():
        if name in op.query or (name == 'cursor' and op.list_key and own_cursor(op, values[0])):
            continue
        found.append(Violation(op.operation_id, QUERY, name, '%s declares no query parameter %s' % (op.operation_id, name)))
    bounds = contract.LIMIT_BOUNDS.get(op.operation_id)
    limit = (query.get('limit') or [None])[0]
    if bounds and limit is not None and limit.isdigit() and not bounds[0] <= int(limit) <= bounds[1]:
        found.append(Violation(op.operation_id, QUERY_RANGE, 'limit', 'limit must be %d to %d' % bounds))
    return found


def content_type_violation(op, content_type):
    """The violation of a body's content type (its media type, without parameters), or None."""
    if op.content_types and content_type not in op.content_types:
        return Violation(op.operation_id, CONTENT_TYPE, content_type or '(none)', '%s takes %s' % (op.operation_id, ', '.join(op.content_types)))
    return None


def read_only_violations(op, body, held=None, content_type=None):
    """Violations of a request body's read-only fields, against the object the server holds (None for a create)."""
    found = []
    for name in model_read_only(op, content_type):
        if field(body, name) is not NO_VALUE:
            found.append(Violation(op.operation_id, READ_ONLY, name, '%s is read-only in %s and is not part of a request' % (name, op.request_model)))
    for name in held_only(op):
        sent = field(body, name)
        if sent is not NO_VALUE and (held is None or sent != field(held, name)):
            found.append(Violation(op.operation_id, READ_ONLY, name, '%s cannot be set or changed by %s' % (name, op.operation_id)))
    return found


class Recorder(object):
    """The violations file: one JSON line per violation, emptied by a reset."""

    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()
        if path:
            open(path, 'a').close()

    def record(self, violation, method, path, agent):
        if not self.path:
            return
        line = {
            'operationId': violation.operation_id,
            'method': method,
            'path': path,
            'kind': violation.kind,
            'name': violation.name,
            'message': violation.message,
            'agent': (agent or '').split(' ')[0][:80],
        }
        with self.lock:
            with open(self.path, 'a') as f:
                f.write(json.dumps(line) + '\n')

    def clear(self):
        if self.path:
            with self.lock:
                open(self.path, 'w').close()
