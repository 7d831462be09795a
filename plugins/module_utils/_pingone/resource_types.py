# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The PingOne resource types an environment document holds, as data: one row each. Internal to this collection; not a public API.

Each row says where the type's collection is and under which parent, how an object is known in YAML (its natural key,
scoped where PingOne scopes it), what PingOne's contract says of its fields (``Kind``: paging, read-only, immutable),
which fields the server owns besides, which are secrets, which change through endpoints of their own, which name
other objects (by id in PingOne, by name in YAML), and the type's place in the create and delete order.  The
environment engine (_environment) reads nothing else: adding a type is a row here, a route of the test server
written from the contract (tests/servers/pingone_api/contract.py), and tests.

The contract facts come from the OpenAPI description PingOne's Go SDK is generated from
(``management/generate/pingone-management.yml`` of patrickcping/pingone-go-sdk-v2 at commit
4a884deb5b2812afdea4475d71e55913b36cf2a5, v0.14.14; "SDK 8266" is its line 8266).  Where it is silent, the calls of
pingidentity/terraform-provider-pingone (commit cef5208af78019b95a0146818839f63237659b4e) or a prose page are named,
and what no source confirms says UNCONFIRMED.  _pingone.contract derives the collections it knows from this table.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple


class Kind(NamedTuple):
    """What PingOne's contract says of one kind of collection.

    ``paged``: its list operation declares ``limit`` and ``cursor`` (no other query parameter is sent: the SDK builds
    none where the contract declares none, and ``_links.next`` is followed everywhere).  ``read_only``: fields of its
    model the contract marks ``readOnly`` (dotted for nested ones): never sent, and never compared unless they change
    through an endpoint of their own.  ``update_read_only``: fields a create may set but whose description says an
    update (PUT or PATCH) cannot: left out of update bodies, and a change of one refused before anything is sent.
    ``immutable``: fields an update carries as they are held but never changes (an application's ``type``, the
    discriminator of its PUT body): kept in PUT bodies, a change refused.  ``put_immutable``: the same for a PUT only
    (a PATCH, or an endpoint of their own, may change them).
    """

    name: str
    paged: bool
    read_only: tuple[str, ...]
    update_read_only: tuple[str, ...] = ()
    immutable: tuple[str, ...] = ()
    put_immutable: tuple[str, ...] = ()


class Reference(NamedTuple):
    """A field of an object that names another object: ``{"id": ...}`` in PingOne, the other object's key in YAML.

    ``many``: a list of such references (a grant's scopes).  ``within``: the field of the same object that names the
    parent of what this field names (a grant's scopes are scopes of the grant's resource).  ``scoped_by``: a group name
    is first looked for among the groups of the population this field of the referring object (or of its parent item,
    for a link) names, then among the environment's groups ("A group name can be reused across populations",
    Group.name, SDK 3939-3941).  ``required``: the list may not be empty (a grant's scopes).  A dotted ``field``
    is a nested one (a sign-on policy action's ``registration.population``).
    """

    field: str
    to: str
    many: bool = False
    within: str | None = None
    scoped_by: str | None = None
    required: bool = False


class TargetRead(NamedTuple):
    """How the links of a link type can be read by the object they link to, many parents at once (_environment.by_target):
    the parent type's list with ``filter`` (``{id}``: the target's id as a JSON string), and, from the target's single
    read with ``include``, its counts of ``direct`` and ``total`` members (dotted fields), which say whether everyone the
    filter shows is linked directly."""

    filter: str
    include: str
    direct: str
    total: str


class ResourceType(NamedTuple):
    """One PingOne resource type of an environment document.

    ``name``: the contract's name of the collection (Kind.name).  ``plural``: its list in the document (under its
    parent's item for a child type).  ``word``: how messages name one object (``user``).  ``path``: the collection below
    ``/v1/environments/{environmentID}``, its parent's id as ``{parentID}``.  ``parent``: the type whose objects hold
    this collection.  ``key`` or ``key_query``: what tells its objects apart, an attribute or a JMESPath expression
    over the object as PingOne holds it (references by id).  ``case_insensitive``: whether the key ignores case.
    ``link``: a collection of references to objects of that type (a user's group memberships), listed in YAML as
    their names.  ``references``: fields that name other objects.  ``attribute_endpoints``: attributes an existing
    object changes through a sub-resource of its own, ``(name, body)`` as api_resource's ``attribute_endpoints``.
    ``server_owned``: fields the server sets beside the contract's read-only ones: never exported (an item that sets one
    is still compared on it).
    ``secrets``: write-only fields that hold a secret: never compared, never exported (a vault variable stands in).
    ``role_keys``: keys of a YAML item that are no attribute of the object (its children, ``state``, directives).
    ``defaults``: attributes every new object gets unless its item says otherwise.  ``select_query``: which listed
    objects are the document's to manage (PingOne lists INDIRECT memberships beside the direct ones).
    ``user_update_method``: updates follow the ``user_update_method`` option (PATCH or PUT), else PUT.
    ``create_order`` and ``delete_order``: places in the order of creates and of deletions (None: never deleted by
    ``state: absent``; a link goes with prune only).  ``secret_path``: a sub-resource holding the object's secret,
    read when an item says ``return_secret``.  ``export_only_key``: objects exported by their key only (built-in ones
    PingOne makes, whose attributes are not the document's).  ``by_target``: a link type's links can also be read by
    target (TargetRead).
    """

    name: str
    plural: str
    word: str
    path: str
    kind: Kind
    create_order: int
    delete_order: int | None = None
    key: str | None = 'name'
    key_query: str | None = None
    case_insensitive: bool = False
    parent: str | None = None
    link: str | None = None
    references: tuple[Reference, ...] = ()
    attribute_endpoints: tuple[tuple[str, str], ...] = ()
    server_owned: tuple[str, ...] = ()
    secrets: tuple[str, ...] = ()
    role_keys: tuple[str, ...] = ()
    defaults: Mapping[str, Any] = MappingProxyType({})
    select_query: str | None = None
    user_update_method: bool = False
    secret_path: str | None = None
    export_only_key: str | None = None
    name_key: str | None = None
    built_in: str | None = None
    by_target: TargetRead | None = None

    @property
    def item_key(self) -> str:
        """The attribute that names an object in YAML and in messages: its key, else ``name_key`` (dotted for a nested one)."""
        return self.key or self.name_key or 'name'

    def name_in(self, item: Any) -> Any:
        """The name an item (or an object) gives itself: the value at ``item_key``, or None."""
        return value_in(item, self.item_key)


def with_value(obj: Mapping[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    """A copy of ``obj`` with the dotted field set to ``value`` (None: left out), the objects on the way copied (or made),
    never changed in place: items are their caller's."""
    head, _dot, rest = dotted.partition('.')
    copy = dict(obj)
    if rest:
        inner = copy.get(head)
        if not isinstance(inner, Mapping):
            if value is None:
                return copy
            inner = {}
        copy[head] = with_value(inner, rest, value)
    elif value is None:
        copy.pop(head, None)
    else:
        copy[head] = value
    return copy


def value_in(obj: Any, dotted: str) -> Any:
    """The value at a dotted field of a JSON object, or None."""
    if '.' not in dotted:
        # Most fields: a dict's own (isinstance of Mapping, an ABC, cost more than the get, 10,000 times a run).
        return obj.get(dotted) if isinstance(obj, dict) or isinstance(obj, Mapping) else None
    for part in dotted.split('.'):
        if not isinstance(obj, Mapping):
            return None
        obj = obj.get(part)
    return obj


# Memberships and nestings the document manages: the direct ones. PingOne also lists those a member has through nested
# groups, as type INDIRECT (Read All Group Memberships for User); they go with the nesting that makes them.
DIRECT_ONLY = "type != 'INDIRECT'"

# The key of a group: its name, with its population's id when it belongs to one ("<name> (population <id>)"), the same
# text for an item (whose population became {"id": ...}) and for the group PingOne holds. A group name may repeat
# across populations (Group.name, SDK 3939-3941).
GROUP_KEY_QUERY = "join('', [name, population.id && join('', [' (population ', population.id, ')']) || ''])"

TYPES: tuple[ResourceType, ...] = (
    # readAllPopulations declares limit, filter, cursor (SDK 23562-23573); Population readOnly fields, SDK 5909-5966.
    # PingOne keeps a population that still holds users ("The platform default is that populations cannot be removed if
    # they contain user data", Terraform docs/index.md:171): deleted last.
    ResourceType(
        name='population',
        plural='populations',
        word='population',
        path='/populations',
        kind=Kind('population', True, ('_links', 'createdAt', 'environment', 'id', 'updatedAt', 'userCount')),
        create_order=10,
        delete_order=90,
        # Population.theme and passwordPolicy name objects by id (SDK 5941-5965), set by PingOne on new populations
        # (Terraform waits for a theme id, resource_population.go:23-75).
        server_owned=('theme', 'passwordPolicy'),
        role_keys=('state',),
    ),
    # readAllGroups: filter, limit (1-1000), cursor (SDK 16934-16946); Group readOnly, SDK 3915-3977. The population of a
    # group is fixed at create by Terraform (resource_group.go:97-106, RequiresReplace) and the Groups page ("The
    # population.id property is read-only after it is initially set", https://developer.pingidentity.com/pingone-api/platform/groups.html);
    # the OpenAPI does not mark it. Terraform's update sends it as held, so a PUT here does too. A group is keyed by its
    # name and population, so an item never binds to another population's group of the same name.
    ResourceType(
        name='group',
        plural='groups',
        word='group',
        path='/groups',
        kind=Kind(
            'group',
            True,
            ('_links', 'id', 'environment', 'displayName', 'sourceId', 'sourceType', 'directMemberCounts', 'totalMemberCounts', 'createdAt', 'updatedAt'),
            immutable=('population',),
        ),
        create_order=20,
        delete_order=80,
        key=None,
        key_query=GROUP_KEY_QUERY,
        name_key='name',
        references=(Reference('population', 'population'),),
        role_keys=('state', 'groups', 'roles'),
    ),
    # readAllUsers: filter, limit (1-1000), cursor (SDK 28304-28316); User readOnly, SDK 8153-8399 (enabled 8203: it changes
    # with PUT .../users/{id}/enabled only). Not by update (PUT or PATCH): mfaEnabled ("You cannot update mfaEnabled with PUT
    # UPDATE User or PATCH UPDATE User", SDK 8266), lifecycle ("only allowed to be set when importing a user", SDK 798);
    # population "cannot be updated using PUT .../users/{{userID}}" (SDK 8357): it moves with PUT .../users/{id}/population
    # (Update User Population), and enabled with PUT .../users/{id}/enabled (Update User Enabled). "The username value is
    # case-insensitive, and must be unique to an environment (spanning populations)" (Create User).
    ResourceType(
        name='user',
        plural='users',
        word='user',
        path='/users',
        kind=Kind(
            'user',
            True,
            (
                '_links',
                'createdAt',
                'emailVerified',
                'enabled',
                'environment',
                'id',
                'identityProvider.type',
                'lastSignOn',
                'memberOfGroupIDs',
                'memberOfGroupNames',
                'updatedAt',
                'account.lockedAt',
                'account.secondsUntilUnlock',
            ),
            ('mfaEnabled', 'lifecycle'),
            # identityProvider.id: Terraform plans it RequiresReplace (resource_user.go:240-243, 562-566); the OpenAPI calls it
            # mutable (SDK 8223) through PUT .../users/{id}/identityProvider, which the collection does not call.
            immutable=('identityProvider.id',),
            put_immutable=('population',),
        ),
        create_order=30,
        delete_order=70,
        key='username',
        case_insensitive=True,
        references=(Reference('population', 'population'),),
        attribute_endpoints=(('population', 'value'), ('enabled', 'object')),
        # What PingOne sets on a new user and no create or update of the document may set (SDK 8153-8439): the account's
        # state, the verification status, whether the email was verified, the lifecycle (import only), MFA (not by an
        # update), the identity provider (PING_ONE by default).
        server_owned=('account', 'verifyStatus', 'emailVerified', 'lifecycle', 'mfaEnabled', 'identityProvider', 'lastSignOn'),
        role_keys=('state', 'groups', 'roles'),
        user_update_method=True,
    ),
    # One collection per group: POST .../groups/{groupID}/memberOfGroups with {"id": parentGroupID} nests the group in
    # its parent (its members become the parent's), DELETE .../memberOfGroups/{parentGroupID} takes it out (Create
    # Group Nesting). readGroupNesting declares no query parameter (SDK 17268-17327); GroupNesting readOnly _links and
    # type (SDK 4001-4014); its answers carry a GroupMembership's environment and name as well (UNCONFIRMED for lists).
    ResourceType(
        name='group nesting',
        plural='groups',
        word='nesting',
        path='/groups/{groupID}/memberOfGroups',
        kind=Kind('group nesting', False, ('_links', 'type', 'environment', 'name')),
        create_order=40,
        key='id',
        parent='group',
        link='group',
        references=(Reference('id', 'group', scoped_by='population'),),
        select_query=DIRECT_ONLY,
    ),
    # One collection per user: POST .../users/{userID}/memberOfGroups with {"id": groupID} adds, DELETE
    # .../memberOfGroups/{groupID} removes (Group Membership). readAllGroupMembershipsForUser: expand, limit, cursor,
    # filter (SDK 29302-29317); GroupMembership readOnly _links, environment, name (SDK 3978-4000); type DIRECT or INDIRECT
    # (SDK 802-805), the server's word. Read by group too: readAllUsers' filter memberOfGroups[id eq "..."] (its own
    # example, SDK 28304-28308) and readOneGroup's include=totalMemberCounts (SDK 17084-17088) beside
    # directMemberCounts (Group, SDK 3960-3976); see _environment.by_target.
    ResourceType(
        name='group membership',
        plural='groups',
        word='membership',
        path='/users/{userID}/memberOfGroups',
        kind=Kind('group membership', True, ('_links', 'environment', 'name', 'type')),
        create_order=50,
        key='id',
        parent='user',
        link='group',
        references=(Reference('id', 'group', scoped_by='population'),),
        select_query=DIRECT_ONLY,
        by_target=TargetRead('memberOfGroups[id eq {id}]', 'totalMemberCounts', 'directMemberCounts.users', 'totalMemberCounts.users'),
    ),
    # readAllResources declares no query parameter (SDK 24386-24445); Resource readOnly, SDK 6618-6679; clientId "Supported
    # only for the POST operation" (SDK 6639). "Only the CUSTOM resource type can be created" (EnumResourceType, SDK
    # 659-662): the built-in OPENID_CONNECT and PINGONE_API resources are exported by name only.
    ResourceType(
        name='resource',
        plural='resources',
        word='resource',
        path='/resources',
        kind=Kind('resource', False, ('_links', 'clientSecret', 'createdAt', 'environment', 'resource', 'id', 'updatedAt'), ('clientId',)),
        create_order=60,
        delete_order=40,
        role_keys=('state', 'scopes', 'attributes'),
        export_only_key="type != 'CUSTOM'",
        built_in="type != 'CUSTOM'",
    ),
    # readAllResourceScopes declares no query parameter (SDK 25586-25645); ResourceScope readOnly, SDK 6828-6868. Names are
    # unique within the resource (Create Custom resource scope).
    ResourceType(
        name='resource scope',
        plural='scopes',
        word='scope',
        path='/resources/{resourceID}/scopes',
        kind=Kind('resource scope', False, ('_links', 'id', 'resource', 'environment', 'createdAt', 'updatedAt')),
        create_order=70,
        delete_order=20,
        parent='resource',
        role_keys=('state',),
    ),
    # readAllApplications declares no query parameter (SDK 10316-10375); Application and ApplicationOIDC readOnly, SDK 1073-1156,
    # 1319-1568; clientId POST only (SDK 1337), assignActorRoles "ignored when included in a PUT request" (SDK 1333).
    # type and protocol pick the model of the oneOf the body is read as (SDK 1143-1146, not readOnly); Terraform plans a
    # change of either as a replacement (resource_application.go:483-506, 989-996). Update Application (OIDC) is a PUT of
    # the whole application. The document's applications are OIDC ones: protocol OPENID_CONNECT and enabled unless the item
    # says otherwise. Read Application Secret: GET .../applications/{applicationID}/secret (readApplicationSecret, SDK
    # 10676-10735), on request (return_secret).
    ResourceType(
        name='application',
        plural='applications',
        word='application',
        path='/applications',
        kind=Kind(
            'application',
            False,
            ('_links', 'createdAt', 'environment', 'id', 'updatedAt', 'clientSecret'),
            ('clientId', 'assignActorRoles'),
            immutable=('type', 'protocol'),
        ),
        create_order=80,
        delete_order=30,
        role_keys=('state', 'grants', 'return_secret', 'attributes', 'sign_on_policies', 'roles'),
        defaults=MappingProxyType({'protocol': 'OPENID_CONNECT', 'enabled': True}),
        secret_path='secret',
    ),
    # readAllApplicationGrants declares no query parameter (SDK 10929-10987); ApplicationResourceGrant readOnly, SDK 1667-1714.
    # Its resource is not readOnly (SDK 1689-1696), but Terraform replaces a grant whose resource changes
    # (resource_application_resource_grant.go:64-71): one grant per resource, keyed by it (Terraform PUTs the grant a
    # system application already has for a resource, resource_application_resource_grant.go:225-260).
    ResourceType(
        name='application resource grant',
        plural='grants',
        word='grant',
        path='/applications/{applicationID}/grants',
        kind=Kind('application resource grant', False, ('_links', 'application', 'createdAt', 'id', 'updatedAt'), immutable=('resource',)),
        create_order=100,
        delete_order=10,
        key=None,
        key_query='resource.id',
        name_key='resource',
        parent='application',
        references=(Reference('resource', 'resource'), Reference('scopes', 'resource scope', many=True, within='resource', required=True)),
        role_keys=('state',),
    ),
)


# The key of a role assignment: its role and its scope (RoleAssignment.required [role, scope], SDK 6909-6959), which is all
# it holds: PingOne has no update of one (no PUT on /users/{userID}/roleAssignments/{roleAssignmentID}, SDK 30321-30570).
ROLE_ASSIGNMENT_KEY = "join(' ', [role.id, scope.type, scope.id])"

# The types beyond the first ten: their contract facts are the OpenAPI's (the read-only fields of each model at the line
# named; no list below declares limit, so none is paged), which tests/servers/pingone_api/contract_types.py holds whole.
# Keys and uniqueness the OpenAPI does not state are named by the field Terraform's data sources look objects up by
# (UNCONFIRMED beyond that).
TYPES = TYPES + (
    # EmailDomain, SDK 2244-2262: domainName required; createTrustedEmailDomain and deleteTrustedEmailDomain only, no update.
    ResourceType(
        name='trusted email domain',
        plural='trusted_email_domains',
        word='email domain',
        path='/emailDomains',
        kind=Kind('trusted email domain', False, ('_links', 'id', 'environment')),
        create_order=1,
        delete_order=95,
        key='domainName',
        role_keys=('state',),
    ),
    # Schema, SDK 6960-6987: every field readOnly; readAllSchemas and readOneSchema only. The environment's User schema is
    # listed by name for its attributes.
    ResourceType(
        name='schema',
        plural='schemas',
        word='schema',
        path='/schemas',
        kind=Kind('schema', False, ('_links', 'allowsContainsOperator', 'attributes', 'description', 'environment', 'id', 'name')),
        create_order=2,
        role_keys=('state', 'attributes'),
        export_only_key='`true`',
        built_in='`true`',
    ),
    # SchemaAttribute, SDK 6988-7083 (update by PUT, updateAttributePut 26635). The core attributes PingOne defines are
    # not the document's (schemaType CORE: never compared nor deleted).
    ResourceType(
        name='schema attribute',
        plural='attributes',
        word='attribute',
        path='/schemas/{schemaID}/attributes',
        kind=Kind('schema attribute', False, ('_links', 'environment', 'id', 'ldapAttribute', 'schema.id')),
        create_order=3,
        delete_order=92,
        parent='schema',
        role_keys=('state',),
        select_query="schemaType != 'CORE'",
    ),
    # PasswordPolicy, SDK 5718-5908: name, excludesCommonlyUsed, excludesProfileData, notSimilarToCurrent required.
    ResourceType(
        name='password policy',
        plural='password_policies',
        word='password policy',
        path='/passwordPolicies',
        kind=Kind('password policy', False, ('_links', 'createdAt', 'environment', 'id', 'populationCount', 'updatedAt')),
        create_order=4,
        delete_order=96,
        role_keys=('state',),
    ),
    # Language, SDK 4692-4740: locale, default, enabled required; customerAdded readOnly (false for PingOne's own).
    ResourceType(
        name='language',
        plural='languages',
        word='language',
        path='/languages',
        kind=Kind('language', False, ('_links', 'environment', 'id', 'createdAt', 'customerAdded', 'updatedAt')),
        create_order=5,
        delete_order=84,
        key='locale',
        role_keys=('state',),
        built_in='customerAdded == `false`',
    ),
    # Agreement, SDK 888-927: enabled and name required.
    ResourceType(
        name='agreement',
        plural='agreements',
        word='agreement',
        path='/agreements',
        kind=Kind('agreement', False, ('_links', 'consentsAggregatedAt', 'environment', 'totalExpiredConsents', 'id', 'totalConsents')),
        create_order=6,
        delete_order=83,
        role_keys=('state', 'languages'),
    ),
    # AgreementLanguage, SDK 928-975: displayName, enabled, locale required; one language a locale.
    ResourceType(
        name='agreement language',
        plural='languages',
        word='language',
        path='/agreements/{agreementID}/languages',
        kind=Kind('agreement language', False, ('_links', 'agreement', 'currentRevision', 'id')),
        create_order=7,
        delete_order=82,
        key='locale',
        parent='agreement',
        role_keys=('state',),
    ),
    # KeyRotationPolicy, SDK 4637-4691.
    ResourceType(
        name='key rotation policy',
        plural='key_rotation_policies',
        word='key rotation policy',
        path='/keyRotationPolicies',
        kind=Kind('key rotation policy', False, ('_links', 'currentKeyId', 'id', 'environment', 'nextKeyId', 'rotatedAt')),
        create_order=8,
        delete_order=86,
        role_keys=('state',),
    ),
    # BrandingTheme, SDK 1948-1975: configuration, default, template required; named by configuration.name.
    ResourceType(
        name='branding theme',
        plural='branding_themes',
        word='theme',
        path='/themes',
        kind=Kind('branding theme', False, ('_links', 'environment', 'id')),
        create_order=9,
        delete_order=87,
        key=None,
        key_query='configuration.name',
        name_key='configuration.name',
        role_keys=('state',),
    ),
    # CustomAdminRole, SDK 2130-2191: /roles lists the platform's roles (type PLATFORM, EnumCustomAdminRoleType readOnly,
    # SDK 201-205) beside the custom ones; a platform role is named, never written. canBeAssignedBy, name, permissions
    # required.
    ResourceType(
        name='admin role',
        plural='admin_roles',
        word='role',
        path='/roles',
        kind=Kind('admin role', False, ('_links', 'canAssign', 'environment', 'id', 'type')),
        create_order=15,
        delete_order=88,
        role_keys=('state',),
        export_only_key="type != 'CUSTOM'",
        built_in="type != 'CUSTOM'",
    ),
    # Role assignments of a group, a user and an application (RoleAssignment, SDK 6909-6959): create and delete only.
    # Its scope names an environment, population, organization or application by id, as given.
    ResourceType(
        name='group role assignment',
        plural='roles',
        word='role assignment',
        path='/groups/{groupID}/roleAssignments',
        kind=Kind('group role assignment', False, ('_links', 'environment', 'gateway', 'group', 'id', 'readOnly')),
        create_order=45,
        delete_order=75,
        key=None,
        key_query=ROLE_ASSIGNMENT_KEY,
        name_key='role',
        parent='group',
        references=(Reference('role', 'admin role'),),
        role_keys=('state',),
    ),
    ResourceType(
        name='user role assignment',
        plural='roles',
        word='role assignment',
        path='/users/{userID}/roleAssignments',
        kind=Kind('user role assignment', False, ('_links', 'environment', 'gateway', 'group', 'id', 'readOnly')),
        create_order=52,
        delete_order=60,
        key=None,
        key_query=ROLE_ASSIGNMENT_KEY,
        name_key='role',
        parent='user',
        references=(Reference('role', 'admin role'),),
        server_owned=('user',),
        role_keys=('state',),
    ),
    # DeviceAuthenticationPolicy of the MFA API (mfa/generate/pingone-mfa.yml 642-645, allOf its PingOne MFA and PingID
    # parts, 227-260): name, sms, email, voice, mobile, totp, default required.
    ResourceType(
        name='MFA device policy',
        plural='mfa_device_policies',
        word='MFA device policy',
        path='/deviceAuthenticationPolicies',
        kind=Kind('MFA device policy', False, ('_links', 'environment', 'id', 'forSignOnPolicy', 'updatedAt')),
        create_order=54,
        delete_order=37,
        role_keys=('state',),
    ),
    # IdentityProvider, oneOf by type (SDK 4033-4041; PingOne's Go SDK reads the variant by type,
    # management/model_identity_provider.go:95-147). clientSecret (IdentityProviderClientIDClientSecret 4157-4179,
    # IdentityProviderOIDC 4180-4250) is a secret: sent on create, never compared nor exported.
    ResourceType(
        name='identity provider',
        plural='identity_providers',
        word='identity provider',
        path='/identityProviders',
        kind=Kind('identity provider', False, ('_links', 'environment', 'id', 'createdAt', 'updatedAt')),
        create_order=55,
        delete_order=36,
        secrets=('clientSecret',),
        role_keys=('state', 'attributes'),
    ),
    # IdentityProviderAttribute, SDK 4042-4080: name, value, update required.
    ResourceType(
        name='identity provider attribute',
        plural='attributes',
        word='attribute',
        path='/identityProviders/{providerID}/attributes',
        kind=Kind('identity provider attribute', False, ('_links', 'id', 'environment', 'identityProvider', 'createdAt', 'updatedAt')),
        create_order=56,
        delete_order=35,
        parent='identity provider',
        role_keys=('state',),
    ),
    # SignOnPolicy, SDK 7157-7187: name required.
    ResourceType(
        name='sign-on policy',
        plural='sign_on_policies',
        word='sign-on policy',
        path='/signOnPolicies',
        kind=Kind('sign-on policy', False, ('_links', 'createdAt', 'environment', 'id', 'updatedAt')),
        create_order=57,
        delete_order=34,
        role_keys=('state', 'actions'),
    ),
    # SignOnPolicyAction, oneOf by type (SDK 7188-7196; model_sign_on_policy_action.go:100-133): priority and type required,
    # priority one an action of a policy. It names a population to register users in, identity providers, an MFA device
    # policy, an agreement.
    ResourceType(
        name='sign-on policy action',
        plural='actions',
        word='action',
        path='/signOnPolicies/{policyID}/actions',
        kind=Kind('sign-on policy action', False, ('_links', 'environment', 'id')),
        create_order=58,
        delete_order=32,
        key='priority',
        parent='sign-on policy',
        references=(
            Reference('registration.population', 'population'),
            Reference('identityProvider', 'identity provider'),
            Reference('socialProviders', 'identity provider', many=True),
            Reference('deviceAuthenticationPolicy', 'MFA device policy'),
            Reference('agreement', 'agreement'),
        ),
        server_owned=('signOnPolicy',),
        role_keys=('state',),
    ),
    # ResourceAttribute, SDK 6748-6827: name and value required.
    ResourceType(
        name='resource attribute',
        plural='attributes',
        word='attribute',
        path='/resources/{resourceID}/attributes',
        kind=Kind('resource attribute', False, ('_links', 'id', 'environment', 'resource')),
        create_order=75,
        delete_order=25,
        parent='resource',
        role_keys=('state',),
    ),
    # ApplicationAttributeMapping, SDK 1610-1666: name, value, required required.
    ResourceType(
        name='application attribute mapping',
        plural='attributes',
        word='attribute mapping',
        path='/applications/{applicationID}/attributes',
        kind=Kind('application attribute mapping', False, ('_links', 'id', 'application', 'createdAt', 'updatedAt')),
        create_order=85,
        delete_order=13,
        parent='application',
        role_keys=('state',),
    ),
    # SignOnPolicyAssignment, SDK 7745-7773: signOnPolicy and priority required; one assignment a policy.
    ResourceType(
        name='sign-on policy assignment',
        plural='sign_on_policies',
        word='sign-on policy assignment',
        path='/applications/{applicationID}/signOnPolicyAssignments',
        kind=Kind('sign-on policy assignment', False, ('_links', 'application', 'environment', 'id')),
        create_order=90,
        delete_order=12,
        key=None,
        key_query='signOnPolicy.id',
        name_key='signOnPolicy',
        parent='application',
        references=(Reference('signOnPolicy', 'sign-on policy'),),
        role_keys=('state',),
    ),
    ResourceType(
        name='application role assignment',
        plural='roles',
        word='role assignment',
        path='/applications/{applicationID}/roleAssignments',
        kind=Kind('application role assignment', False, ('_links', 'environment', 'gateway', 'group', 'id', 'readOnly')),
        create_order=95,
        delete_order=14,
        key=None,
        key_query=ROLE_ASSIGNMENT_KEY,
        name_key='role',
        parent='application',
        references=(Reference('role', 'admin role'),),
        server_owned=('application',),
        role_keys=('state',),
    ),
    # Subscription (webhooks), SDK 7774-7848: enabled, filterOptions, name, verifyTlsCertificates required.
    ResourceType(
        name='webhook',
        plural='webhooks',
        word='webhook',
        path='/subscriptions',
        kind=Kind('webhook', False, ('_links', 'createdAt', 'environment', 'id', 'updatedAt')),
        create_order=110,
        delete_order=5,
        role_keys=('state',),
    ),
)

TYPES_BY_NAME = {resource_type.name: resource_type for resource_type in TYPES}


def children_of(parent: ResourceType) -> tuple[ResourceType, ...]:
    """The types whose collections hang below an object of ``parent``, in create order."""
    return tuple(sorted((t for t in TYPES if t.parent == parent.name), key=lambda t: t.create_order))


def top_level() -> tuple[ResourceType, ...]:
    """The types listed at the top of a document, in create order."""
    return tuple(sorted((t for t in TYPES if t.parent is None), key=lambda t: t.create_order))


def in_create_order() -> tuple[ResourceType, ...]:
    return tuple(sorted(TYPES, key=lambda t: t.create_order))


def in_delete_order() -> tuple[ResourceType, ...]:
    """The types an item may delete with ``state: absent``, in the order of deletions: what names others first."""
    return tuple(sorted((t for t in TYPES if t.delete_order is not None), key=lambda t: t.delete_order or 0))
