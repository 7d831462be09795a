# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The PingOne test server's API: routing by the contract table, authorization, faults, and the handlers of the
populations, groups, users, applications, resources, scopes and grants collections.

A request goes: its operation in the contract table (contract.py; none: 404, recorded as a violation; the path but not
the method: 405, recorded) -> the contract's query parameters and content type (conformance.py; recorded, answered
after authorization) -> bearer token (401 ACCESS_FAILED, 403 ACCESS_FAILED) -> armed faults (faults.py) -> the
environment (403 ACCESS_FAILED when unknown) -> its handler (HANDLERS, by operationId), which refuses read-only fields
against the object it holds. Memberships and nesting, a user's population and enabled state, and the application
secret have handlers of their own (memberships.py, user_attributes.py, application_secret.py).
"""

import copy
import json
import secrets
import time
from collections import namedtuple
from urllib.parse import parse_qs, urlsplit

from . import catalog, conformance, contract
from .application_secret import ApplicationSecretHandlers
from .errors import (
    bad_request,
    forbidden,
    injected,
    invalid,
    method_not_allowed,
    not_found,
    unauthorized,
    unavailable,
    unknown_environment,
    unsupported_media_type,
)
from .faults import Faults
from .limits import Licence
from .memberships import MembershipHandlers
from .models import COLLECTIONS, Catalogued
from .op_clients import OPClients, client_metadata
from .paging import Cursors, Pager
from .store import Store
from .times import now_iso
from .user_attributes import UserAttributeHandlers

ENV_PREFIX = '/v1/environments/'
WRITE_METHODS = ('POST', 'PUT', 'PATCH', 'DELETE')
READ_SCOPES = {'api:read', 'api:write'}
WRITE_SCOPE = 'api:write'

# Each operation of the contract table and the handler that serves it, with the collection (or owner) it works on.
HANDLERS = {
    'readAllPopulations': ('list_objects', 'populations'),
    'createPopulation': ('create_object', 'populations'),
    'readOnePopulation': ('read_object', 'populations'),
    'updatePopulation': ('replace_object', 'populations'),
    'deletePopulation': ('delete_object', 'populations'),
    'readAllGroups': ('list_objects', 'groups'),
    'createGroup': ('create_object', 'groups'),
    'readOneGroup': ('read_object', 'groups'),
    'updateGroup': ('replace_object', 'groups'),
    'deleteGroup': ('delete_object', 'groups'),
    'readGroupNesting': ('list_memberships', 'groups'),
    'createGroupNesting': ('add_membership', 'groups'),
    'readOneGroupNesting': ('read_membership', 'groups'),
    'deleteGroupNesting': ('remove_membership', 'groups'),
    'readAllUsers': ('list_objects', 'users'),
    'createUser': ('create_object', 'users'),
    'readUser': ('read_object', 'users'),
    'updateUserPut': ('replace_object', 'users'),
    'updateUserPatch': ('patch_object', 'users'),
    'deleteUser': ('delete_object', 'users'),
    'readAllGroupMembershipsForUser': ('list_memberships', 'users'),
    'addUserToGroup': ('add_membership', 'users'),
    'readOneGroupMembershipForUser': ('read_membership', 'users'),
    'removeUserFromGroup': ('remove_membership', 'users'),
    'readUserPopulation': ('read_user_attribute', 'population'),
    'updateUserPopulation': ('update_user_attribute', 'population'),
    'readUserEnabled': ('read_user_attribute', 'enabled'),
    'updateUserEnabled': ('update_user_attribute', 'enabled'),
    'readAllResources': ('list_objects', 'resources'),
    'createResource': ('create_object', 'resources'),
    'readOneResource': ('read_object', 'resources'),
    'updateResource': ('replace_object', 'resources'),
    'deleteResource': ('delete_object', 'resources'),
    'readAllResourceScopes': ('list_objects', 'scopes'),
    'createResourceScope': ('create_object', 'scopes'),
    'readOneResourceScope': ('read_object', 'scopes'),
    'updateResourceScope': ('replace_object', 'scopes'),
    'deleteResourceScope': ('delete_object', 'scopes'),
    'readAllApplications': ('list_objects', 'applications'),
    'createApplication': ('create_object', 'applications'),
    'readOneApplication': ('read_object', 'applications'),
    'updateApplication': ('replace_object', 'applications'),
    'deleteApplication': ('delete_object', 'applications'),
    'readApplicationSecret': ('read_secret', 'applications'),
    'updateApplicationSecret': ('rotate_secret', 'applications'),
    'deletePreviousApplicationSecret': ('delete_previous_secret', 'applications'),
    'readAllApplicationGrants': ('list_objects', 'grants'),
    'createApplicationGrant': ('create_object', 'grants'),
    'readOneApplicationGrant': ('read_object', 'grants'),
    'updateApplicationGrant': ('replace_object', 'grants'),
    'deleteApplicationGrant': ('delete_object', 'grants'),
}
# The types beyond the first ten (contract_types.py, catalog.py): the same handlers, on collections of the catalog.
HANDLERS.update(catalog.HANDLERS)

# One request, routed: its operation, environment, path parameters, path (no query, no trailing slash), the media type of
# its body, the collection (or owner, or attribute) its handler works on, and its User-Agent (for the violations file).
Route = namedtuple('Route', ['op', 'env', 'params', 'path', 'content_type', 'target', 'agent'])
# Include values of the single reads: readOneGroup (SDK 17084-17088, example totalMemberCounts) and readUser
# (EnumUserRequestInclude [memberOfGroupIDs, memberOfGroupNames]).
INCLUDES = {'readOneGroup': ('totalMemberCounts',), 'readUser': ('memberOfGroupIDs', 'memberOfGroupNames')}


def encoded(status, headers, body):
    """An answer with its body encoded as JSON (bytes; None stays None): made while the store's lock is held, since the
    body shares the stored objects' nested values (API.present) and writes change stored objects in place."""
    return status, headers, None if body is None else json.dumps(body).encode()


def media_type(headers):
    return (headers.get('Content-Type') or '').split(';')[0].strip().lower()


def set_field(obj, dotted, value):
    """Set a dotted field, making the objects on the way."""
    parts = dotted.split('.')
    for part in parts[:-1]:
        obj = obj.setdefault(part, {})
    obj[parts[-1]] = value


class API(MembershipHandlers, UserAttributeHandlers, ApplicationSecretHandlers):
    """Routing, auth, faults and handlers over a Store."""

    def __init__(self, config, introspector, unavailable_error):
        self.config = config
        self.store = Store(config['environments'])
        self.introspector = introspector
        self.unavailable_error = unavailable_error
        self.op_clients = OPClients(config)
        self.recorder = conformance.Recorder(config.get('violations_path'))
        self.cursors = Cursors()
        self.base_url = None
        self.faults = Faults({'fail_first': config.get('fail_first')})
        self.pager = Pager(self.cursors, self.href)
        self.licence = None  # a licence's rate limit (limits.py), armed by a reset
        self.latency = 0.0
        self.unique = {}  # (env, collection) -> unique_key -> ids (unique_index)

    def reset(self, settings):
        """Empty the store (the OP clients of its applications included), the violations and the introspection cache;
        arm the faults of ``settings``."""
        with self.store.lock:
            self.op_clients.delete_all()
        self.store.reset()
        self.introspector.clear()
        self.recorder.clear()
        self.cursors = Cursors()
        self.faults = Faults(dict(settings, fail_first=settings.get('fail_first') or self.config.get('fail_first')))
        self.pager = Pager(self.cursors, self.href, self.faults.page_cap)
        self.limit(settings)
        self.unique = {}

    def limit(self, settings):
        """Arm the licence's rate limit and the latency of ``settings`` (none: no limit, no latency), the store kept: a
        benchmark fills the store at full speed, then times a run under the limit."""
        self.licence = Licence(settings['rate_limit']) if settings.get('rate_limit') else None
        self.latency = float(settings.get('latency_ms') or 0) / 1000.0

    # -- auth (RFC 6750 bearer tokens, checked by RFC 7662 introspection at the test OP) --

    def authorize(self, method, path, headers):
        scheme, _sep, token = (headers.get('Authorization') or '').partition(' ')
        token = token.strip()
        if scheme.lower() != 'bearer' or not token:
            raise unauthorized('Bearer realm="PingOne"')
        try:
            info = self.introspector.introspect(token)
        except self.unavailable_error:
            raise unavailable() from None
        exp = info.get('exp')
        if not info.get('active') or (isinstance(exp, (int, float)) and exp <= time.time()):
            raise unauthorized('Bearer realm="PingOne", error="invalid_token"')
        scopes = set((info.get('scope') or '').split())
        needs_write = method in WRITE_METHODS or path.rstrip('/').endswith('/secret')
        if (needs_write and WRITE_SCOPE not in scopes) or (not needs_write and not scopes & READ_SCOPES):
            raise forbidden(path)

    # -- dispatch --

    def handle(self, method, target, headers, raw_body):
        """(status, headers, body dict or None) for one request."""
        parts = urlsplit(target)
        path, query = parts.path.rstrip('/') or '/', parse_qs(parts.query, keep_blank_values=True)
        route, shape = self.route(method, path, query, headers)
        self.authorize(method, path, headers)
        status = self.faults.take_status(method, path)
        if status is not None:
            raise injected(status)
        if route.env not in self.store.environments:
            raise unknown_environment(path)
        if shape:
            raise self.refusal(shape)
        body = self.parse_body(route, raw_body)
        if self.faults.lags(route.op, route.params):
            raise not_found()  # a new parent's sub-collection, not there yet (faults.py)
        name, _target = HANDLERS[route.op.operation_id]
        with self.store.lock:
            if method == 'GET':
                return encoded(*getattr(self, name)(route, query, body))
            # What the store derived (Store.derived: what a filter chose, each user's groups) may change: made again
            # after the write, even if the handler looked something up while writing.
            self.store.revision += 1
            try:
                return encoded(*getattr(self, name)(route, query, body))
            finally:
                self.store.revision += 1

    def route(self, method, path, query, headers):
        """The Route of a request and the violations of its shape (query, content type), each recorded; a path or method
        the contract does not have is recorded and answered at once (404, 405)."""
        env, sep, rest = path[len(ENV_PREFIX) :].partition('/') if path.startswith(ENV_PREFIX) else ('', '', '')
        candidates = contract.operations_at('/' + rest) if env and sep else []
        agent = headers.get('User-Agent')
        wrong = conformance.route_violation([op for op, _params in candidates], method)
        if wrong is not None:
            self.recorder.record(wrong, method, path, agent)
            if not candidates:
                raise not_found()  # before authorization, as an unknown route (UNCONFIRMED)
            raise method_not_allowed(sorted(op.method for op, _params in candidates))
        op, params = next((op, params) for op, params in candidates if op.method == method)
        content_type = media_type(headers) if op.content_types else None
        shape = conformance.query_violations(op, query, self.cursors.owns)
        wrong_type = conformance.content_type_violation(op, content_type)
        shape = ([wrong_type] if wrong_type else []) + shape
        for violation in shape:
            self.recorder.record(violation, method, path, agent)
        return Route(op, env, params, path, content_type, HANDLERS[op.operation_id][1], agent), shape

    def refusal(self, violations):
        """PingOne's answer to a request that breaks the contract: 415 for its content type, else 400 naming each
        undeclared parameter (INVALID_REQUEST / INVALID_PARAMETER, UNCONFIRMED: the stricter reading of "declares no query
        parameter") or read-only field (INVALID_DATA / INVALID_VALUE)."""
        first = violations[0]
        if first.kind == conformance.CONTENT_TYPE:
            return unsupported_media_type(first.name, first.message.rsplit(' takes ', 1)[-1].split(', '))
        if first.kind == conformance.READ_ONLY:
            return invalid(*[('INVALID_VALUE', v.name, v.message) for v in violations])
        problems = []
        for v in violations:
            if v.kind == conformance.QUERY_RANGE:
                low, high = contract.LIMIT_BOUNDS[v.operation_id]
                problems.append(('OUT_OF_RANGE', v.name, v.message, {'rangeMinimumValue': low, 'rangeMaximumValue': high}))
            else:
                problems.append(('INVALID_PARAMETER', v.name, v.message))
        return bad_request(*problems)

    def refuse_read_only(self, route, body, held=None):
        """Record and refuse the read-only fields of a body (conformance.read_only_violations)."""
        found = conformance.read_only_violations(route.op, body, held, route.content_type)
        for violation in found:
            self.recorder.record(violation, route.op.method, route.path, route.agent)
        if found:
            raise self.refusal(found)

    def parse_body(self, route, raw_body):
        if not route.op.content_types:
            return None
        try:
            body = json.loads(raw_body or b'null')
        except ValueError:
            raise bad_request(('INVALID_VALUE', 'body', 'The request body is not valid JSON')) from None
        if not isinstance(body, dict):
            raise invalid(('INVALID_VALUE', 'body', 'The request body must be a JSON object'))
        return body

    # -- helpers --

    def href(self, path):
        return self.base_url + path

    def env_path(self, route):
        return ENV_PREFIX + route.env

    def collection_path(self, route):
        """The path of the list an operation's object belongs to."""
        return route.path.rsplit('/', 1)[0] if route.op.path.endswith('}') else route.path

    def present(self, route, entry, counts=None):
        """An object as the API answers it: a copy with its _links.self (and a group's member counts)."""
        # A shallow copy: the answer is encoded while the store's lock is held (API.handle), so the objects inside it
        # need no copy of their own (a pickled deep copy of 200 users was 40% of the time this server took for a page).
        obj = dict(entry['obj'])
        obj['_links'] = {'self': {'href': self.href('%s/%s' % (self.collection_path(route), obj['id']))}}
        if route.target == 'groups':
            counts = self.store.direct_user_counts(route.env) if counts is None else counts
            obj['directMemberCounts'] = {'users': counts.get(obj['id'], 0)}  # Group.directMemberCounts (SDK 3960-3967)
        return obj

    def entries(self, route):
        """(Collection, the entries of its list: those of the parent the path names, parent id or None). A missing
        parent is a 404."""
        collection = COLLECTIONS[route.target]
        entries = self.store.items(route.env, route.target)
        parent_id = None
        if collection.parent:
            parent_name, parent_param, _key = collection.parent
            parent_id = route.params[parent_param]
            if parent_id not in self.store.items(route.env, parent_name):
                raise not_found()
        return collection, entries, parent_id

    def find(self, route):
        collection, entries, parent_id = self.entries(route)
        entry = entries.get(route.params[collection.id_param])
        if entry is None or (parent_id is not None and entry['obj'][collection.parent[2]]['id'] != parent_id):
            raise not_found()
        return collection, entry

    def check_unique(self, collection, env, obj, skip_id=None):
        want = collection.unique_key(obj)
        if want is None:
            return
        items = self.store.items(env, collection.name)
        for other_id in list(self.unique_index(env, collection).get(want, ())):
            other = (items.get(other_id) or {}).get('obj')
            # The index may name an object deleted or changed since it was indexed: checked against the store.
            if other is None or collection.unique_key(other) != want:
                continue
            if other['id'] != skip_id and collection.collides(obj, other):
                # UNIQUENESS_VIOLATION under INVALID_DATA, as Ping's Terraform provider documents it
                # (docs/guides/admin-role-management.md: Code INVALID_DATA, Details Code UNIQUENESS_VIOLATION).
                name = collection.unique or ', '.join(collection.entry.unique)
                raise invalid(('UNIQUENESS_VIOLATION', name, 'A resource with the specified %s already exists.' % name))

    def unique_index(self, env, collection):
        """The ids of a collection's objects by their unique field, lowercased, built at first use since the last reset
        and kept as objects are created, replaced and patched (deleted ones are skipped by check_unique): a scan of
        every user at every create made creating 10,000 users quadratic (bench/rate_budget.py)."""
        key = (env, collection.name)
        if key not in self.unique:
            self.unique[key] = {}
            for entry in self.store.items(env, collection.name).values():
                self.indexed(env, collection, entry['obj'])
        return self.unique[key]

    def indexed(self, env, collection, obj):
        """Put an object created or changed into its collection's unique index, if that index was built."""
        index = self.unique.get((env, collection.name))
        key = collection.unique_key(obj)
        if index is not None and key is not None:
            index.setdefault(key, set()).add(obj['id'])

    def carry(self, route, held, obj):
        """What a replace keeps of the object the server holds: every field the request may not set, when the body
        leaves it out (PUT replaces the rest)."""
        for name in conformance.model_read_only(route.op) + conformance.held_only(route.op):
            value = conformance.field(held, name)
            if value is not conformance.NO_VALUE and conformance.field(obj, name) is conformance.NO_VALUE:
                set_field(obj, name, copy.deepcopy(value))
        obj.pop('_links', None)
        return obj

    def with_parent(self, collection, route, body):
        obj = copy.deepcopy(body)
        if collection.parent:
            _name, param, key = collection.parent
            obj[key] = {'id': route.params[param]}
        return obj

    # -- the collections (GET list, POST create, GET one, PUT, PATCH, DELETE) --

    def list_objects(self, route, query, body):
        collection, entries, parent_id = self.entries(route)
        counts = self.store.direct_user_counts(route.env) if route.target == 'groups' else None
        seqs, ids = self.store.ordered(route.env, route.target, collection.parent[2] if collection.parent else None, parent_id)
        filters = collection.filters if 'filter' in route.op.query else None
        page = self.pager.page(
            route.op,
            route.path,
            query,
            (seqs, ids, lambda obj_id: entries[obj_id]['obj']),
            filters,
            lambda member_id: self.groups_of(route.env, member_id),
            lambda obj_id, _expand: self.present(route, entries[obj_id], counts),
            self.store.derived,
        )
        return 200, {}, page

    def create_object(self, route, query, body):
        collection, _entries, _parent_id = self.entries(route)
        env, importing = route.env, route.content_type == contract.USER_IMPORT
        self.refuse_read_only(route, body)
        obj = self.with_parent(collection, route, body)
        problems = collection.validate(obj, self.store, env, None, importing)
        if problems:
            raise invalid(*problems)
        obj = collection.produce(obj, self.store, env, None, importing)
        self.check_unique(collection, env, obj)
        obj_id, client_secret = None, None
        metadata = client_metadata(obj) if collection.name == 'applications' and self.op_clients.enabled_for(env, obj) else None
        if metadata is not None:
            # The application is a client of the environment's authorization server: the OP's client_id is its id.
            obj_id, client_secret = self.op_clients.register(metadata)
        obj = self.store.add(env, collection.name, obj, obj_id)
        self.indexed(env, collection, obj)
        if collection.name == 'populations' and obj.get('default'):
            self.clear_default(env, keep=obj['id'])
        if collection.name == 'applications':
            # "The application's secret attribute value has a minimum length of 64 characters" (prose Read Application
            # Secret page); every OIDC application gets one here (UNCONFIRMED for NONE and PRIVATE_KEY_JWT): the OP's client
            # secret for a registered client that has one (86 characters), else one of this server's own.
            self.store.secrets[obj['id']] = {'secret': client_secret or secrets.token_urlsafe(64)[:86], 'previous': None}
        if collection.name == 'users':
            self.counted(env, obj)
        self.faults.created(collection.name, obj['id'])
        entry = self.store.items(env, collection.name)[obj['id']]
        answer = self.present(route, entry)
        return 201, {'Location': answer['_links']['self']['href']}, answer

    def read_object(self, route, query, body):
        _collection, entry = self.find(route)
        if self.faults.first_read(entry['obj']['id']):
            raise not_found()
        answer = self.present(route, entry)
        answer.update(self.included(route, query, entry['obj']))
        return 200, {}, answer

    def included(self, route, query, obj):
        """The fields an ``include`` asks for (INCLUDES; several, comma-separated: UNCONFIRMED)."""
        asked = [name for value in query.get('include', []) for name in value.split(',') if name]
        extra = {}
        for name in asked:
            if name not in INCLUDES.get(route.op.operation_id, ()):
                raise invalid(('INVALID_VALUE', 'include', 'include must be one of %s' % ', '.join(INCLUDES[route.op.operation_id])))
            if name == 'totalMemberCounts':
                extra[name] = {'users': self.total_members(route.env, obj['id'])}
            else:
                groups = self.store.items(route.env, 'groups')
                ids = self.groups_of(route.env, obj['id'])
                extra[name] = ids if name == 'memberOfGroupIDs' else [groups[g]['obj']['name'] for g in ids]
        return extra

    def replace_object(self, route, query, body):
        collection, entry = self.find(route)
        env, held = route.env, entry['obj']
        self.refuse_read_only(route, body, held)
        obj = self.with_parent(collection, route, body)
        problems = collection.validate(obj, self.store, env, existing=held)
        if problems:
            raise invalid(*problems)
        obj = collection.produce(self.carry(route, held, obj), self.store, env, held=held)
        self.check_unique(collection, env, obj, skip_id=held['id'])
        if collection.name == 'applications' and held['id'] in self.op_clients.registered:
            self.update_client(held['id'], obj)
        obj['updatedAt'] = now_iso()
        entry['obj'] = obj
        self.indexed(env, collection, obj)
        if collection.name == 'populations' and obj.get('default'):
            self.clear_default(env, keep=held['id'])
        return 200, {}, self.present(route, entry)

    def patch_object(self, route, query, body):
        # updateUserPatch (SDK 28684): the body's attributes are merged into the user; others keep their values.
        collection, entry = self.find(route)
        env, held = route.env, entry['obj']
        self.refuse_read_only(route, body, held)
        merged = dict(copy.deepcopy(held), **copy.deepcopy(body))
        problems = collection.validate(merged, self.store, env, existing=held)
        if problems:
            raise invalid(*problems)
        self.check_unique(collection, env, merged, skip_id=held['id'])
        merged['updatedAt'] = now_iso()
        entry['obj'] = merged
        self.indexed(env, collection, merged)
        return 200, {}, self.present(route, entry)

    def delete_object(self, route, query, body):
        collection, entry = self.find(route)
        env, obj_id = route.env, entry['obj']['id']
        if obj_id in self.store.built_in:
            # A built-in resource or one of its predefined scopes: refused (UNCONFIRMED: the stricter reading).
            raise invalid(('CONSTRAINT_VIOLATION', 'id', 'A built-in resource or predefined scope cannot be deleted'))
        if collection.name == 'populations' and any(u['obj']['population']['id'] == obj_id for u in self.store.items(env, 'users').values()):
            # "The platform default is that populations cannot be removed if they contain user data" (Terraform
            # docs/index.md:171); the status and code are UNCONFIRMED.
            raise invalid(('INVALID_VALUE', 'population', 'The population still contains users'))
        if collection.name == 'applications' and obj_id in self.op_clients.registered:
            self.op_clients.delete(obj_id)  # first: a refusal leaves the application as it was
        self.store.remove(env, collection.name, obj_id)
        self.faults.deleted(obj_id)
        self.cascade(env, collection.name, obj_id)
        return 204, {}, None

    def cascade(self, env, name, obj_id):
        """What goes with a deleted object: a user's memberships, a group's memberships and nestings, an application's
        secret and grants, a resource's scopes and the grants that name it, a scope's place in grants."""
        if name == 'users':
            self.store.memberships.pop(obj_id, None)
            self.recount(env)
        elif name == 'groups':
            self.store.memberships.pop(obj_id, None)
            for groups in self.store.memberships.values():
                groups.pop(obj_id, None)
        elif name == 'applications':
            self.store.secrets.pop(obj_id, None)
            for gid in [k for k, v in self.store.items(env, 'grants').items() if v['obj']['application']['id'] == obj_id]:
                self.store.remove(env, 'grants', gid)
        elif name == 'resources':
            for child, key in (('scopes', 'resource'), ('grants', 'resource')):
                for cid in [k for k, v in self.store.items(env, child).items() if v['obj'][key]['id'] == obj_id]:
                    self.store.remove(env, child, cid)
        elif name == 'scopes':
            for grant in self.store.items(env, 'grants').values():
                grant['obj']['scopes'] = [s for s in grant['obj']['scopes'] if s['id'] != obj_id]
        # The objects of the catalog's collections below the one deleted (an identity provider's attributes, a user's role
        # assignments), and theirs.
        for child in COLLECTIONS.values():
            if isinstance(child, Catalogued) and child.parent and child.parent[0] == name:
                key = child.parent[2]
                for cid in [k for k, v in self.store.items(env, child.name).items() if (v['obj'].get(key) or {}).get('id') == obj_id]:
                    self.store.remove(env, child.name, cid)
                    self.cascade(env, child.name, cid)

    def update_client(self, app_id, obj):
        """The OP's client follows a replaced application (updateApplication is a PUT of the whole object)."""
        metadata = client_metadata(obj)
        if metadata is None:
            # Now PRIVATE_KEY_JWT without keys: no client the OP can hold, so none at all (its id stays the same).
            self.op_clients.delete(app_id)
            return
        client_secret = self.op_clients.update(app_id, metadata)
        if client_secret:
            # The OP keeps a client's secret across updates, and makes one when a NONE client becomes confidential.
            self.store.secrets[app_id]['secret'] = client_secret

    def clear_default(self, env, keep):
        # Population.default: "Only one population per environment can be the default" (SDK 5923-5926).
        for entry in self.store.items(env, 'populations').values():
            if entry['obj']['id'] != keep and entry['obj'].get('default'):
                entry['obj']['default'] = False

    def counted(self, env, user):
        """A new user counted in its population's userCount (recount, one user: a recount at every create made creating
        10,000 users quadratic)."""
        entry = self.store.items(env, 'populations').get((user.get('population') or {}).get('id'))
        if entry is None:
            return self.recount(env)
        entry['obj']['userCount'] = entry['obj'].get('userCount', 0) + 1
        return None

    def recount(self, env):
        counts = {}
        for user in self.store.items(env, 'users').values():
            pid = user['obj']['population']['id']
            counts[pid] = counts.get(pid, 0) + 1
        for entry in self.store.items(env, 'populations').values():
            entry['obj']['userCount'] = counts.get(entry['obj']['id'], 0)
