# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A PingOne-shaped Management API (``/v1/environments/{envID}/...``) in memory, behind tokens of the test OP.

No open-source PingOne Management API exists, so this server is written from PingOne's published API reference
("PingOne Platform APIs", https://developer.pingidentity.com/pingone-api/); each route cites its page next to its
entry in ROUTES. Where the reference is silent the choice is the stricter one and says so (UNCONFIRMED in a comment).

Usage, from tests/: ``python -m servers.pingone_api.server CONFIG_JSON`` (normally started by harness.PingOneAPI).
Needs Python 3.11+ with requests, PyJWT and scim2-server (the token introspection client is servers/scim/server.py's
``Introspector``).
Config keys: host, port (0 = ephemeral), ready_path, log_path, tls_cert, tls_key, environments (list of env IDs
that exist; others answer 404), introspection_endpoint, ca_path, client_id, client_secret, signing_alg (HS256),
cache_seconds (3), control_secret, and the faults below; op_registration_endpoint, op_registration_token and
op_env_id to make OIDC applications clients of the test OP (below).

Applications are clients of the test OP. In PingOne an OIDC application is a client of its environment's
authorization server: its ``id`` is the client_id, its secret (``GET .../applications/{id}/secret``) the client
secret, its tokenEndpointAuthMethod, redirectUris, grantTypes, responseTypes and pkceEnforcement the client's
metadata. With op_registration_endpoint set, an OIDC application created in op_env_id is registered at the test
OP's PingOne-shaped provider (RFC 7591, with the initial access token op_registration_token) and takes the OP's
client_id as its id and the OP's client_secret as its secret; a PUT of the application updates the client (RFC 7592
section 2.2, with the registration access token this server keeps in memory and never logs), a DELETE deletes it
(RFC 7592 section 2.3), and a reset deletes every client registered since the last. A registration the OP refuses
answers 500 UNEXPECTED_ERROR with the OP's error (never a token), and nothing is stored. See OPClients.

Control route: ``POST /_control/reset`` with header ``X-Test-Control: <control_secret>`` and a JSON body
``{"fail_first": {...}, "not_found_after_create": true, "page_cap": N}`` empties the store, the request log and the
introspection cache and arms these faults; it is never logged. 403 without the secret.

- fail_first ``{"METHOD /path-prefix*": [status, n]}``: the first n authorized requests matching METHOD and the path
  (a trailing * matches a prefix) answer that status with PingOne's error body before the handler runs; 429 and 503
  carry ``Retry-After: 1`` and a 429 is PingOne's REQUEST_LIMITED. Requests refused with 401/403 do not count.
- not_found_after_create: the first GET of each object created after the reset (for an application, of itself or of
  its secret) answers 404 NOT_FOUND, as PingOne's eventually consistent reads can right after a create
  (REFERENCE.md "Retries": 404 right after a create).
- page_cap: every list page holds at most this many items whatever ``limit`` asks ("supported limits are not always
  honored ... use the page size in the response rather than the requested limit", Paging and ordering collections,
  https://developer.pingidentity.com/pingone-api/platform/reference/paging-ordering-collections.html).

Scopes: the test OP's scopes stand for PingOne admin roles. Reads (GET) need ``api:read`` or ``api:write``; writes
(POST/PUT/PATCH/DELETE) and reading an application secret need ``api:write``. In PingOne terms: ``api:read`` is a
read-only role (Identity Data Read Only / Configuration Read Only); ``api:write`` is Identity Data Admin for
populations, groups, users and memberships ("If you have the Identity Data Admin role, you can ... Create, read,
update, and delete groups; Add users to groups", Groups,
https://developer.pingidentity.com/pingone-api/platform/groups.html) and Client Application Developer or Environment
Admin for applications, secrets, resources, scopes and grants ("You need the Client Application Developer role to
perform operations on application resources", Application Operations,
https://developer.pingidentity.com/pingone-api/platform/applications/applications-1.html; "You need the Environment
Admin or the Client Application Developer roles to perform operations on resources entities", Resource Operations,
https://developer.pingidentity.com/pingone-api/platform/resources/resources-1.html; the secret needs the separate
``applications:read:secret`` permission, Application Secret,
https://developer.pingidentity.com/pingone-api/platform/applications/application-secret/index.html).

One JSON line per request goes to log_path: method, path (no query string), status. Bodies, tokens and secrets are
never logged. Exits on SIGTERM/SIGINT and when stdin reaches EOF (the parent died).
"""

import base64
import copy
import datetime
import hmac
import json
import re
import secrets
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlsplit

import requests

# The SCIM test server's introspection client (client_secret_jwt, short cache) and its serve loop (TLS, stop on a
# signal or when stdin closes, ready file).
from ..scim import server as scim_server

CONTROL_PATH = '/_control/reset'
WRITE_METHODS = ('POST', 'PUT', 'PATCH', 'DELETE')
READ_SCOPES = {'api:read', 'api:write'}
WRITE_SCOPE = 'api:write'
UUID_RE = r'[0-9a-fA-F-]{36}'
MAX_BODY = 1 << 20

# Error codes and messages: Error codes, https://developer.pingidentity.com/pingone-api/platform/reference/error-codes.html
# ({"id", "code", "message", "details": [{"code", "target", "message", "innerError"}]}). The messages of NOT_FOUND,
# ACCESS_FAILED and INVALID_DATA are the ones Ping's Terraform provider matches (terraform-provider-pingone tests and
# docs/guides/admin-role-management.md); the 401 and 429 messages are UNCONFIRMED.
MESSAGES = {
    'INVALID_DATA': 'The request could not be completed. One or more validation errors were in the request.',
    'INVALID_REQUEST': 'The request could not be completed. The request was malformed or invalid.',
    'NOT_FOUND': 'The request could not be completed. The requested resource was not found.',
    'ACCESS_FAILED': 'The request could not be completed. You do not have access to this resource.',
    'INVALID_TOKEN': 'The request could not be completed. The access token is missing, invalid or expired.',
    'REQUEST_LIMITED': 'The request could not be completed. Too many requests; retry after the time in Retry-After.',
    'METHOD_NOT_ALLOWED': 'The request could not be completed. The method is not supported for this resource.',
    'UNSUPPORTED_MEDIA_TYPE': 'The request could not be completed. The content type is not supported.',
    'UNEXPECTED_ERROR': 'The request could not be completed. An unexpected error occurred.',
    'SERVICE_UNAVAILABLE': 'The request could not be completed. The service is unavailable.',
}
STATUS_CODES = {
    400: 'INVALID_DATA',
    401: 'INVALID_TOKEN',
    403: 'ACCESS_FAILED',
    404: 'NOT_FOUND',
    405: 'METHOD_NOT_ALLOWED',
    409: 'INVALID_DATA',
    415: 'UNSUPPORTED_MEDIA_TYPE',
    429: 'REQUEST_LIMITED',
    500: 'UNEXPECTED_ERROR',
    502: 'UNEXPECTED_ERROR',
    503: 'SERVICE_UNAVAILABLE',
    504: 'UNEXPECTED_ERROR',
}

# Application enums: EnumApplicationType, EnumApplicationOIDCGrantType, EnumApplicationOIDCTokenAuthMethod,
# EnumApplicationOIDCResponseType, EnumApplicationOIDCPKCEOption of Ping's Management API OpenAPI description (as shipped
# in the PingOne Go SDK); the same values as the Applications OIDC settings data model. This server models the OIDC
# application types the role manages; SAML, WS_FED and the built-in PING_ONE_* types answer 400.
APP_TYPES = ('WEB_APP', 'NATIVE_APP', 'SINGLE_PAGE_APP', 'WORKER')
APP_PROTOCOLS = ('OPENID_CONNECT',)
GRANT_TYPES = ('AUTHORIZATION_CODE', 'IMPLICIT', 'REFRESH_TOKEN', 'CLIENT_CREDENTIALS', 'DEVICE_CODE', 'TOKEN_EXCHANGE', 'CIBA')
AUTH_METHODS = ('NONE', 'CLIENT_SECRET_BASIC', 'CLIENT_SECRET_POST', 'CLIENT_SECRET_JWT', 'PRIVATE_KEY_JWT')
RESPONSE_TYPES = ('TOKEN', 'ID_TOKEN', 'CODE')
PKCE_OPTIONS = ('OPTIONAL', 'REQUIRED', 'S256_REQUIRED')
READ_ONLY = ('id', 'environment', 'createdAt', 'updatedAt', '_links', '_embedded')


class APIError(Exception):
    """An answer in PingOne's error shape."""

    def __init__(self, status, code=None, message=None, details=None, headers=None):
        super().__init__(code or STATUS_CODES.get(status, 'UNEXPECTED_ERROR'))
        self.status = status
        self.code = code or STATUS_CODES.get(status, 'UNEXPECTED_ERROR')
        self.message = message or MESSAGES.get(self.code, MESSAGES['UNEXPECTED_ERROR'])
        self.details = details or []
        self.headers = headers or {}

    def body(self):
        body = {'id': str(uuid.uuid4()), 'code': self.code, 'message': self.message}
        if self.details:
            body['details'] = self.details
        return body


def invalid(*details):
    """400 INVALID_DATA with details, each (code, target, message[, innerError])."""
    out = []
    for detail in details:
        item = {'code': detail[0], 'target': detail[1], 'message': detail[2]}
        if len(detail) > 3:
            item['innerError'] = detail[3]
        out.append(item)
    return APIError(400, 'INVALID_DATA', details=out)


def not_found():
    return APIError(404, 'NOT_FOUND')


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='milliseconds').replace('+00:00', 'Z')


# ---- validation of request bodies (each returns a list of detail tuples) ----


def _string(body, key, required, problems, max_len=None):
    value = body.get(key)
    if value is None:
        if required:
            problems.append(('REQUIRED_VALUE', key, '%s is required' % key))
        return
    if not isinstance(value, str) or (required and not value.strip()):
        problems.append(('INVALID_VALUE', key, '%s must be a non-empty string' % key))
    elif max_len and len(value) > max_len:
        problems.append(('SIZE_LIMIT_EXCEEDED', key, '%s is longer than %d characters' % (key, max_len), {'maximumValue': max_len}))


def _enum(body, key, allowed, required, problems):
    value = body.get(key)
    if value is None:
        if required:
            problems.append(('REQUIRED_VALUE', key, '%s is required' % key))
    elif value not in allowed:
        problems.append(('INVALID_VALUE', key, '%s must be one of %s' % (key, ', '.join(allowed)), {'allowedValues': list(allowed)}))


def _enum_list(body, key, allowed, required, problems):
    value = body.get(key)
    if value is None:
        if required:
            problems.append(('REQUIRED_VALUE', key, '%s is required' % key))
        return
    if not isinstance(value, list) or (required and not value):
        problems.append(('INVALID_VALUE', key, '%s must be a non-empty array' % key))
        return
    for item in value:
        if item not in allowed:
            problems.append(('INVALID_VALUE', key, '%s: %r is not one of %s' % (key, item, ', '.join(allowed)), {'allowedValues': list(allowed)}))


def _ref(body, key, required, problems):
    """A {"id": ...} reference; returns the id or None."""
    value = body.get(key)
    if value is None:
        if required:
            problems.append(('REQUIRED_VALUE', key + '.id', '%s.id is required' % key))
        return None
    if not isinstance(value, dict) or not isinstance(value.get('id'), str):
        problems.append(('INVALID_VALUE', key + '.id', '%s must be an object with a string id' % key))
        return None
    return value['id']


class Collection(object):
    """One PingOne collection: its URL name, the _embedded key, the page maximum, filters and validation."""

    name = None
    embedded = None
    max_page = 200  # UNCONFIRMED per collection, except where a subclass cites its page
    # attribute -> operators allowed in ``filter``; None: the collection documents no filter (a filter answers 400)
    filters = None
    unique = None  # attribute unique within its scope (case-insensitive), or None
    patch = False

    def validate(self, body, store, env, existing=None):
        """Detail tuples for a create (existing None) or a full replace (PUT)."""
        return []

    def unique_scope(self, obj):
        return None

    def defaults(self, body, store, env):
        return body


class Populations(Collection):
    # Populations data model: name required ("The population name, which must be unique within the environment");
    # "default ... Only one population per environment can be the default". Read All Populations / Query parameter
    # quick reference: filter ``name`` (sw) and ``id`` (eq).
    # https://developer.pingidentity.com/pingone-api/platform/populations.html
    # https://developer.pingidentity.com/pingone-api/platform/reference/query-parameter-quick-reference.html
    name = embedded = 'populations'
    filters = {'name': ('sw',), 'id': ('eq',)}
    unique = 'name'

    def validate(self, body, store, env, existing=None):
        problems = []
        _string(body, 'name', True, problems)
        if 'default' in body and not isinstance(body['default'], bool):
            problems.append(('INVALID_VALUE', 'default', 'default must be a boolean'))
        return problems

    def defaults(self, body, store, env):
        body.setdefault('default', False)
        body['userCount'] = 0
        return body


class Groups(Collection):
    # Groups: Create Group (name required, population.id optional and read-only afterwards), Update Group is PUT (no
    # PATCH); Read All Groups: filter name/externalId/displayName (eq, sw), id/population.id/sourceId (eq), limit 1-1000.
    # Name uniqueness within the environment or population: UNCONFIRMED (PingOne answers UNIQUENESS_VIOLATION for
    # duplicate names of other resources; enforced here as the stricter choice).
    # https://developer.pingidentity.com/pingone-api/platform/groups.html
    # https://developer.pingidentity.com/pingone-api/platform/groups/create-group.html
    # https://developer.pingidentity.com/pingone-api/platform/groups/update-group.html
    # https://developer.pingidentity.com/pingone-api/platform/groups/read-all-groups.html
    name = embedded = 'groups'
    max_page = 1000
    filters = {'name': ('eq', 'sw'), 'externalId': ('eq', 'sw'), 'displayName': ('eq', 'sw'), 'id': ('eq',), 'population.id': ('eq',), 'sourceId': ('eq',)}
    unique = 'name'

    def validate(self, body, store, env, existing=None):
        problems = []
        _string(body, 'name', True, problems)
        for key in ('description', 'externalId', 'displayName', 'userFilter'):
            if key in body and not isinstance(body[key], str):
                problems.append(('INVALID_VALUE', key, '%s must be a string' % key))
        population = _ref(body, 'population', False, problems)
        if existing is None and population and population not in store.items(env, 'populations'):
            problems.append(('INVALID_VALUE', 'population.id', 'population %s does not exist' % population))
        if existing is not None and population and population != (existing.get('population') or {}).get('id'):
            problems.append(('INVALID_VALUE', 'population.id', 'population.id is read-only after a group is created'))
        return problems

    def unique_scope(self, obj):
        return (obj.get('population') or {}).get('id')


class Users(Collection):
    # Create User: "The username value is case-insensitive, and must be unique to an environment (spanning
    # populations)"; without population.id the user goes to the default population "if one exists" (with none this
    # server answers 400: UNCONFIRMED). Users support PUT and PATCH (updateUserPut / updateUserPatch). Paging: "the page
    # size limit of 200 for the /environments/{{envID}}/users endpoint result may be smaller". Filters: username,
    # email (eq, sw), id, population.id (eq) and memberOfGroups[id eq "..."] (Step 5: Read all users in a group);
    # the full list of user filter attributes is UNCONFIRMED.
    # https://developer.pingidentity.com/pingone-api/platform/users/users-1/create-user.html
    # https://developer.pingidentity.com/pingone-api/platform/reference/paging-ordering-collections.html
    # https://developer.pingidentity.com/pingone-api/workflow-library/group-management/create-a-group-and-add-a-user/step-5-read-all-users-in-a-group.html
    name = embedded = 'users'
    max_page = 200
    filters = {'username': ('eq', 'sw'), 'email': ('eq', 'sw'), 'id': ('eq',), 'population.id': ('eq',), 'memberOfGroups.id': ('eq',)}
    unique = 'username'
    patch = True

    def validate(self, body, store, env, existing=None):
        problems = []
        _string(body, 'username', True, problems, max_len=128)
        if 'email' in body and not (isinstance(body['email'], str) and '@' in body['email']):
            problems.append(('INVALID_VALUE', 'email', 'email must be an email address'))
        if 'enabled' in body and not isinstance(body['enabled'], bool):
            problems.append(('INVALID_VALUE', 'enabled', 'enabled must be a boolean'))
        if 'name' in body and not isinstance(body['name'], dict):
            problems.append(('INVALID_VALUE', 'name', 'name must be an object'))
        population = _ref(body, 'population', False, problems)
        if population and population not in store.items(env, 'populations'):
            problems.append(('INVALID_VALUE', 'population.id', 'population %s does not exist' % population))
        if existing is not None:
            # A user moves to another population with PUT .../users/{userID}/population (Update User Population) and is
            # enabled or disabled with PUT .../users/{userID}/enabled (Update User Enabled), as mfaEnabled only through
            # its own endpoint ("You cannot update mfaEnabled with PUT Update User or PATCH Update User"). That PUT and
            # PATCH refuse to change population and enabled is UNCONFIRMED: the stricter reading.
            # https://developer.pingidentity.com/pingone-api/platform/users/user-populations/update-user-population.html
            # https://developer.pingidentity.com/pingone-api/platform/users/enable-users/update-user-enabled.html
            if population and population != (existing.get('population') or {}).get('id'):
                problems.append(('INVALID_VALUE', 'population.id', "Use PUT /users/{userID}/population to change a user's population"))
            if 'enabled' in body and body['enabled'] != existing.get('enabled', True):
                problems.append(('INVALID_VALUE', 'enabled', 'Use PUT /users/{userID}/enabled to enable or disable a user'))
        if population is None and not problems and existing is None and store.default_population(env) is None:
            problems.append(('REQUIRED_VALUE', 'population.id', 'population.id is required: the environment has no default population'))
        return problems

    def defaults(self, body, store, env):
        if not body.get('population'):
            body['population'] = {'id': store.default_population(env)}
        body.setdefault('enabled', True)
        return body


class Applications(Collection):
    # Application Operations / Create Application (OIDC Protocol - Web App, Worker App, ...): enabled, name, type and
    # protocol are required; OIDC settings: grantTypes and tokenEndpointAuthMethod required; redirectUris required for
    # the authorization code and implicit grants (Update Application (OIDC) lists redirectUris as Required); Update
    # Application (OIDC) is PUT and "requires the name, type, and protocol attributes". No filter and no name
    # uniqueness are documented for applications.
    # https://developer.pingidentity.com/pingone-api/platform/applications/applications-1.html
    # https://developer.pingidentity.com/pingone-api/platform/applications/applications-1/create-application-oidc-protocol---web-app.html
    # https://developer.pingidentity.com/pingone-api/platform/applications/applications-1/create-application-oidc-protocol---worker-app.html
    # https://developer.pingidentity.com/pingone-api/platform/applications/applications-1/update-application-oidc.html
    name = embedded = 'applications'

    def validate(self, body, store, env, existing=None):
        problems = []
        _string(body, 'name', True, problems)
        if not isinstance(body.get('enabled'), bool):
            problems.append(('REQUIRED_VALUE' if 'enabled' not in body else 'INVALID_VALUE', 'enabled', 'enabled must be a boolean'))
        _enum(body, 'type', APP_TYPES, True, problems)
        _enum(body, 'protocol', APP_PROTOCOLS, True, problems)
        _enum_list(body, 'grantTypes', GRANT_TYPES, True, problems)
        _enum(body, 'tokenEndpointAuthMethod', AUTH_METHODS, True, problems)
        _enum_list(body, 'responseTypes', RESPONSE_TYPES, False, problems)
        _enum(body, 'pkceEnforcement', PKCE_OPTIONS, False, problems)
        grants = body.get('grantTypes') if isinstance(body.get('grantTypes'), list) else []
        uris = body.get('redirectUris')
        if uris is not None and not (isinstance(uris, list) and all(isinstance(u, str) for u in uris)):
            problems.append(('INVALID_VALUE', 'redirectUris', 'redirectUris must be an array of URLs'))
        elif ({'AUTHORIZATION_CODE', 'IMPLICIT'} & set(grants)) and not uris:
            problems.append(('REQUIRED_VALUE', 'redirectUris', 'redirectUris is required for the AUTHORIZATION_CODE and IMPLICIT grants'))
        if existing is not None:
            for key in ('type', 'protocol'):
                if body.get(key) != existing.get(key) and not any(p[1] == key for p in problems):
                    problems.append(('INVALID_VALUE', key, '%s cannot be changed' % key))  # UNCONFIRMED
        if body.get('type') == 'WORKER' and grants and set(grants) - {'CLIENT_CREDENTIALS', 'AUTHORIZATION_CODE', 'IMPLICIT', 'REFRESH_TOKEN'}:
            problems.append(('INVALID_VALUE', 'grantTypes', 'grant types not supported for WORKER applications'))  # UNCONFIRMED
        return problems


class Resources(Collection):
    # Create Resource: "Only custom resources can be created"; name required and "must be unique within the specified
    # environment"; accessTokenValiditySeconds defaults to 3600 (min 300, max 2592000, Resources data model);
    # audience defaults to the name. Update Resource is PUT (updateResource).
    # https://developer.pingidentity.com/pingone-api/platform/resources/resources-1/create-resource.html
    # https://developer.pingidentity.com/pingone-api/platform/resources/resources-1.html
    name = embedded = 'resources'
    unique = 'name'

    def validate(self, body, store, env, existing=None):
        problems = []
        _string(body, 'name', True, problems)
        seconds = body.get('accessTokenValiditySeconds')
        if seconds is not None and (not isinstance(seconds, int) or isinstance(seconds, bool) or not 300 <= seconds <= 2592000):
            problems.append(
                (
                    'OUT_OF_RANGE',
                    'accessTokenValiditySeconds',
                    'accessTokenValiditySeconds must be 300 to 2592000',
                    {'rangeMinimumValue': 300, 'rangeMaximumValue': 2592000},
                )
            )
        audience = body.get('audience')
        if audience is not None and (not isinstance(audience, str) or 'pingone' in audience or 'pingidentity' in audience or '#' in audience):
            problems.append(('INVALID_VALUE', 'audience', 'audience must be a URL without a fragment and must not contain pingone or pingidentity'))
        if 'type' in body and body['type'] != 'CUSTOM':
            problems.append(('INVALID_VALUE', 'type', 'only CUSTOM resources can be created or updated'))
        return problems

    def defaults(self, body, store, env):
        body.setdefault('accessTokenValiditySeconds', 3600)
        body.setdefault('audience', body['name'])
        body['type'] = 'CUSTOM'
        return body


class Scopes(Collection):
    # Create Custom resource scope: "The request body must specify a value for the scope name property, and the name
    # value must be unique within the specified environment resource." Update is PUT (updateResourceScope).
    # https://developer.pingidentity.com/pingone-api/platform/resources/resource-scopes/create-custom-resource-scope.html
    name = embedded = 'scopes'
    unique = 'name'

    def validate(self, body, store, env, existing=None):
        problems = []
        _string(body, 'name', True, problems)
        if isinstance(body.get('name'), str) and ' ' in body['name']:
            # RFC 6749 section 3.3: a scope-token is 1*NQCHAR, no spaces (PingOne's own rule text UNCONFIRMED).
            problems.append(('INVALID_VALUE', 'name', 'a scope name must not contain spaces'))
        for key in ('schemaAttributes', 'mappedClaims'):
            if key in body and not (isinstance(body[key], list) and all(isinstance(v, str) for v in body[key])):
                problems.append(('INVALID_VALUE', key, '%s must be an array of strings' % key))
        return problems

    def unique_scope(self, obj):
        return obj['resource']['id']


class Grants(Collection):
    # Application Resource Grants: resource.id required and read-only ("Read-only" after create), scopes[].id
    # required and mutable; GET, POST, PUT and DELETE (no PATCH).
    # https://developer.pingidentity.com/pingone-api/platform/applications/application-resource-grants.html
    # https://developer.pingidentity.com/pingone-api/platform/applications/application-resource-grants/create-grant.html
    name = embedded = 'grants'

    def validate(self, body, store, env, existing=None):
        problems = []
        resource = _ref(body, 'resource', True, problems)
        scopes = body.get('scopes')
        if scopes is None:
            problems.append(('REQUIRED_VALUE', 'scopes', 'scopes is required'))
        elif not (isinstance(scopes, list) and scopes and all(isinstance(s, dict) and isinstance(s.get('id'), str) for s in scopes)):
            problems.append(('INVALID_VALUE', 'scopes', 'scopes must be a non-empty array of {id}'))
        if problems:
            return problems
        if existing is not None and resource != existing['resource']['id']:
            return [('INVALID_VALUE', 'resource.id', 'resource.id is read-only')]
        if resource not in store.items(env, 'resources'):
            return [('INVALID_VALUE', 'resource.id', 'resource %s does not exist' % resource)]
        known = store.items(env, 'scopes')
        for scope in scopes:
            found = known.get(scope['id'])
            if found is None or found['obj']['resource']['id'] != resource:
                problems.append(('INVALID_VALUE', 'scopes.id', 'scope %s is not a scope of resource %s' % (scope['id'], resource)))
        return problems


COLLECTIONS = {c.name: c for c in (Populations(), Groups(), Users(), Applications(), Resources(), Scopes(), Grants())}


class Store(object):
    """Objects by environment and collection, in creation order; each object carries a private sequence number."""

    def __init__(self, environments):
        self.environments = set(environments)
        self.lock = threading.RLock()
        self.reset()

    def reset(self):
        with self.lock:
            self.data = {env: {name: {} for name in COLLECTIONS} for env in self.environments}
            self.memberships = {}  # member id (a user or a group) -> {group id: seq}
            self.secrets = {}  # application id -> secret
            self.seq = 0
            self.fresh = set()  # ids whose first GET answers 404 (not_found_after_create)

    def next_seq(self):
        self.seq += 1
        return self.seq

    def items(self, env, name):
        return self.data[env][name]

    def default_population(self, env):
        for obj in self.items(env, 'populations').values():
            if obj['obj'].get('default'):
                return obj['obj']['id']
        return None


# ---- filters: the SCIM filter subset PingOne documents (attr op "value", joined by and/or, left to right) ----

FILTER_TERM = re.compile(r'\s*(?:(memberOfGroups)\[\s*id\s+(eq)\s+"((?:[^"\\]|\\.)*)"\s*\]|([A-Za-z][\w.]*)\s+(eq|sw)\s+"((?:[^"\\]|\\.)*)")\s*')
FILTER_JOIN = re.compile(r'(and|or)\b', re.IGNORECASE)


def parse_filter(text, collection):
    """[(joiner, attr, op, value), ...] for a filter the collection documents; raises APIError otherwise."""

    def bad(why):
        return invalid(('INVALID_FILTER', 'filter', 'Invalid filter: %s' % why))

    if collection.filters is None:
        raise bad('the %s collection does not support filtering' % collection.name)
    terms, pos, joiner = [], 0, None
    while True:
        match = FILTER_TERM.match(text, pos)
        if not match:
            raise bad('expected attr eq|sw "value" at offset %d' % pos)
        if match.group(1):
            attr, op, value = 'memberOfGroups.id', 'eq', match.group(3)
        else:
            attr, op, value = match.group(4), match.group(5), match.group(6)
        if op not in collection.filters.get(attr, ()):
            raise bad('%s %s is not supported on %s' % (attr, op, collection.name))
        terms.append((joiner, attr, op, value.replace('\\"', '"')))
        pos = match.end()
        if pos >= len(text):
            return terms
        join = FILTER_JOIN.match(text, pos)
        if not join:
            raise bad('expected and/or at offset %d' % pos)
        joiner, pos = join.group(1).lower(), join.end()


def _attr(obj, attr):
    value = obj
    for part in attr.split('.'):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def matches(obj, terms, memberships):
    """The filter's truth for one object; ``and`` binds tighter than ``or``."""
    groups, current = [], []
    for joiner, attr, op, value in terms:
        if joiner == 'or':
            groups.append(current)
            current = []
        if attr == 'memberOfGroups.id':
            ok = value in memberships.get(obj['id'], {})
        else:
            have = _attr(obj, attr)
            # SCIM string comparisons are case-insensitive for caseExact false attributes (RFC 7644 section 3.4.2.2).
            have = have.lower() if isinstance(have, str) else have
            want = value.lower()
            ok = isinstance(have, str) and (have == want if op == 'eq' else have.startswith(want))
        current.append(ok)
    groups.append(current)
    return any(all(g) for g in groups)


# ---- cursors: opaque, HMAC-protected, carrying the filter, the limit and the last sequence number seen ----


class Cursors(object):
    def __init__(self):
        self.key = secrets.token_bytes(32)

    def encode(self, state):
        raw = json.dumps(state, separators=(',', ':')).encode()
        mac = hmac.new(self.key, raw, 'sha256').digest()[:12]
        return base64.urlsafe_b64encode(mac + raw).rstrip(b'=').decode()

    def decode(self, text):
        try:
            blob = base64.urlsafe_b64decode(text + '=' * (-len(text) % 4))
            mac, raw = blob[:12], blob[12:]
            if hmac.compare_digest(mac, hmac.new(self.key, raw, 'sha256').digest()[:12]):
                return json.loads(raw)
        except (ValueError, TypeError):
            pass
        raise invalid(('INVALID_VALUE', 'cursor', 'The cursor is invalid or expired'))


# ---- applications as clients of the test OP (RFC 7591 registration, RFC 7592 update and delete) ----

# PingOne's application attributes as OAuth client metadata (RFC 7591 section 2). The attribute values are those of
# Create Application (OIDC Protocol - Web App / Worker App / Native App / Single Page App) and Update Application
# (OIDC), https://developer.pingidentity.com/pingone-api/platform/applications/applications-1.html:
# tokenEndpointAuthMethod, the application's client authentication at the token endpoint -> RFC 7591
# token_endpoint_auth_method (the values OIDC Core section 9 names);
TOKEN_AUTH_METHODS = {
    'NONE': 'none',
    'CLIENT_SECRET_BASIC': 'client_secret_basic',
    'CLIENT_SECRET_POST': 'client_secret_post',
    'CLIENT_SECRET_JWT': 'client_secret_jwt',
    'PRIVATE_KEY_JWT': 'private_key_jwt',
}
# grantTypes -> grant_types (RFC 7591 section 2: the grant_type values of RFC 6749, and the URNs of RFC 8628 section
# 3.4, RFC 8693 section 2.1, OpenID CIBA section 10.1; the test OP has no CIBA grant and refuses it);
GRANT_TYPE_URIS = {
    'AUTHORIZATION_CODE': 'authorization_code',
    'IMPLICIT': 'implicit',
    'REFRESH_TOKEN': 'refresh_token',
    'CLIENT_CREDENTIALS': 'client_credentials',
    'DEVICE_CODE': 'urn:ietf:params:oauth:grant-type:device_code',
    'TOKEN_EXCHANGE': 'urn:ietf:params:oauth:grant-type:token-exchange',
    'CIBA': 'urn:openid:params:grant-type:ciba',
}
# responseTypes lists the parts an authorization request may ask for ("CODE", "TOKEN", "ID_TOKEN"); RFC 7591
# response_types lists whole response_type values (OAuth 2.0 Multiple Response Type Encoding Practices section 3), so
# each combination of the allowed parts, in that document's order, is one value;
RESPONSE_PARTS = (('CODE', 'code'), ('ID_TOKEN', 'id_token'), ('TOKEN', 'token'))
# type -> application_type (OIDC Dynamic Client Registration 1.0 section 2: native or web).
APPLICATION_TYPES = {'NATIVE_APP': 'native'}
# pkceEnforcement has no standard metadata: the test OP takes it as its private client metadata of this name (RFC 7591
# section 2 lets extensions define more), and requires S256 PKCE for REQUIRED and S256_REQUIRED (server.mjs).
PKCE_METADATA = 'pingone_pkce_enforcement'


def client_metadata(app):
    """The RFC 7591 client metadata of an OIDC application, or None for one the test OP cannot hold as a client.

    PRIVATE_KEY_JWT needs the application's keys (``jwks``, a JWKS as a string, or ``jwksUrl``, Update Application
    (OIDC)); without them there is nothing to verify assertions with, so such an application is not registered (its
    id and secret are this server's own, and no token exchange can run with it).
    """
    method = TOKEN_AUTH_METHODS[app['tokenEndpointAuthMethod']]
    metadata = {
        'client_name': app['name'],
        'token_endpoint_auth_method': method,
        'application_type': APPLICATION_TYPES.get(app['type'], 'web'),
        'grant_types': [GRANT_TYPE_URIS[grant] for grant in app['grantTypes']],
        'redirect_uris': list(app.get('redirectUris') or []),
    }
    parts = [part for name, part in RESPONSE_PARTS if name in (app.get('responseTypes') or ())]
    metadata['response_types'] = [' '.join(part for i, part in enumerate(parts) if mask >> i & 1) for mask in range(1, 1 << len(parts))]
    if app.get('pkceEnforcement'):
        metadata[PKCE_METADATA] = app['pkceEnforcement']
    if method == 'private_key_jwt':
        if isinstance(app.get('jwks'), str):
            try:
                metadata['jwks'] = json.loads(app['jwks'])
            except ValueError:
                raise invalid(('INVALID_VALUE', 'jwks', 'jwks must be a JSON Web Key Set'))
        elif isinstance(app.get('jwksUrl'), str):
            metadata['jwks_uri'] = app['jwksUrl']
        else:
            return None
    return metadata


class OPClients(object):
    """The test OP's clients that stand for this server's OIDC applications: register, update, delete.

    Registration access tokens (RFC 7592 section 1.2) live in memory only: never logged, never answered. A refusal
    of the OP, or no answer, is an APIError 500 UNEXPECTED_ERROR that names the operation, the OP's status and its
    error and error_description; the caller changes nothing in its store then.
    """

    def __init__(self, config):
        self.endpoint = config.get('op_registration_endpoint')
        self.initial_token = config.get('op_registration_token')
        self.env_id = config.get('op_env_id')
        self.ca_path = config.get('ca_path')
        self.registered = {}  # application id -> (registration_client_uri, registration_access_token)
        self.session = requests.Session()
        self.session.trust_env = False  # loopback only: no proxy, and REQUESTS_CA_BUNDLE would override verify

    def enabled_for(self, env, app):
        return bool(self.endpoint and self.initial_token) and env == self.env_id and app.get('protocol') == 'OPENID_CONNECT'

    def _call(self, what, method, url, token, body=None):
        try:
            resp = self.session.request(
                method, url, json=body, verify=self.ca_path or True, timeout=10, headers={'Authorization': 'Bearer ' + token, 'Accept': 'application/json'}
            )
        except requests.RequestException as exc:
            raise self._failure(what, 'no answer (%s)' % type(exc).__name__) from None
        expected = {'register': 201, 'update': 200, 'delete': 204}[what]
        if resp.status_code != expected:
            try:
                error = resp.json()
            except ValueError:
                error = {}
            reason = 'HTTP %s %s: %s' % (resp.status_code, str(error.get('error', ''))[:60], str(error.get('error_description', ''))[:200])
            raise self._failure(what, reason)
        return resp.json() if resp.content else {}

    @staticmethod
    def _failure(what, reason):
        sys.stderr.write('test OP refused to %s a client: %s\n' % (what, reason))
        return APIError(500, 'UNEXPECTED_ERROR', "%s The test OP refused to %s the application's client: %s" % (MESSAGES['UNEXPECTED_ERROR'], what, reason))

    def register(self, metadata):
        """RFC 7591 section 3.1: (client_id, client_secret or None) of a new client; keeps its management token."""
        answer = self._call('register', 'POST', self.endpoint, self.initial_token, metadata)
        self.registered[answer['client_id']] = (answer['registration_client_uri'], answer['registration_access_token'])
        return answer['client_id'], answer.get('client_secret')

    def update(self, app_id, metadata):
        """RFC 7592 section 2.2: replace the client's metadata (client_id included, as the section requires); its
        client_secret, or None. The OP rotates the registration access token (section 2.2 allows it): keep the new one."""
        uri, token = self.registered[app_id]
        answer = self._call('update', 'PUT', uri, token, dict(metadata, client_id=app_id))
        self.registered[app_id] = (uri, answer.get('registration_access_token') or token)
        return answer.get('client_secret')

    def delete(self, app_id):
        """RFC 7592 section 2.3: the client is gone (204)."""
        uri, token = self.registered[app_id]
        self._call('delete', 'DELETE', uri, token)
        del self.registered[app_id]

    def delete_all(self):
        for app_id in list(self.registered):
            self.delete(app_id)


class API(object):
    """Routing, auth, faults and handlers over a Store."""

    def __init__(self, config, introspector, unavailable):
        self.config = config
        self.store = Store(config['environments'])
        self.introspector = introspector
        self.unavailable = unavailable
        self.op_clients = OPClients(config)
        self.cursors = Cursors()
        self.fault_lock = threading.Lock()
        self.base_url = None
        self.arm({})

    def arm(self, body):
        with self.fault_lock:
            self.faults = parse_fail_first(body.get('fail_first') or self.config.get('fail_first') or {})
        self.not_found_after_create = bool(body.get('not_found_after_create'))
        self.page_cap = int(body['page_cap']) if body.get('page_cap') else None

    def reset(self, body):
        with self.store.lock:
            self.op_clients.delete_all()
        self.store.reset()
        self.introspector.clear()
        self.cursors = Cursors()
        self.arm(body)

    # -- auth (RFC 6750 bearer tokens, checked by RFC 7662 introspection at the test OP) --

    def authorize(self, method, path, headers):
        scheme, _sep, token = (headers.get('Authorization') or '').partition(' ')
        token = token.strip()
        if scheme.lower() != 'bearer' or not token:
            raise APIError(401, headers={'WWW-Authenticate': 'Bearer realm="PingOne"'})
        try:
            info = self.introspector.introspect(token)
        except self.unavailable:
            raise APIError(503, headers={'Retry-After': '1'})
        exp = info.get('exp')
        if not info.get('active') or (isinstance(exp, (int, float)) and exp <= time.time()):
            raise APIError(401, headers={'WWW-Authenticate': 'Bearer realm="PingOne", error="invalid_token"'})
        scopes = set((info.get('scope') or '').split())
        needs_write = method in WRITE_METHODS or path.rstrip('/').endswith('/secret')
        if (needs_write and WRITE_SCOPE not in scopes) or (not needs_write and not scopes & READ_SCOPES):
            # ACCESS_FAILED / INSUFFICIENT_PERMISSIONS, as Ping's Go SDK tests quote it.
            raise APIError(
                403,
                'ACCESS_FAILED',
                details=[{'code': 'INSUFFICIENT_PERMISSIONS', 'target': path, 'message': 'The actor attempting to perform the request is not authorized.'}],
            )

    def take_fault(self, method, path):
        with self.fault_lock:
            for fault in self.faults:
                want_method, want_path, status, left = fault
                if left > 0 and want_method == method and (path == want_path or (want_path.endswith('*') and path.startswith(want_path[:-1]))):
                    fault[3] -= 1
                    return status
        return None

    # -- dispatch --

    def handle(self, method, target, headers, raw_body):
        """(status, headers, body dict or None) for one request."""
        parts = urlsplit(target)
        path, query = parts.path, parse_qs(parts.query, keep_blank_values=True)
        route = match_route(path)
        if route is None:
            raise not_found()
        env = route['env']
        self.authorize(method, path, headers)
        status = self.take_fault(method, path)
        if status is not None:
            extra = {'Retry-After': '1'} if status in (429, 503) else {}
            raise APIError(status, headers=extra)
        if env not in self.store.environments:
            raise not_found()  # UNCONFIRMED: an environment the token may not see could answer 403 instead
        body = None
        if method in ('POST', 'PUT', 'PATCH'):
            ctype = (headers.get('Content-Type') or '').split(';')[0].strip().lower()
            if ctype != 'application/json':
                raise APIError(415)
            try:
                body = json.loads(raw_body or b'null')
            except ValueError:
                raise APIError(400, 'INVALID_REQUEST', details=[{'code': 'INVALID_VALUE', 'target': 'body', 'message': 'The request body is not valid JSON'}])
            if not isinstance(body, dict):
                raise invalid(('INVALID_VALUE', 'body', 'The request body must be a JSON object'))
        handler = getattr(self, '%s_%s' % (route['kind'], method.lower()), None)
        if handler is None:
            raise APIError(405, headers={'Allow': ', '.join(route_methods(route['kind']))})
        with self.store.lock:
            return handler(route, query, body)

    # -- helpers --

    def href(self, path):
        return self.base_url + path

    def owner_path(self, route):
        return '/v1/environments/%s' % route['env']

    def present(self, route, collection_path, entry):
        obj = copy.deepcopy(entry['obj'])
        obj['_links'] = {'self': {'href': self.href('%s/%s' % (collection_path, obj['id']))}}
        return obj

    def collection_of(self, route):
        """(Collection, dict of entries restricted to the parent, the collection's URL path)."""
        env, name = route['env'], route['collection']
        collection = COLLECTIONS[name]
        entries = self.store.items(env, name)
        if route.get('parent'):
            parent_name, parent_id = route['parent']
            if parent_id not in self.store.items(env, parent_name):
                raise not_found()
            key = 'resource' if name == 'scopes' else 'application'
            entries = {k: v for k, v in entries.items() if v['obj'][key]['id'] == parent_id}
        return collection, entries, route['collection_path']

    def find(self, route):
        collection, entries, path = self.collection_of(route)
        entry = entries.get(route['id'])
        if entry is None:
            raise not_found()
        return collection, entry, path

    def check_unique(self, collection, env, obj, skip_id=None, parent=None):
        if not collection.unique or not isinstance(obj.get(collection.unique), str):
            return
        want = obj[collection.unique].lower()
        scope = collection.unique_scope(obj)
        for entry in self.store.items(env, collection.name).values():
            other = entry['obj']
            if (
                other['id'] != skip_id
                and collection.unique_scope(other) == scope
                and isinstance(other.get(collection.unique), str)
                and other[collection.unique].lower() == want
            ):
                # UNIQUENESS_VIOLATION under INVALID_DATA, as Ping's Terraform provider documents it
                # (docs/guides/admin-role-management.md: Code INVALID_DATA, Details Code UNIQUENESS_VIOLATION).
                raise invalid(('UNIQUENESS_VIOLATION', collection.unique, 'A resource with the specified %s already exists.' % collection.unique))

    def page(self, route, query, collection, entries, path):
        """A HAL page: Paging and ordering collections (limit, cursor in _links.next.href, count, size)."""
        filter_text = (query.get('filter') or [None])[0]
        limit_text = (query.get('limit') or [None])[0]
        after = 0
        if query.get('cursor'):
            state = self.cursors.decode(query['cursor'][0])
            if filter_text is not None and filter_text != state.get('f'):
                raise invalid(('INVALID_VALUE', 'filter', 'The filter does not match the cursor'))
            filter_text, after = state.get('f'), state['a']
            limit_text = limit_text or (str(state['l']) if state.get('l') else None)
        limit = collection.max_page
        if limit_text is not None:
            if not re.fullmatch(r'[0-9]+', limit_text) or int(limit_text) < 1:
                raise invalid(
                    ('INVALID_VALUE', 'limit', 'limit must be a positive integer', {'rangeMinimumValue': 1, 'rangeMaximumValue': collection.max_page})
                )
            limit = min(int(limit_text), collection.max_page)  # larger limits are not honored (Paging page)
        size = min(limit, self.page_cap) if self.page_cap else limit
        terms = parse_filter(filter_text, collection) if filter_text else None
        members = self.store.memberships
        selected = [e for e in sorted(entries.values(), key=lambda e: e['seq']) if terms is None or matches(e['obj'], terms, members)]
        remaining = [e for e in selected if e['seq'] > after]
        chunk = remaining[:size]
        self_query = '&'.join('%s=%s' % (k, quote(v[0], safe='')) for k, v in sorted(query.items()))
        links = {'self': {'href': self.href(path + ('?' + self_query if self_query else ''))}}
        if len(remaining) > size:
            cursor = self.cursors.encode({'f': filter_text, 'a': chunk[-1]['seq'], 'l': int(limit_text) if limit_text else None})
            links['next'] = {'href': self.href('%s?limit=%d&cursor=%s' % (path, limit, cursor))}
        return (
            200,
            {},
            {'_links': links, '_embedded': {collection.embedded: [self.present(route, path, e) for e in chunk]}, 'count': len(selected), 'size': len(chunk)},
        )

    # -- generic collection handlers (GET list, POST create, GET one, PUT, PATCH, DELETE) --

    def collection_get(self, route, query, body):
        collection, entries, path = self.collection_of(route)
        return self.page(route, query, collection, entries, path)

    def collection_post(self, route, query, body):
        collection, _entries, path = self.collection_of(route)
        env = route['env']
        body = {k: v for k, v in body.items() if k not in READ_ONLY}
        problems = collection.validate(body, self.store, env)
        if problems:
            raise invalid(*problems)
        if route.get('parent'):
            parent_name, parent_id = route['parent']
            body['resource' if collection.name == 'scopes' else 'application'] = {'id': parent_id}
        body = collection.defaults(body, self.store, env)
        self.check_unique(collection, env, body)
        obj_id, client_secret = str(uuid.uuid4()), None
        metadata = client_metadata(body) if collection.name == 'applications' and self.op_clients.enabled_for(env, body) else None
        if metadata is not None:
            # The application is a client of the environment's authorization server: the OP's client_id is its id.
            obj_id, client_secret = self.op_clients.register(metadata)
        stamp = now_iso()
        obj = dict(body, id=obj_id, environment={'id': env}, createdAt=stamp, updatedAt=stamp)
        if collection.name == 'populations' and obj.get('default'):
            self.clear_default(env)
        entry = {'obj': obj, 'seq': self.store.next_seq()}
        self.store.items(env, collection.name)[obj['id']] = entry
        if collection.name == 'applications':
            # Read Application Secret: "The application's secret attribute value has a minimum length of 64
            # characters"; this server gives every OIDC application one (UNCONFIRMED for NONE / PRIVATE_KEY_JWT): the
            # OP's client secret for a registered client that has one (86 characters), else one of its own.
            # https://developer.pingidentity.com/pingone-api/platform/applications/application-secret/read-application-secret.html
            self.store.secrets[obj['id']] = client_secret or secrets.token_urlsafe(64)[:86]
        if collection.name == 'users':
            self.recount(env)
        if self.not_found_after_create:
            self.store.fresh.add(obj['id'])
        location = self.href('%s/%s' % (path, obj['id']))
        return 201, {'Location': location}, self.present(route, path, entry)

    def item_get(self, route, query, body):
        _collection, entry, path = self.find(route)
        if entry['obj']['id'] in self.store.fresh:
            self.store.fresh.discard(entry['obj']['id'])
            raise not_found()
        return 200, {}, self.present(route, path, entry)

    def item_put(self, route, query, body):
        collection, entry, path = self.find(route)
        env, old = route['env'], entry['obj']
        body = {k: v for k, v in body.items() if k not in READ_ONLY}
        # Read-only references survive a replace: a group's population (Update Group), a user's population (moved
        # only by PUT .../users/{userID}/population, Update User Population).
        if collection.name in ('groups', 'users') and 'population' not in body and old.get('population'):
            body['population'] = old['population']
        if collection.name == 'users' and 'enabled' not in body and 'enabled' in old:
            body['enabled'] = old['enabled']  # changed only by PUT .../users/{userID}/enabled
        problems = collection.validate(body, self.store, env, existing=old)
        if problems:
            raise invalid(*problems)
        if collection.name == 'scopes':  # the parent, implied by the URL
            body['resource'] = old['resource']
        elif collection.name == 'grants':
            body['application'] = old['application']
        body = collection.defaults(body, self.store, env)
        self.check_unique(collection, env, body, skip_id=old['id'])
        if collection.name == 'applications' and old['id'] in self.op_clients.registered:
            self.update_client(old['id'], body)
        # PUT replaces: whatever the body leaves out is gone (server-owned fields stay).
        kept = {k: old[k] for k in ('id', 'environment', 'createdAt', 'userCount') if k in old}
        entry['obj'] = dict(body, **kept, updatedAt=now_iso())
        if collection.name == 'populations' and entry['obj'].get('default'):
            self.clear_default(env, keep=old['id'])
        if collection.name == 'users':
            self.recount(env)
        return 200, {}, self.present(route, path, entry)

    def item_patch(self, route, query, body):
        collection, entry, path = self.find(route)
        if not collection.patch:
            raise APIError(405, headers={'Allow': 'GET, PUT, DELETE'})
        env, old = route['env'], entry['obj']
        # Update User (PATCH): the body's attributes are merged into the user; others keep their values.
        merged = copy.deepcopy(old)
        for key, value in body.items():
            if key not in READ_ONLY:
                merged[key] = value
        problems = collection.validate({k: v for k, v in merged.items() if k not in READ_ONLY}, self.store, env, existing=old)
        if problems:
            raise invalid(*problems)
        self.check_unique(collection, env, merged, skip_id=old['id'])
        merged['updatedAt'] = now_iso()
        entry['obj'] = merged
        if collection.name == 'users':
            self.recount(env)
        return 200, {}, self.present(route, path, entry)

    def item_delete(self, route, query, body):
        collection, entry, _path = self.find(route)
        env, obj_id = route['env'], entry['obj']['id']
        if collection.name == 'populations':
            if any(u['obj']['population']['id'] == obj_id for u in self.store.items(env, 'users').values()):
                # UNCONFIRMED: refusing to delete a population that still holds users.
                raise invalid(('INVALID_VALUE', 'population', 'The population still contains users'))
        if collection.name == 'applications' and obj_id in self.op_clients.registered:
            self.op_clients.delete(obj_id)  # first: a refusal leaves the application as it was
        del self.store.items(env, collection.name)[obj_id]
        self.store.fresh.discard(obj_id)
        if collection.name == 'users':
            self.store.memberships.pop(obj_id, None)
            self.recount(env)
        elif collection.name == 'groups':
            # Its own nestings, and every membership and nesting in it.
            self.store.memberships.pop(obj_id, None)
            for groups in self.store.memberships.values():
                groups.pop(obj_id, None)
        elif collection.name == 'applications':
            self.store.secrets.pop(obj_id, None)
            for gid in [k for k, v in self.store.items(env, 'grants').items() if v['obj']['application']['id'] == obj_id]:
                del self.store.items(env, 'grants')[gid]
        elif collection.name == 'resources':
            for name, key in (('scopes', 'resource'), ('grants', 'resource')):
                for cid in [k for k, v in self.store.items(env, name).items() if v['obj'][key]['id'] == obj_id]:
                    del self.store.items(env, name)[cid]
        elif collection.name == 'scopes':
            for grant in self.store.items(env, 'grants').values():
                grant['obj']['scopes'] = [s for s in grant['obj']['scopes'] if s['id'] != obj_id]
        return 204, {}, None

    def update_client(self, app_id, body):
        """The OP's client follows a replaced application (Update Application (OIDC) is a PUT of the whole object)."""
        metadata = client_metadata(body)
        if metadata is None:
            # Now PRIVATE_KEY_JWT without keys: no client the OP can hold, so none at all (its id stays the same).
            self.op_clients.delete(app_id)
            return
        client_secret = self.op_clients.update(app_id, metadata)
        if client_secret:
            # The OP keeps a client's secret across updates, and makes one when a NONE client becomes confidential.
            self.store.secrets[app_id] = client_secret

    def clear_default(self, env, keep=None):
        # Populations data model: "Only one population per environment can be the default."
        for entry in self.store.items(env, 'populations').values():
            if entry['obj']['id'] != keep and entry['obj'].get('default'):
                entry['obj']['default'] = False

    def recount(self, env):
        counts = {}
        for user in self.store.items(env, 'users').values():
            pid = user['obj']['population']['id']
            counts[pid] = counts.get(pid, 0) + 1
        for entry in self.store.items(env, 'populations').values():
            entry['obj']['userCount'] = counts.get(entry['obj']['id'], 0)

    # -- application secret --

    def secret_get(self, route, query, body):
        # Read Application Secret: GET .../applications/{appID}/secret answers {"secret": ...} (with "previous" only
        # after a rotation, which this server does not model).
        # https://developer.pingidentity.com/pingone-api/platform/applications/application-secret/read-application-secret.html
        env, app_id = route['env'], route['id']
        if app_id not in self.store.items(env, 'applications'):
            raise not_found()
        if app_id in self.store.fresh:
            # not_found_after_create: the first read of a new application, of itself or of its secret, answers 404.
            self.store.fresh.discard(app_id)
            raise not_found()
        path = '%s/applications/%s/secret' % (self.owner_path(route), app_id)
        return 200, {}, {'_links': {'self': {'href': self.href(path)}}, 'environment': {'id': env}, 'secret': self.store.secrets[app_id]}

    # -- a user's population and enabled state, each an endpoint of its own --
    # Update User Population: PUT .../users/{userID}/population with {"id": populationID}; Read User Population.
    # "If a user's population changes, they are also removed from any group that contains them for this population"
    # (Groups). Update User Enabled: PUT .../users/{userID}/enabled with {"enabled": bool}; Read User Enabled.
    # https://developer.pingidentity.com/pingone-api/platform/users/user-populations/update-user-population.html
    # https://developer.pingidentity.com/pingone-api/platform/users/enable-users/update-user-enabled.html

    def user_attribute(self, route):
        user = self.store.items(route['env'], 'users').get(route['member'])
        if user is None:
            raise not_found()
        return user

    def user_attribute_answer(self, route, user):
        path = '%s/users/%s/%s' % (self.owner_path(route), route['member'], route['attribute'])
        answer = {'_links': {'self': {'href': self.href(path)}}, 'environment': {'id': route['env']}}
        if route['attribute'] == 'population':
            answer['id'] = user['obj']['population']['id']
        else:
            answer.update(id=user['obj']['id'], enabled=user['obj'].get('enabled', True))
        return answer

    def user_attribute_get(self, route, query, body):
        return 200, {}, self.user_attribute_answer(route, self.user_attribute(route))

    def user_attribute_put(self, route, query, body):
        env, user = route['env'], self.user_attribute(route)
        if route['attribute'] == 'population':
            population = body.get('id')
            if not isinstance(population, str):
                raise invalid(('REQUIRED_VALUE', 'id', 'id (the population ID) is required'))
            if population not in self.store.items(env, 'populations'):
                raise invalid(('INVALID_VALUE', 'id', 'population %s does not exist' % population))
            old = user['obj']['population']['id']
            if population != old:
                groups = self.store.items(env, 'groups')
                memberships = self.store.memberships.get(user['obj']['id'], {})
                for group_id in [g for g in memberships if (groups[g]['obj'].get('population') or {}).get('id') == old]:
                    del memberships[group_id]
                user['obj']['population'] = {'id': population}
                self.recount(env)
        else:
            if not isinstance(body.get('enabled'), bool):
                raise invalid(('INVALID_VALUE', 'enabled', 'enabled must be a boolean'))
            user['obj']['enabled'] = body['enabled']
        user['obj']['updatedAt'] = now_iso()
        return 200, {}, self.user_attribute_answer(route, user)

    # -- group memberships of a user, and group nesting --
    # Add User to Group: POST .../users/{userID}/memberOfGroups with {"id": groupID}; read all / one, remove with
    # DELETE .../memberOfGroups/{groupID} (readAllGroupMembershipsForUser, removeUserFromGroup); items are
    # GroupMembership {id, name, type: DIRECT|INDIRECT} under _embedded.groupMemberships.
    # https://developer.pingidentity.com/pingone-api/platform/users/group-membership/add-user-to-group.html
    # Group nesting is the same shape under .../groups/{groupID}/memberOfGroups: Create Group Nesting ("Members of the
    # group identified in the request URL are dynamically added to the group specified in the body"), Read Group
    # Nesting (the groups that contain the target group), Delete Group Nesting.
    # https://developer.pingidentity.com/pingone-api/platform/groups/create-nested-group.html
    # https://developer.pingidentity.com/pingone-api/platform/groups/read-group-member-of.html
    # Its list is taken to use _embedded.groupMemberships too (UNCONFIRMED: the page shows no list answer).

    # A member of a nested group is a member of its parents: PingOne lists those memberships too, as type INDIRECT
    # (GroupMembership type DIRECT or INDIRECT; Read All Group Memberships for User "returns all groups that the
    # specified user is a member of"). Removing one is refused (UNCONFIRMED): it goes with the nesting that makes it.
    # https://developer.pingidentity.com/pingone-api/platform/users/group-membership/read-all-group-memberships-for-user.html

    def membership(self, route, member_id, group_id, kind='DIRECT'):
        env = route['env']
        group = self.store.items(env, 'groups')[group_id]['obj']
        path = '%s/%s/%s/memberOfGroups/%s' % (self.owner_path(route), route['owner'], member_id, group_id)
        return {'_links': {'self': {'href': self.href(path)}}, 'id': group_id, 'environment': {'id': env}, 'name': group['name'], 'type': kind}

    def indirect_groups(self, member_id, direct):
        """The groups a member is in through nesting only: parents of its groups, their parents, ..., not direct."""
        seen, todo, found = set(direct) | {member_id}, list(direct), []
        while todo:
            for parent in self.store.memberships.get(todo.pop(0), {}):
                if parent not in seen:
                    seen.add(parent)
                    found.append(parent)
                    todo.append(parent)
        return found

    def memberships_of(self, route):
        env, member_id = route['env'], route['member']
        if member_id not in self.store.items(env, route['owner']):
            raise not_found()
        return self.store.memberships.setdefault(member_id, {})

    def memberships_get(self, route, query, body):
        groups = self.memberships_of(route)
        path = '%s/%s/%s/memberOfGroups' % (self.owner_path(route), route['owner'], route['member'])
        limit_text = (query.get('limit') or [None])[0]
        after = self.cursors.decode(query['cursor'][0])['a'] if query.get('cursor') else 0
        if query.get('filter'):
            raise invalid(('INVALID_FILTER', 'filter', 'Invalid filter: not supported by this test server'))  # UNCONFIRMED
        limit = 200
        if limit_text is not None:
            if not re.fullmatch(r'[0-9]+', limit_text) or int(limit_text) < 1:
                raise invalid(('INVALID_VALUE', 'limit', 'limit must be a positive integer'))
            limit = min(int(limit_text), 200)
        size = min(limit, self.page_cap) if self.page_cap else limit
        all_groups = self.store.items(route['env'], 'groups')
        # Direct memberships in the order they were made, then the indirect ones (after every direct one).
        ordered = sorted(((g, s, 'DIRECT') for g, s in groups.items()), key=lambda entry: entry[1]) + sorted(
            ((g, INDIRECT_ORDER + all_groups[g]['seq'], 'INDIRECT') for g in self.indirect_groups(route['member'], groups)), key=lambda entry: entry[1]
        )
        remaining = [entry for entry in ordered if entry[1] > after]
        chunk = remaining[:size]
        links = {'self': {'href': self.href(path)}}
        if len(remaining) > size:
            links['next'] = {'href': self.href('%s?limit=%d&cursor=%s' % (path, limit, self.cursors.encode({'f': None, 'a': chunk[-1][1], 'l': None})))}
        return (
            200,
            {},
            {
                '_links': links,
                '_embedded': {'groupMemberships': [self.membership(route, route['member'], g, kind) for g, _s, kind in chunk]},
                'count': len(ordered),
                'size': len(chunk),
            },
        )

    def memberships_post(self, route, query, body):
        groups = self.memberships_of(route)
        group_id = body.get('id')
        if not isinstance(group_id, str):
            raise invalid(('REQUIRED_VALUE', 'id', 'id (the group ID) is required'))
        group = self.store.items(route['env'], 'groups').get(group_id)
        if group is None:
            raise invalid(('INVALID_VALUE', 'id', 'group %s does not exist' % group_id))
        member = self.store.items(route['env'], route['owner'])[route['member']]['obj']
        scope = (group['obj'].get('population') or {}).get('id')
        if route['owner'] == 'users':
            if scope and scope != member['population']['id']:
                # Groups: "A population-level group can contain users from that population only" (admin guide).
                raise invalid(('INVALID_VALUE', 'id', 'the group belongs to another population'))
        else:
            if group_id == route['member']:
                raise invalid(('INVALID_VALUE', 'id', 'A group cannot be nested in itself'))  # UNCONFIRMED
            if scope and scope != (member.get('population') or {}).get('id'):
                # Nested groups: "You cannot nest an environment-level group inside a population-level group"
                # (https://docs.pingidentity.com/pingone/directory/p1_nested_groups.html); nor, UNCONFIRMED, a group of
                # another population. Circular references are allowed (same page).
                raise invalid(('INVALID_VALUE', 'id', 'A group cannot be nested in a population-level group of another scope'))
        if group_id in groups:
            raise invalid(('UNIQUENESS_VIOLATION', 'id', 'Already a member of this group.'))  # UNCONFIRMED
        groups[group_id] = self.store.next_seq()
        path = '%s/%s/%s/memberOfGroups/%s' % (self.owner_path(route), route['owner'], route['member'], group_id)
        return 201, {'Location': self.href(path)}, self.membership(route, route['member'], group_id)

    def membership_get(self, route, query, body):
        groups = self.memberships_of(route)
        if route['id'] in groups:
            return 200, {}, self.membership(route, route['member'], route['id'])
        if route['id'] in self.indirect_groups(route['member'], groups):
            return 200, {}, self.membership(route, route['member'], route['id'], 'INDIRECT')
        raise not_found()

    def membership_delete(self, route, query, body):
        groups = self.memberships_of(route)
        if route['id'] not in groups and route['id'] in self.indirect_groups(route['member'], groups):
            raise invalid(('INVALID_VALUE', 'id', 'An indirect membership cannot be removed: remove the group nesting that makes it'))  # UNCONFIRMED
        if groups.pop(route['id'], None) is None:
            raise not_found()
        return 204, {}, None


# ---- routes: (kind, pattern, citation) ----

ENV = r'/v1/environments/(?P<env>[^/]+)'
# The place of indirect memberships in a member's list: after every direct one (direct ones are ordered by sequence).
INDIRECT_ORDER = 10**9
ROUTES = [
    # Populations: https://developer.pingidentity.com/pingone-api/platform/populations.html
    ('collection', ENV + r'/(?P<collection>populations)/?$'),
    ('item', ENV + r'/(?P<collection>populations)/(?P<id>[^/]+)$'),
    # Groups: https://developer.pingidentity.com/pingone-api/platform/groups.html
    ('collection', ENV + r'/(?P<collection>groups)/?$'),
    ('item', ENV + r'/(?P<collection>groups)/(?P<id>[^/]+)$'),
    # Users: https://developer.pingidentity.com/pingone-api/platform/users/users-1/create-user.html
    ('collection', ENV + r'/(?P<collection>users)/?$'),
    ('item', ENV + r'/(?P<collection>users)/(?P<id>[^/]+)$'),
    # User Populations: https://developer.pingidentity.com/pingone-api/platform/users/user-populations/update-user-population.html
    # Enable Users: https://developer.pingidentity.com/pingone-api/platform/users/enable-users/update-user-enabled.html
    ('user_attribute', ENV + r'/users/(?P<member>[^/]+)/(?P<attribute>population|enabled)$'),
    # Group Membership: https://developer.pingidentity.com/pingone-api/platform/users/group-membership/add-user-to-group.html
    # Group Nesting: https://developer.pingidentity.com/pingone-api/platform/groups/create-nested-group.html
    ('memberships', ENV + r'/(?P<owner>users|groups)/(?P<member>[^/]+)/memberOfGroups/?$'),
    ('membership', ENV + r'/(?P<owner>users|groups)/(?P<member>[^/]+)/memberOfGroups/(?P<id>[^/]+)$'),
    # Applications: https://developer.pingidentity.com/pingone-api/platform/applications/applications-1.html
    ('collection', ENV + r'/(?P<collection>applications)/?$'),
    ('item', ENV + r'/(?P<collection>applications)/(?P<id>[^/]+)$'),
    # Application Secret: https://developer.pingidentity.com/pingone-api/platform/applications/application-secret/read-application-secret.html
    ('secret', ENV + r'/applications/(?P<id>[^/]+)/secret$'),
    # Application Resource Grants: https://developer.pingidentity.com/pingone-api/platform/applications/application-resource-grants.html
    ('collection', ENV + r'/applications/(?P<parent_id>[^/]+)/(?P<collection>grants)/?$'),
    ('item', ENV + r'/applications/(?P<parent_id>[^/]+)/(?P<collection>grants)/(?P<id>[^/]+)$'),
    # Resources: https://developer.pingidentity.com/pingone-api/platform/resources/resources-1.html
    ('collection', ENV + r'/(?P<collection>resources)/?$'),
    ('item', ENV + r'/(?P<collection>resources)/(?P<id>[^/]+)$'),
    # Resource scopes: https://developer.pingidentity.com/pingone-api/platform/resources/resource-scopes/create-custom-resource-scope.html
    ('collection', ENV + r'/resources/(?P<parent_id>[^/]+)/(?P<collection>scopes)/?$'),
    ('item', ENV + r'/resources/(?P<parent_id>[^/]+)/(?P<collection>scopes)/(?P<id>[^/]+)$'),
]
COMPILED = [(kind, re.compile(pattern)) for kind, pattern in ROUTES]
PARENTS = {'grants': 'applications', 'scopes': 'resources'}


def match_route(path):
    """The route a path names, as a dict (kind, env, collection, id, parent, collection_path), or None."""
    for kind, pattern in COMPILED:
        found = pattern.match(path)
        if not found:
            continue
        route = dict(found.groupdict(), kind=kind)
        if 'collection' in route:
            name = route['collection']
            route['collection_path'] = path.rstrip('/') if kind == 'collection' else path.rsplit('/', 1)[0]
            if route.get('parent_id'):
                route['parent'] = (PARENTS[name], route.pop('parent_id'))
        return route
    return None


def route_methods(kind):
    return {
        'collection': ['GET', 'POST'],
        'item': ['GET', 'PUT', 'DELETE'],
        'secret': ['GET'],
        'memberships': ['GET', 'POST'],
        'membership': ['GET', 'DELETE'],
        'user_attribute': ['GET', 'PUT'],
    }[kind]


def parse_fail_first(spec):
    """{"METHOD /path": [status, n]} as a list of [method, path, status, left]."""
    faults = []
    for key, value in dict(spec).items():
        method, _sep, path = key.partition(' ')
        status, count = (list(value) + [1])[:2] if isinstance(value, (list, tuple)) else (value, 1)
        faults.append([method.upper(), path.strip(), int(status), int(count)])
    return faults


class Handler(BaseHTTPRequestHandler):
    """One request: control route, else the API; one JSON log line (method, path, status)."""

    protocol_version = 'HTTP/1.1'
    server_version = 'PingOneAPITest/1'

    def log_message(self, *args):
        pass  # the JSON request log replaces the access log

    def _read_body(self):
        length = int(self.headers.get('Content-Length') or 0)
        if length > MAX_BODY:
            raise APIError(400, 'INVALID_REQUEST', 'The request body is too large.')
        return self.rfile.read(length) if length else b''

    def _send(self, status, headers, body):
        data = b'' if body is None else json.dumps(body).encode()
        self.send_response(status)
        if body is not None:
            self.send_header('Content-Type', 'application/json')
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        if data and self.command != 'HEAD':
            self.wfile.write(data)

    def _control(self):
        given = self.headers.get('X-Test-Control', '')
        secret = self.server.api.config.get('control_secret') or ''
        body = self._read_body()
        if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
            return self._send(403, {}, None)
        try:
            with self.server.log_lock:
                self.server.api.reset(json.loads(body or b'{}'))
                open(self.server.log_path, 'w').close()
        except APIError as exc:  # the OP refused to delete a client: say so, the harness fails the test
            return self._send(exc.status, {}, exc.body())
        return self._send(204, {}, None)

    def _dispatch(self):
        method, path = self.command.upper(), urlsplit(self.path).path
        if method == 'POST' and path == CONTROL_PATH:
            return self._control()
        try:
            status, headers, body = self.server.api.handle(method, self.path, self.headers, self._read_body())
        except APIError as exc:
            status, headers, body = exc.status, exc.headers, exc.body()
        except Exception as exc:  # noqa: BLE001 - a test server answers 500 and says which exception, never its text
            sys.stderr.write('unexpected %s on %s %s\n' % (type(exc).__name__, method, path))
            error = APIError(500)
            status, headers, body = 500, {}, error.body()
        # Logged before the answer goes out: a client that has its answer finds the request in the log.
        line = json.dumps({'method': method, 'path': path, 'status': status}) + '\n'
        with self.server.log_lock:
            with open(self.server.log_path, 'a') as f:
                f.write(line)
        self._send(status, headers, body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _dispatch


def main(argv=None):
    """Run the server described by the config file in argv[0]."""
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        sys.stderr.write('usage: python -m servers.pingone_api.server CONFIG_JSON\n')
        return 2
    with open(argv[0]) as f:
        config = json.load(f)
    api = API(config, scim_server.Introspector(config), scim_server.IntrospectionUnavailable)
    server = ThreadingHTTPServer((config.get('host', '127.0.0.1'), int(config.get('port', 0))), Handler)
    server.daemon_threads = True
    server.api, server.log_path, server.log_lock = api, config['log_path'], threading.Lock()
    open(server.log_path, 'a').close()
    api.base_url = '%s://%s:%d' % ('https' if config.get('tls_cert') else 'http', config.get('host', '127.0.0.1'), server.server_address[1])
    return scim_server.serve(server, config)


if __name__ == '__main__':
    sys.exit(main())
