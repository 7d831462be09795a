# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The collections of the PingOne test server: what each validates in a body, the fields the server owns and produces,
and which objects collide by name.

Models are those of the contract (contract.py; SDK = management/generate/pingone-management.yml at the commit it names).
No model of the contract is closed (no ``additionalProperties: false`` anywhere), so unknown fields are kept, never
refused. Where the contract is silent the choice is the stricter one and says so (UNCONFIRMED).
"""

import re

from . import catalog

# Application enums (SDK): EnumApplicationType, EnumApplicationOIDCGrantType, EnumApplicationOIDCTokenAuthMethod
# (109-112), EnumApplicationOIDCResponseType, EnumApplicationOIDCPKCEOption. This server models the OIDC application types
# the role manages; SAML, WS_FED and the built-in PING_ONE_* types answer 400.
APP_TYPES = ('WEB_APP', 'NATIVE_APP', 'SINGLE_PAGE_APP', 'WORKER')
APP_PROTOCOLS = ('OPENID_CONNECT',)
GRANT_TYPES = ('AUTHORIZATION_CODE', 'IMPLICIT', 'REFRESH_TOKEN', 'CLIENT_CREDENTIALS', 'DEVICE_CODE', 'TOKEN_EXCHANGE', 'CIBA')
AUTH_METHODS = ('NONE', 'CLIENT_SECRET_BASIC', 'CLIENT_SECRET_POST', 'CLIENT_SECRET_JWT', 'PRIVATE_KEY_JWT')
RESPONSE_TYPES = ('TOKEN', 'ID_TOKEN', 'CODE')
PKCE_OPTIONS = ('OPTIONAL', 'REQUIRED', 'S256_REQUIRED')
# EnumResourceType (SDK 659-662): "Only the CUSTOM resource type can be created. OPENID_CONNECT specifies the built-in
# platform resource for OpenID Connect. PINGONE_API specifies the built-in platform resource for PingOne."
CUSTOM, OPENID_CONNECT, PINGONE_API = 'CUSTOM', 'OPENID_CONNECT', 'PINGONE_API'
# EnumUserLifecycleStatus (SDK 798): "only allowed to be set when importing a user".
LIFECYCLE_STATUSES = ('ACCOUNT_OK', 'VERIFICATION_REQUIRED')
# Scope names on the PingOne API resource: "p1:read:user, p1:update:user, or p1:read:user:{suffix} / p1:update:user:{suffix}"
# (Terraform resource_resource_scope_pingone_api.go:86-90, the validator of pingone_resource_scope_pingone_api.name).
PINGONE_API_SCOPE = re.compile(r'^p1:(read|update):user(:[!\x23-\x5B\x5D-~]+)*$')


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


def _boolean(body, key, problems):
    if key in body and not isinstance(body[key], bool):
        problems.append(('INVALID_VALUE', key, '%s must be a boolean' % key))


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


def population_of(obj):
    """The population id of a group or user, None for an environment-level group."""
    return (obj.get('population') or {}).get('id')


class Collection(object):
    """One collection: its name, the path parameter of an object, its parent, filters and validation.

    ``filters`` maps an attribute to the operators a ``filter`` may use on it (None: the list takes no filter);
    ``unique`` is the attribute that is unique (case-insensitively) among the objects ``collides`` pairs.
    """

    name = None
    id_param = None
    parent = None  # (parent collection, its path parameter, the key that names it in a child)
    filters = None
    unique = None

    def validate(self, body, store, env, existing=None, import_=False):
        """Detail tuples for a create (existing None), a replace (PUT) or a merged PATCH."""
        return []

    def collides(self, obj, other):
        """Whether two objects of this collection may not share the unique attribute: by default, all of them."""
        return True

    def unique_key(self, obj):
        """What two colliding objects may not share: the unique attribute, without its case (None: nothing to compare)."""
        value = obj.get(self.unique) if self.unique else None
        return value.lower() if isinstance(value, str) else None

    def produce(self, obj, store, env, held=None, import_=False):
        """The fields the server owns, set on a new object (held None) or carried over a replace."""
        return obj


class Populations(Collection):
    # Population (SDK 5909-5966): name required, "must be unique within an environment" (5935-5937); "Only one population
    # per environment can be the default" (default, 5923-5926); userCount read-only. readAllPopulations filter: "Only the id
    # and name parameters are supported" (23567-23572); the operators (name sw, id eq) are the prose Query parameter quick
    # reference's, https://developer.pingidentity.com/pingone-api/platform/reference/query-parameter-quick-reference.html
    name = 'populations'
    id_param = 'populationID'
    filters = {'name': ('sw',), 'id': ('eq',)}
    unique = 'name'

    def validate(self, body, store, env, existing=None, import_=False):
        problems = []
        _string(body, 'name', True, problems)
        _boolean(body, 'default', problems)
        return problems

    def produce(self, obj, store, env, held=None, import_=False):
        obj.setdefault('default', False)
        obj['userCount'] = held.get('userCount', 0) if held else 0
        return obj


class Groups(Collection):
    # Group (SDK 3915-3977): name required; "A group name can be reused across populations, but the same user cannot belong
    # to multiple groups with the same group name. Population groups cannot share a group name with an environment group"
    # (3941). displayName "For groups created on PingOne, this parameter is identical to name" (3926-3929, read-only).
    # population read-only after create: Terraform resource_group.go:97-106 (RequiresReplace) and the prose Groups page
    # (https://developer.pingidentity.com/pingone-api/platform/groups.html). readAllGroups filter example name eq "Training"
    # (16934-16938); the attribute list below is the prose Read All Groups page's (UNCONFIRMED beyond name).
    name = 'groups'
    id_param = 'groupID'
    filters = {'name': ('eq', 'sw'), 'externalId': ('eq', 'sw'), 'displayName': ('eq', 'sw'), 'id': ('eq',), 'population.id': ('eq',), 'sourceId': ('eq',)}
    unique = 'name'

    def validate(self, body, store, env, existing=None, import_=False):
        problems = []
        _string(body, 'name', True, problems)
        for key in ('description', 'externalId', 'userFilter'):
            if key in body and not isinstance(body[key], str):
                problems.append(('INVALID_VALUE', key, '%s must be a string' % key))
        population = _ref(body, 'population', False, problems)
        if existing is None and population and population not in store.items(env, 'populations'):
            problems.append(('INVALID_VALUE', 'population.id', 'population %s does not exist' % population))
        return problems

    def collides(self, obj, other):
        # Same population, or one of them environment-level (3941); two populations may each have a group of the name.
        mine, theirs = population_of(obj), population_of(other)
        return mine == theirs or mine is None or theirs is None

    def produce(self, obj, store, env, held=None, import_=False):
        obj['displayName'] = obj.get('name')
        return obj


class Users(Collection):
    # User (SDK 8153-8399): username "must be unique within an environment" (8389-8394); case-insensitive by the prose
    # Create User page ("The username value is case-insensitive, and must be unique to an environment (spanning
    # populations)", https://developer.pingidentity.com/pingone-api/platform/users/users-1/create-user.html). Without
    # population.id the user goes to the default population (Population.default, 5923-5926); with none this server answers
    # 400 (UNCONFIRMED). User.required is [email, username] (8397-8399), for every user operation alike; email is not
    # required here (UNCONFIRMED: the prose Create User page asks only for username). readAllUsers filter: the contract's
    # example is memberOfGroups[id eq "..."] and name.family eq "demo" (28304-28308); the other attributes are UNCONFIRMED.
    name = 'users'
    id_param = 'userID'
    filters = {
        'username': ('eq', 'sw'),
        'email': ('eq', 'sw'),
        'id': ('eq',),
        'population.id': ('eq',),
        'memberOfGroups.id': ('eq',),
        'name.family': ('eq', 'sw'),
        'name.given': ('eq', 'sw'),
    }
    unique = 'username'

    def validate(self, body, store, env, existing=None, import_=False):
        problems = []
        _string(body, 'username', True, problems, max_len=128)
        if 'email' in body and not (isinstance(body['email'], str) and '@' in body['email']):
            problems.append(('INVALID_VALUE', 'email', 'email must be an email address'))
        _boolean(body, 'mfaEnabled', problems)
        if 'name' in body and not isinstance(body['name'], dict):
            problems.append(('INVALID_VALUE', 'name', 'name must be an object'))
        population = _ref(body, 'population', False, problems)
        if population and population not in store.items(env, 'populations'):
            problems.append(('INVALID_VALUE', 'population.id', 'population %s does not exist' % population))
        if existing is not None and population and population != population_of(existing):
            # A PATCH that moves a user (the PUT is refused by the contract, SDK 8357): "it can be updated using PUT
            # .../users/{{userID}}/population". Whether PingOne refuses it in a PATCH: UNCONFIRMED, the stricter reading.
            problems.append(('INVALID_VALUE', 'population.id', "Use PUT /users/{userID}/population to change a user's population"))
        status = (body.get('lifecycle') or {}).get('status') if isinstance(body.get('lifecycle'), dict) else None
        if import_ and status is not None and status not in LIFECYCLE_STATUSES:
            problems.append(('INVALID_VALUE', 'lifecycle.status', 'lifecycle.status must be one of %s' % ', '.join(LIFECYCLE_STATUSES)))
        if population is None and not problems and existing is None and store.default_population(env) is None:
            problems.append(('REQUIRED_VALUE', 'population.id', 'population.id is required: the environment has no default population'))
        return problems

    def produce(self, obj, store, env, held=None, import_=False):
        """The server-owned fields of a user (SDK 8153-8439); whether PingOne returns each by default: UNCONFIRMED."""
        if held is not None:
            return obj
        if not obj.get('population'):
            obj['population'] = {'id': store.default_population(env)}
        obj['enabled'] = True  # "set to 'true' by default when the user is created" (8203-8206)
        obj.setdefault('mfaEnabled', False)  # "set to false by default when the user is created" (8264-8266)
        obj.setdefault('emailVerified', False)  # settable on import only (8199)
        obj.setdefault('lifecycle', {'status': 'ACCOUNT_OK'})  # EnumUserLifecycleStatus (798)
        provider = obj.setdefault('identityProvider', {})
        if 'id' not in provider:
            provider['type'] = 'PING_ONE'  # "The default value of PING_ONE is set when a value for identityProvider.id is not provided"
        obj['account'] = {'canAuthenticate': True, 'status': 'OK'}  # UserAccount.required (8416-8439), EnumUserStatus [LOCKED, OK]
        obj['verifyStatus'] = 'NOT_INITIATED'  # "NOT_INITIATED (the initial value)" (EnumUserVerifyStatus, 817-820)
        return obj


class Applications(Collection):
    # Application (SDK 1073-1156): enabled, name, type, protocol required (1152-1156); ApplicationOIDC requires
    # tokenEndpointAuthMethod (1566-1568). No name uniqueness is stated (1140-1142). redirectUris required for the
    # authorization code and implicit grants: the prose Update Application (OIDC) page, UNCONFIRMED in the contract.
    # type and protocol cannot change (Terraform resource_application.go:483-506, 989-996): conformance.py refuses it.
    name = 'applications'
    id_param = 'applicationID'

    def validate(self, body, store, env, existing=None, import_=False):
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
        if body.get('type') == 'WORKER' and grants and set(grants) - {'CLIENT_CREDENTIALS', 'AUTHORIZATION_CODE', 'IMPLICIT', 'REFRESH_TOKEN'}:
            problems.append(('INVALID_VALUE', 'grantTypes', 'grant types not supported for WORKER applications'))  # UNCONFIRMED
        return problems


class Resources(Collection):
    # Resource (SDK 6618-6679): name required and "must be unique within an environment" (6666-6668);
    # accessTokenValiditySeconds "If a value is not specified, the default is 3600. The minimum value is 300 ...; the
    # maximum value is 2592000" (6623-6625); audience "must not contain pingone or pingidentity ... If a URL is not
    # specified, the resource name is used" (6633-6635); "Only the CUSTOM resource type can be created" (659-662). A
    # resource's type never changes (UNCONFIRMED: the stricter reading).
    name = 'resources'
    id_param = 'resourceID'
    unique = 'name'

    def validate(self, body, store, env, existing=None, import_=False):
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
        held_type = existing.get('type') if existing is not None else CUSTOM
        if 'type' in body and body['type'] != held_type:
            what = 'only CUSTOM resources can be created' if existing is None else 'the type of a resource cannot change'
            problems.append(('INVALID_VALUE', 'type', what, {'allowedValues': [held_type]}))
        return problems

    def produce(self, obj, store, env, held=None, import_=False):
        obj.setdefault('accessTokenValiditySeconds', 3600)
        obj['type'] = held['type'] if held else CUSTOM
        if obj['type'] == CUSTOM:
            obj.setdefault('audience', obj['name'])
        return obj


class Scopes(Collection):
    # ResourceScope (SDK 6828-6868): name required, unique within its resource (prose Create Custom resource scope:
    # "the name value must be unique within the specified environment resource"). Scopes of the built-in resources:
    # on PINGONE_API only p1:read:user[:suffix] and p1:update:user[:suffix] (Terraform
    # resource_resource_scope_pingone_api.go:86-90); on OPENID_CONNECT any name (resource_resource_scope_openid.go:84-86).
    name = 'scopes'
    id_param = 'scopeID'
    parent = ('resources', 'resourceID', 'resource')
    unique = 'name'

    def validate(self, body, store, env, existing=None, import_=False):
        problems = []
        _string(body, 'name', True, problems)
        name = body.get('name')
        resource = store.items(env, 'resources')[body['resource']['id']]['obj']
        if isinstance(name, str) and ' ' in name:
            # RFC 6749 section 3.3: a scope-token is 1*NQCHAR, no spaces (PingOne's own rule text UNCONFIRMED).
            problems.append(('INVALID_VALUE', 'name', 'a scope name must not contain spaces'))
        if resource is not None and resource.get('type') == PINGONE_API and isinstance(name, str) and not PINGONE_API_SCOPE.match(name):
            problems.append(
                (
                    'INVALID_VALUE',
                    'name',
                    'a scope of the PingOne API resource is p1:read:user:{suffix} or p1:update:user:{suffix}',
                    {'allowedPattern': PINGONE_API_SCOPE.pattern},
                )
            )
        for key in ('schemaAttributes', 'mappedClaims'):
            if key in body and not (isinstance(body[key], list) and all(isinstance(v, str) for v in body[key])):
                problems.append(('INVALID_VALUE', key, '%s must be an array of strings' % key))
        return problems

    def collides(self, obj, other):
        return obj['resource']['id'] == other['resource']['id']


class Grants(Collection):
    # ApplicationResourceGrant (SDK 1667-1714): resource and scopes required (1712-1714); the resource cannot change
    # (Terraform resource_application_resource_grant.go:64-71: conformance.py refuses it); each scope a scope of that
    # resource (prose Create Grant page).
    name = 'grants'
    id_param = 'grantID'
    parent = ('applications', 'applicationID', 'application')

    def validate(self, body, store, env, existing=None, import_=False):
        problems = []
        resource = _ref(body, 'resource', True, problems)
        scopes = body.get('scopes')
        if scopes is None:
            problems.append(('REQUIRED_VALUE', 'scopes', 'scopes is required'))
        elif not (isinstance(scopes, list) and scopes and all(isinstance(s, dict) and isinstance(s.get('id'), str) for s in scopes)):
            problems.append(('INVALID_VALUE', 'scopes', 'scopes must be a non-empty array of {id}'))
        if problems:
            return problems
        if resource not in store.items(env, 'resources'):
            return [('INVALID_VALUE', 'resource.id', 'resource %s does not exist' % resource)]
        known = store.items(env, 'scopes')
        for scope in scopes:
            found = known.get(scope['id'])
            if found is None or found['obj']['resource']['id'] != resource:
                problems.append(('INVALID_VALUE', 'scopes.id', 'scope %s is not a scope of resource %s' % (scope['id'], resource)))
        return problems


# The JSON types of the OpenAPI and the Python values each takes (a bool is no integer in JSON).
JSON_TYPES = {
    'string': (str,),
    'boolean': (bool,),
    'integer': (int,),
    'number': (int, float),
    'array': (list,),
    'object': (dict,),
}


def _value_at(obj, dotted):
    for part in dotted.split('.'):
        if not isinstance(obj, dict):
            return None
        obj = obj.get(part)
    return obj


class Catalogued(Collection):
    """A collection of catalog.py: validated as its model in the OpenAPI says (required fields, JSON types, enumerations),
    its objects of one parent unique on catalog.py's fields."""

    def __init__(self, entry):
        self.entry = entry
        self.name = entry.name
        self.id_param = entry.id_param
        self.parent = entry.parent
        self.unique = None  # unique_key below, on several (dotted) fields

    def variant(self, body):
        """The variants a body is read as: the one its type names (catalog.VARIANT_BY_TYPE), else every variant."""
        named = catalog.VARIANT_BY_TYPE.get(self.entry.model, {}).get(body.get('type'))
        if named in self.entry.variants:
            return [self.entry.variants[named]]
        return list(self.entry.variants.values())

    def validate(self, body, store, env, existing=None, import_=False):
        problems = []
        variants = self.variant(body)
        required = set(variants[0].required).intersection(*(v.required for v in variants[1:]))
        fields = {}
        for variant in variants:
            for key, spec in variant.fields.items():
                fields.setdefault(key, spec)
        for key in sorted(required):
            if body.get(key) is None:
                problems.append(('REQUIRED_VALUE', key, '%s is required' % key))
        for key, value in body.items():
            if key not in fields or value is None:
                continue
            kind, allowed = fields[key]
            if kind == 'enum' and value not in allowed:
                problems.append(('INVALID_VALUE', key, '%s must be one of %s' % (key, ', '.join(allowed)), {'allowedValues': list(allowed)}))
            elif kind == 'enum_list' and not (isinstance(value, list) and all(item in allowed for item in value)):
                problems.append(('INVALID_VALUE', key, '%s must be an array of %s' % (key, ', '.join(allowed)), {'allowedValues': list(allowed)}))
            elif kind in JSON_TYPES and (not isinstance(value, JSON_TYPES[kind]) or (kind in ('integer', 'number') and isinstance(value, bool))):
                problems.append(('INVALID_VALUE', key, '%s must be of type %s' % (key, kind)))
        for key, target in self.entry.references.items():
            ref = body.get(key)
            if isinstance(ref, dict) and ref.get('id') not in store.items(env, target):
                problems.append(('INVALID_VALUE', key + '.id', '%s %s does not exist' % (key, ref.get('id'))))
        return problems

    def unique_key(self, obj):
        values = [_value_at(obj, name) for name in self.entry.unique]
        if any(value is None for value in values):
            return None
        return tuple(value.lower() if isinstance(value, str) else value for value in values)

    def collides(self, obj, other):
        if self.parent is None:
            return True
        key = self.parent[2]
        return (obj.get(key) or {}).get('id') == (other.get(key) or {}).get('id')

    def produce(self, obj, store, env, held=None, import_=False):
        if held is None:
            for key, value in self.entry.produced.items():
                obj.setdefault(key, value)
        return obj


COLLECTIONS = {c.name: c for c in (Populations(), Groups(), Users(), Applications(), Resources(), Scopes(), Grants())}
COLLECTIONS.update((entry.name, Catalogued(entry)) for entry in catalog.ENTRIES)
