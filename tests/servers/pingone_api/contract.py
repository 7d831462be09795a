# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""PingOne Management API operations the collection calls, as PingOne's machine-readable contract declares them.

The test server (api.py) routes by this table, refuses what it does not declare and records each request that breaks
it (conformance.py); tests/integration/test_pingone_contract.py checks the table itself. Written by hand from these
sources (line numbers below are of these files at these commits):

- ``management/generate/pingone-management.yml`` of patrickcping/pingone-go-sdk-v2 at commit
  4a884deb5b2812afdea4475d71e55913b36cf2a5 (2026-04-21, "Prepare release v0.14.14"): the OpenAPI 3.0 description the
  PingOne Go SDK (``management`` module) is generated from. Every ``path`` is relative to ``/v1/environments/{environmentID}``;
  ``line`` is the line of the operation's ``operationId``. The file has one tab (line 1704, inside a description), which
  strict YAML loaders refuse: read it with that tab replaced.
- ``pingone/api/openapi.yaml`` of pingidentity/pingone-go-client at commit 9fe4108548398ab5af48d4574af14324b87a8c6d
  (2026-07-16): typed error models per status (ERRORS). It describes environments and DaVinci only, not users or groups.
- pingidentity/terraform-provider-pingone at commit cef5208af78019b95a0146818839f63237659b4e (2026-07-21): what Ping's own
  provider does where the OpenAPI is silent (``immutable``: attributes it plans as RequiresReplace).
- pingidentity/pingone-sample-custom-signon at commit dd03872e9fe9933f13d64180b65d238b9645b1ea (2024-04-23): how Ping's
  sample reads pi.flow errors (FLOW_ERRORS).

Columns of OPERATIONS (Operation):

- ``query``: the query parameter names the operation declares (``in: query``); empty when it declares none, and then no
  query parameter may be sent (the SDK builds no query string for it).
- ``read_only``: request-body fields of the operation's model that the contract marks ``readOnly: true`` (on the property,
  or on the schema it references: ``LinksHATEOAS``, ``ObjectEnvironment``, ``ObjectResource``, ``EnumGroupSourceType``),
  plus those whose description says this operation cannot set them. Dotted names are nested fields. MODEL_READ_ONLY
  keeps the first kind per model, so the two can be told apart.
- ``immutable``: fields no ``readOnly`` marks but that cannot change after create by another source (named in ``notes``).
- ``list_key``: the key under ``_embedded`` of a list answer. Every list operation answers ``EntityArray`` (line 2371),
  whose ``_embedded`` has one array per model; the key is the one whose items are the operation's model.
- ``closed``: whether the request model forbids unknown properties (``additionalProperties: false``). None of these models
  does: the whole file has no ``additionalProperties: false``. None for an operation without a request body.
- ``confirmed_by``: ``openapi:<file>@<sha>`` for what the OpenAPI states; ``unconfirmed`` says which column no source
  confirms, and why.
- ``content_types``: the media types of the request body (``requestBody.content``); empty without a body.
"""

from __future__ import annotations

import re
from collections import namedtuple

from .contract_types import TYPE_MODEL_READ_ONLY, TYPE_OPERATIONS

# pylint: disable=unused-import
from .operation import (  # noqa: F401 - the table's columns and sources, read as contract.* by the server and the tests
    GO_CLIENT,
    GO_CLIENT_REPO,
    GO_CLIENT_SHA,
    JSON,
    OPENAPI,
    PREFIX,
    SAMPLE,
    SAMPLE_REPO,
    SAMPLE_SHA,
    SDK_REPO,
    SDK_SHA,
    TERRAFORM,
    TERRAFORM_REPO,
    TERRAFORM_SHA,
    USER_CREATE_CONTENT_TYPES,
    USER_IMPORT,
    Operation,
)
# pylint: enable=unused-import

# readOnly fields per model (property line numbers in the OpenAPI file).
# Population, lines 5909-5966: _links (5912, LinksHATEOAS readOnly line 42), createdAt 5919, environment 5929 (ObjectEnvironment
# readOnly line 5598), id 5931, updatedAt 5950, userCount 5954.
POPULATION_READ_ONLY = ('_links', 'createdAt', 'environment', 'id', 'updatedAt', 'userCount')
# Group, lines 3915-3977: _links 3918, id 3920, environment 3924, displayName 3926, sourceId 3954, sourceType 3958
# (EnumGroupSourceType readOnly line 349), directMemberCounts 3960, totalMemberCounts 3968. Group has no createdAt/updatedAt.
GROUP_READ_ONLY = ('_links', 'id', 'environment', 'displayName', 'sourceId', 'sourceType', 'directMemberCounts', 'totalMemberCounts')
# GroupNesting, lines 4001-4014: _links 4004, type 4009 (a plain string, no enum).
GROUP_NESTING_READ_ONLY = ('_links', 'type')
# GroupMembership, lines 3978-4000: _links 3981, environment 3991, name 3993. type (3997) is EnumGroupMembershipType
# [DIRECT, INDIRECT] (line 802) and not readOnly; _embedded.group (3983) appears with expand=group.
GROUP_MEMBERSHIP_READ_ONLY = ('_links', 'environment', 'name')
# User, lines 8153-8399: _links 8156, createdAt 8191, emailVerified 8199, enabled 8203, environment 8207, id 8214,
# identityProvider.type 8224 (readOnly 8226), lastSignOn 8227, memberOfGroupIDs 8252, memberOfGroupNames 8258, updatedAt 8384; the
# UserAccount model of account (8416-8439): lockedAt 8422, secondsUntilUnlock 8427.
USER_READ_ONLY = (
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
)
# Besides: mfaEnabled "You cannot update mfaEnabled with PUT UPDATE User or PATCH UPDATE User" (line 8266); population.id "cannot be
# updated using PUT .../users/{{userID}}. However, it can be updated using PUT .../users/{{userID}}/population" (line 8357);
# lifecycle.status "is only allowed to be set when importing a user" (EnumUserLifecycleStatus, line 798).
USER_PUT_READ_ONLY = USER_READ_ONLY + ('mfaEnabled', 'population', 'lifecycle')
USER_PATCH_READ_ONLY = USER_READ_ONLY + ('mfaEnabled', 'lifecycle')
# Resource, lines 6618-6679: _links 6621, clientSecret 6640, createdAt 6646, environment 6654, resource 6656, id 6662, updatedAt 6673.
RESOURCE_READ_ONLY = ('_links', 'clientSecret', 'createdAt', 'environment', 'resource', 'id', 'updatedAt')
# clientId "Supported only for the POST operation" (line 6639).
RESOURCE_PUT_READ_ONLY = RESOURCE_READ_ONLY + ('clientId',)
# ResourceScope, lines 6828-6868: _links 6831, id 6833, resource 6837 (ObjectResource readOnly line 5622), environment 6845,
# createdAt 6857, updatedAt 6862.
SCOPE_READ_ONLY = ('_links', 'id', 'resource', 'environment', 'createdAt', 'updatedAt')
# ApplicationOIDC = allOf(Application, ...), lines 1319-1568; Application lines 1073-1156: _links 1076, createdAt 1106,
# environment 1117, id 1133, updatedAt 1147; ApplicationOIDC: clientSecret 1338.
APPLICATION_READ_ONLY = ('_links', 'createdAt', 'environment', 'id', 'updatedAt', 'clientSecret')
# clientId "Supported only for POST operations" (line 1337); assignActorRoles "set only on the POST request. The property is
# ignored when included in a PUT request" (line 1333).
APPLICATION_PUT_READ_ONLY = APPLICATION_READ_ONLY + ('clientId', 'assignActorRoles')
# ApplicationResourceGrant, lines 1667-1714: _links 1670, application 1672, createdAt 1680, id 1685, updatedAt 1707.
GRANT_READ_ONLY = ('_links', 'application', 'createdAt', 'id', 'updatedAt')
# ApplicationSecret, lines 1715-1745: _links 1718, environment 1720, secret 1722, previous.secret 1730, previous.lastUsed 1739.
# previous.expiresAt (1735) is writable and required in previous (1744-1745): "Supported time range is 1 minute to 30 days".
SECRET_READ_ONLY = ('_links', 'environment', 'secret', 'previous.secret', 'previous.lastUsed')
# UserPopulation (8449-8458) and UserEnabled (8440-8448): only _links is read-only.
LINKS_ONLY = ('_links',)

# The readOnly fields of each request model: a request should not carry them at all (OpenAPI 3.0.3, Schema Object,
# readOnly: "it SHOULD NOT be sent as part of the request"). The other names of an operation's read_only are fields of
# its model that this operation cannot set (they are part of the model: a create, an import or another endpoint sets them).
MODEL_READ_ONLY = {
    'Population': POPULATION_READ_ONLY,
    'Group': GROUP_READ_ONLY,
    'GroupNesting': GROUP_NESTING_READ_ONLY,
    'GroupMembership': GROUP_MEMBERSHIP_READ_ONLY,
    'User': USER_READ_ONLY,
    'Resource': RESOURCE_READ_ONLY,
    'ResourceScope': SCOPE_READ_ONLY,
    'ApplicationOIDC': APPLICATION_READ_ONLY,
    'ApplicationResourceGrant': GRANT_READ_ONLY,
    'ApplicationSecret': SECRET_READ_ONLY,
    'UserPopulation': LINKS_ONLY,
    'UserEnabled': LINKS_ONLY,
}

APPLICATION_MODELS = 'oneOf ApplicationSAML, ApplicationOIDC, ApplicationWSFED, ApplicationExternalLink'
NESTING_KEY = (
    'list_key: EntityArray._embedded has no array of GroupNesting (lines 2371-2596); groupMemberships (GroupMembership, line 2466) '
    "is the only membership key and Ping's prose shows a nesting answer shaped as a GroupMembership; no SDK or Terraform code "
    'reads this list'
)

OPERATIONS = (
    # Populations (tag Populations). No PATCH.
    Operation(
        operation_id='readAllPopulations',
        method='GET',
        path='/populations',
        query=('limit', 'filter', 'cursor'),
        read_only=(),
        list_key='populations',
        request_model=None,
        response_model='EntityArray',
        closed=None,
        confirmed_by=OPENAPI,
        line=23533,
        notes=(
            'limit: integer, no bounds (23562); filter: "Only the id and name parameters are supported" (23567-23572); cursor (23573); 404 '
            'x-pingone-docs-8830 (23587). List key confirmed by Terraform data_source_populations_gen.go:224 GetPopulationsOk.'
        ),
    ),
    Operation(
        operation_id='createPopulation',
        method='POST',
        path='/populations',
        query=(),
        read_only=POPULATION_READ_ONLY,
        list_key=None,
        request_model='Population',
        content_types=JSON,
        response_model='Population',
        closed=False,
        confirmed_by=OPENAPI,
        line=23608,
        notes='201. name required and "must be unique within an environment" (5935-5937). 404 x-pingone-docs-8830 (23652).',
    ),
    Operation(
        operation_id='readOnePopulation',
        method='GET',
        path='/populations/{populationID}',
        query=(),
        read_only=(),
        list_key=None,
        request_model=None,
        response_model='Population',
        closed=None,
        confirmed_by=OPENAPI,
        line=23676,
    ),
    Operation(
        operation_id='updatePopulation',
        method='PUT',
        path='/populations/{populationID}',
        query=(),
        read_only=POPULATION_READ_ONLY,
        list_key=None,
        request_model='Population',
        content_types=JSON,
        response_model='Population',
        closed=False,
        confirmed_by=OPENAPI,
        line=23735,
    ),
    Operation(
        operation_id='deletePopulation',
        method='DELETE',
        path='/populations/{populationID}',
        query=(),
        read_only=(),
        list_key=None,
        request_model=None,
        response_model=None,
        closed=None,
        confirmed_by=OPENAPI,
        line=23799,
        unconfirmed=(
            'refusal of a population that holds users: not in the OpenAPI; Terraform docs/index.md:171 "The platform default is that populations '
            'cannot be removed if they contain user data" (status and code not stated)'
        ),
        notes='204. Terraform resource_population.go:79-101 also handles a CONSTRAINT_VIOLATION detail "must contain at least one population".',
    ),
    # Groups (tag Groups). No PATCH.
    Operation(
        operation_id='readAllGroups',
        method='GET',
        path='/groups',
        query=('filter', 'limit', 'cursor'),
        read_only=(),
        list_key='groups',
        request_model=None,
        response_model='EntityArray',
        closed=None,
        confirmed_by=OPENAPI,
        line=16932,
        notes=(
            'limit: integer, minimum 1, maximum 1000 (16939-16945); filter example name eq "Training" (16934-16938); 404 x-pingone-docs-8830 (16987). '
            'List key confirmed by Terraform data_source_group.go:225 GetGroupsOk.'
        ),
    ),
    Operation(
        operation_id='createGroup',
        method='POST',
        path='/groups',
        query=(),
        read_only=GROUP_READ_ONLY,
        list_key=None,
        request_model='Group',
        content_types=JSON,
        response_model='Group',
        closed=False,
        confirmed_by=OPENAPI,
        line=17008,
        notes=(
            '201. name: "A group name can be reused across populations, but the same user cannot belong to multiple groups with the same group name. '
            'Population groups cannot share a group name with an environment group." (3941). 404 x-pingone-docs-8830 (17058).'
        ),
    ),
    Operation(
        operation_id='readOneGroup',
        method='GET',
        path='/groups/{groupID}',
        query=('include',),
        read_only=(),
        list_key=None,
        request_model=None,
        response_model='Group',
        closed=None,
        confirmed_by=OPENAPI,
        line=17082,
        notes='include example totalMemberCounts (17084-17088).',
    ),
    Operation(
        operation_id='updateGroup',
        method='PUT',
        path='/groups/{groupID}',
        query=(),
        read_only=GROUP_READ_ONLY,
        list_key=None,
        request_model='Group',
        content_types=JSON,
        response_model='Group',
        closed=False,
        confirmed_by=OPENAPI,
        line=17146,
        immutable=('population',),
        notes=(
            'immutable population: not readOnly in the OpenAPI (Group.population, 3930-3938); Terraform resource_group.go:64-66,97-106 population_id '
            'RequiresReplace; prose Groups page: "The population.id property is read-only after it is initially set".'
        ),
    ),
    Operation(
        operation_id='deleteGroup',
        method='DELETE',
        path='/groups/{groupID}',
        query=(),
        read_only=(),
        list_key=None,
        request_model=None,
        response_model=None,
        closed=None,
        confirmed_by=OPENAPI,
        line=17217,
    ),
    # Group nesting (tag Groups).
    Operation(
        operation_id='readGroupNesting',
        method='GET',
        path='/groups/{groupID}/memberOfGroups',
        query=(),
        read_only=(),
        list_key='groupMemberships',
        request_model=None,
        response_model='EntityArray',
        closed=None,
        confirmed_by=OPENAPI,
        line=17273,
        unconfirmed=NESTING_KEY,
        notes='No query parameter at all (17273-17327), though the prose page lists expand and limit.',
    ),
    Operation(
        operation_id='createGroupNesting',
        method='POST',
        path='/groups/{groupID}/memberOfGroups',
        query=(),
        read_only=GROUP_NESTING_READ_ONLY,
        list_key=None,
        request_model='GroupNesting',
        content_types=JSON,
        response_model='GroupNesting',
        closed=False,
        confirmed_by=OPENAPI,
        line=17332,
        unconfirmed=(
            'direction: GroupNesting.id is "ID of the group to nest" (4008) and Terraform docs/resources/group_nesting.md calls the URL group "the '
            'parent group" and the body group "the group to configure as a nested group"; the prose Create Group Nesting page says "Members of the '
            'group identified in the request URL are dynamically added to the group specified in the body"'
        ),
        notes='201; body example {"id": ...} (17335-17340).',
    ),
    Operation(
        operation_id='readOneGroupNesting',
        method='GET',
        path='/groups/{groupID}/memberOfGroups/{nestedGroupID}',
        query=(),
        read_only=(),
        list_key=None,
        request_model=None,
        response_model='GroupNesting',
        closed=None,
        confirmed_by=OPENAPI,
        line=17401,
    ),
    Operation(
        operation_id='deleteGroupNesting',
        method='DELETE',
        path='/groups/{groupID}/memberOfGroups/{nestedGroupID}',
        query=(),
        read_only=(),
        list_key=None,
        request_model=None,
        response_model=None,
        closed=None,
        confirmed_by=OPENAPI,
        line=17465,
        notes="204. The path the contract names; never a listed object's _links.self.",
    ),
    # Users (tag Users). PUT and PATCH.
    Operation(
        operation_id='readAllUsers',
        method='GET',
        path='/users',
        query=('filter', 'limit', 'cursor'),
        read_only=(),
        list_key='users',
        request_model=None,
        response_model='EntityArray',
        closed=None,
        confirmed_by=OPENAPI,
        line=28302,
        notes=(
            'limit: integer, minimum 1, maximum 1000 (28309-28315); filter example memberOfGroups[id eq "{{groupID}}"] and name.family eq "demo" '
            '(28304-28308). No x-pingone-docs-8830 on this 404. List key confirmed by Terraform data_source_user.go:684 GetUsersOk.'
        ),
    ),
    Operation(
        operation_id='createUser',
        method='POST',
        path='/users',
        query=(),
        read_only=USER_READ_ONLY,
        list_key=None,
        request_model='User',
        content_types=USER_CREATE_CONTENT_TYPES,
        response_model='User',
        closed=False,
        confirmed_by=OPENAPI,
        line=28373,
        notes=(
            '201. Content types application/json (28376) and application/vnd.pingidentity.user.import+json (28390). User.required is [email, username] '
            '(8397-8399). username: "must be unique within an environment" (8394); its case-insensitivity is not in the OpenAPI (prose Create User '
            'page). mfaEnabled may be set here (8266). 404 x-pingone-docs-8830 (28435).'
        ),
    ),
    Operation(
        operation_id='readUser',
        method='GET',
        path='/users/{userID}',
        query=('include',),
        read_only=(),
        list_key=None,
        request_model=None,
        response_model='User',
        closed=None,
        confirmed_by=OPENAPI,
        line=28459,
        notes='include: EnumUserRequestInclude, example memberOfGroupIDs (28461-28465).',
    ),
    Operation(
        operation_id='updateUserPut',
        method='PUT',
        path='/users/{userID}',
        query=(),
        read_only=USER_PUT_READ_ONLY,
        list_key=None,
        request_model='User',
        content_types=JSON,
        response_model='User',
        closed=False,
        confirmed_by=OPENAPI,
        line=28593,
        immutable=('identityProvider.id',),
        notes=(
            'immutable identityProvider.id: Terraform resource_user.go:240-243,562-566 RequiresReplace and expand() sends identityProvider on create '
            'only (1481); the OpenAPI calls it "mutable" (8223) and has PUT /users/{userID}/identityProvider for it.'
        ),
    ),
    Operation(
        operation_id='updateUserPatch',
        method='PATCH',
        path='/users/{userID}',
        query=(),
        read_only=USER_PATCH_READ_ONLY,
        list_key=None,
        request_model='User',
        content_types=JSON,
        response_model='User',
        closed=False,
        confirmed_by=OPENAPI,
        line=28684,
        immutable=('identityProvider.id',),
        unconfirmed='population in a PATCH: line 8357 names PUT only; whether PATCH refuses a population change is not stated',
        notes='application/json (28687), example {"title": "Manager"}. The same User model as PUT: its required list cannot apply to a PATCH.',
    ),
    Operation(
        operation_id='deleteUser',
        method='DELETE',
        path='/users/{userID}',
        query=(),
        read_only=(),
        list_key=None,
        request_model=None,
        response_model=None,
        closed=None,
        confirmed_by=OPENAPI,
        line=28750,
    ),
    # Group membership of a user (tag Group Membership).
    Operation(
        operation_id='readAllGroupMembershipsForUser',
        method='GET',
        path='/users/{userID}/memberOfGroups',
        query=('expand', 'limit', 'cursor', 'filter'),
        read_only=(),
        list_key='groupMemberships',
        request_model=None,
        response_model='EntityArray',
        closed=None,
        confirmed_by=OPENAPI,
        line=29300,
        unconfirmed='list_key: EntityArray groupMemberships (2466) holds GroupMembership; no SDK or Terraform code reads this list',
        notes=(
            'expand example group (29302-29306); limit integer, no bounds (29307-29311); filter without description (29317-29320). Items carry type '
            'DIRECT or INDIRECT (EnumGroupMembershipType, 802-805).'
        ),
    ),
    Operation(
        operation_id='addUserToGroup',
        method='POST',
        path='/users/{userID}/memberOfGroups',
        query=(),
        read_only=GROUP_MEMBERSHIP_READ_ONLY,
        list_key=None,
        request_model='GroupMembership',
        content_types=JSON,
        response_model='GroupMembership',
        closed=False,
        confirmed_by=OPENAPI,
        line=29234,
        notes='201; body {"id": groupID} (GroupMembership.id "ID of the group to assign", 3988-3990).',
    ),
    Operation(
        operation_id='readOneGroupMembershipForUser',
        method='GET',
        path='/users/{userID}/memberOfGroups/{groupID}',
        query=('expand',),
        read_only=(),
        list_key=None,
        request_model=None,
        response_model='GroupMembership',
        closed=None,
        confirmed_by=OPENAPI,
        line=29439,
    ),
    Operation(
        operation_id='removeUserFromGroup',
        method='DELETE',
        path='/users/{userID}/memberOfGroups/{groupID}',
        query=(),
        read_only=(),
        list_key=None,
        request_model=None,
        response_model=None,
        closed=None,
        confirmed_by=OPENAPI,
        line=29379,
        notes="204. The path the contract names; never a listed object's _links.self.",
    ),
    # A user's population and enabled state, each its own endpoint (tags User Populations, Enable Users).
    Operation(
        operation_id='readUserPopulation',
        method='GET',
        path='/users/{userID}/population',
        query=(),
        read_only=(),
        list_key=None,
        request_model=None,
        response_model='UserPopulation',
        closed=None,
        confirmed_by=OPENAPI,
        line=29999,
    ),
    Operation(
        operation_id='updateUserPopulation',
        method='PUT',
        path='/users/{userID}/population',
        query=(),
        read_only=LINKS_ONLY,
        list_key=None,
        request_model='UserPopulation',
        content_types=JSON,
        response_model='UserPopulation',
        closed=False,
        confirmed_by=OPENAPI,
        line=30058,
        notes='Body {"id": populationID} (UserPopulation, 8449-8458, id required).',
    ),
    Operation(
        operation_id='readUserEnabled',
        method='GET',
        path='/users/{userID}/enabled',
        query=(),
        read_only=(),
        list_key=None,
        request_model=None,
        response_model='UserEnabled',
        closed=None,
        confirmed_by=OPENAPI,
        line=29509,
    ),
    Operation(
        operation_id='updateUserEnabled',
        method='PUT',
        path='/users/{userID}/enabled',
        query=(),
        read_only=LINKS_ONLY,
        list_key=None,
        request_model='UserEnabled',
        content_types=JSON,
        response_model='UserEnabled',
        closed=False,
        confirmed_by=OPENAPI,
        line=29568,
        notes='Body {"enabled": bool} (UserEnabled, 8440-8448, enabled default true; no required list).',
    ),
    # Resources (tag Resources). No PATCH; no query parameters on the list.
    Operation(
        operation_id='readAllResources',
        method='GET',
        path='/resources',
        query=(),
        read_only=(),
        list_key='resources',
        request_model=None,
        response_model='EntityArray',
        closed=None,
        confirmed_by=OPENAPI,
        line=24391,
        notes=(
            'No query parameter (24387-24445). 404 x-pingone-docs-8830 (24429). Items oneOf Resource, ResourceApplicationResource (2528-2533). List '
            'key confirmed by Terraform utils_resource.go:164 Embedded.Resources.'
        ),
    ),
    Operation(
        operation_id='createResource',
        method='POST',
        path='/resources',
        query=(),
        read_only=RESOURCE_READ_ONLY,
        list_key=None,
        request_model='Resource',
        content_types=JSON,
        response_model='Resource',
        closed=False,
        confirmed_by=OPENAPI,
        line=24450,
        notes=(
            '201. name "must be unique within an environment" (6666-6668). type EnumResourceType [OPENID_CONNECT, PINGONE_API, CUSTOM]: "Only the '
            'CUSTOM resource type can be created" (659-662). 404 x-pingone-docs-8830 (24498).'
        ),
    ),
    Operation(
        operation_id='readOneResource',
        method='GET',
        path='/resources/{resourceID}',
        query=(),
        read_only=(),
        list_key=None,
        request_model=None,
        response_model='Resource',
        closed=None,
        confirmed_by=OPENAPI,
        line=24522,
    ),
    Operation(
        operation_id='updateResource',
        method='PUT',
        path='/resources/{resourceID}',
        query=(),
        read_only=RESOURCE_PUT_READ_ONLY,
        list_key=None,
        request_model='Resource',
        content_types=JSON,
        response_model='Resource',
        closed=False,
        confirmed_by=OPENAPI,
        line=24581,
    ),
    Operation(
        operation_id='deleteResource',
        method='DELETE',
        path='/resources/{resourceID}',
        query=(),
        read_only=(),
        list_key=None,
        request_model=None,
        response_model=None,
        closed=None,
        confirmed_by=OPENAPI,
        line=24648,
    ),
    # Resource scopes (tag Resource Scopes). No query parameters on the list.
    Operation(
        operation_id='readAllResourceScopes',
        method='GET',
        path='/resources/{resourceID}/scopes',
        query=(),
        read_only=(),
        list_key='scopes',
        request_model=None,
        response_model='EntityArray',
        closed=None,
        confirmed_by=OPENAPI,
        line=25591,
        notes='No query parameter (25587-25645). List key confirmed by Terraform data_source_resource_scope.go:405 GetScopesOk.',
    ),
    Operation(
        operation_id='createResourceScope',
        method='POST',
        path='/resources/{resourceID}/scopes',
        query=(),
        read_only=SCOPE_READ_ONLY,
        list_key=None,
        request_model='ResourceScope',
        content_types=JSON,
        response_model='ResourceScope',
        closed=False,
        confirmed_by=OPENAPI,
        line=25650,
        notes=(
            '201. Scopes of built-in resources: Terraform resource_resource_scope_pingone_api.go:63,90 (p1:read:user, p1:update:user and '
            'p1:read:user:{suffix} / p1:update:user:{suffix} on the PINGONE_API resource) and resource_resource_scope_openid.go.'
        ),
    ),
    Operation(
        operation_id='readOneResourceScope',
        method='GET',
        path='/resources/{resourceID}/scopes/{scopeID}',
        query=(),
        read_only=(),
        list_key=None,
        request_model=None,
        response_model='ResourceScope',
        closed=None,
        confirmed_by=OPENAPI,
        line=25717,
    ),
    Operation(
        operation_id='updateResourceScope',
        method='PUT',
        path='/resources/{resourceID}/scopes/{scopeID}',
        query=(),
        read_only=SCOPE_READ_ONLY,
        list_key=None,
        request_model='ResourceScope',
        content_types=JSON,
        response_model='ResourceScope',
        closed=False,
        confirmed_by=OPENAPI,
        line=25781,
    ),
    Operation(
        operation_id='deleteResourceScope',
        method='DELETE',
        path='/resources/{resourceID}/scopes/{scopeID}',
        query=(),
        read_only=(),
        list_key=None,
        request_model=None,
        response_model=None,
        closed=None,
        confirmed_by=OPENAPI,
        line=25866,
    ),
    # Applications (tag Applications). No PATCH; no query parameters on the list.
    Operation(
        operation_id='readAllApplications',
        method='GET',
        path='/applications',
        query=(),
        read_only=(),
        list_key='applications',
        request_model=None,
        response_model='EntityArray',
        closed=None,
        confirmed_by=OPENAPI,
        line=10321,
        notes=(
            'No query parameter (10317-10375). 404 x-pingone-docs-8830 (10359). List key confirmed by Terraform data_source_system_applications.go:128 '
            'GetApplicationsOk.'
        ),
    ),
    Operation(
        operation_id='createApplication',
        method='POST',
        path='/applications',
        query=(),
        read_only=APPLICATION_READ_ONLY,
        list_key=None,
        request_model='ApplicationOIDC',
        content_types=JSON,
        response_model='ApplicationOIDC',
        closed=False,
        confirmed_by=OPENAPI,
        line=10380,
        notes=(
            '201. Request oneOf ApplicationSAML, ApplicationOIDC, ApplicationWSFED, ApplicationExternalLink (10383-10389). Application.required '
            '[enabled, name, type, protocol] (1152-1156); ApplicationOIDC.required [tokenEndpointAuthMethod] (1566-1568). No name uniqueness is '
            'stated. 404 x-pingone-docs-8830 (10443).'
        ),
    ),
    Operation(
        operation_id='readOneApplication',
        method='GET',
        path='/applications/{applicationID}',
        query=(),
        read_only=(),
        list_key=None,
        request_model=None,
        response_model='ApplicationOIDC',
        closed=None,
        confirmed_by=OPENAPI,
        line=10471,
    ),
    Operation(
        operation_id='updateApplication',
        method='PUT',
        path='/applications/{applicationID}',
        query=(),
        read_only=APPLICATION_PUT_READ_ONLY,
        list_key=None,
        request_model='ApplicationOIDC',
        content_types=JSON,
        response_model='ApplicationOIDC',
        closed=False,
        confirmed_by=OPENAPI,
        line=10537,
        immutable=('type', 'protocol'),
        notes=(
            'immutable type and protocol: not readOnly in the OpenAPI (1143-1146); Terraform resource_application.go:483-506,989-996 oidc_options.type '
            'RequiresReplace and the protocol blocks ExactlyOneOf with RequiresReplaceNestedAttributes.'
        ),
    ),
    Operation(
        operation_id='deleteApplication',
        method='DELETE',
        path='/applications/{applicationID}',
        query=(),
        read_only=(),
        list_key=None,
        request_model=None,
        response_model=None,
        closed=None,
        confirmed_by=OPENAPI,
        line=10625,
    ),
    # Application secret (tag Application Secret).
    Operation(
        operation_id='readApplicationSecret',
        method='GET',
        path='/applications/{applicationID}/secret',
        query=(),
        read_only=(),
        list_key=None,
        request_model=None,
        response_model='ApplicationSecret',
        closed=None,
        confirmed_by=OPENAPI,
        line=10681,
        notes='200 ApplicationSecret {_links, environment, secret, previous {secret, expiresAt, lastUsed}} (1715-1745).',
    ),
    Operation(
        operation_id='updateApplicationSecret',
        method='POST',
        path='/applications/{applicationID}/secret',
        query=(),
        read_only=SECRET_READ_ONLY,
        list_key=None,
        request_model='ApplicationSecret',
        content_types=JSON,
        response_model='ApplicationSecret',
        closed=False,
        confirmed_by=OPENAPI,
        line=10740,
        notes=(
            'Rotate: answers 200 (not 201). Body {} or {"previous": {"expiresAt": RFC 3339}} (Terraform resource_application_secret.go:371-399 sends '
            'NewApplicationSecret() with previous.expiresAt only).'
        ),
    ),
    Operation(
        operation_id='deletePreviousApplicationSecret',
        method='DELETE',
        path='/applications/{applicationID}/secret',
        query=(),
        read_only=(),
        list_key=None,
        request_model=None,
        response_model=None,
        closed=None,
        confirmed_by=OPENAPI,
        line=10806,
        notes='204: ends the previous secret.',
    ),
    # Application resource grants (tag Application Resource Grants). No PATCH; no query parameters on the list.
    Operation(
        operation_id='readAllApplicationGrants',
        method='GET',
        path='/applications/{applicationID}/grants',
        query=(),
        read_only=(),
        list_key='grants',
        request_model=None,
        response_model='EntityArray',
        closed=None,
        confirmed_by=OPENAPI,
        line=10933,
        notes='No query parameter (10929-10987). List key confirmed by Terraform resource_application_resource_grant.go:623 GetGrants.',
    ),
    Operation(
        operation_id='createApplicationGrant',
        method='POST',
        path='/applications/{applicationID}/grants',
        query=(),
        read_only=GRANT_READ_ONLY,
        list_key=None,
        request_model='ApplicationResourceGrant',
        content_types=JSON,
        response_model='ApplicationResourceGrant',
        closed=False,
        confirmed_by=OPENAPI,
        line=10862,
        notes='201. required [resource, scopes] (1712-1714).',
    ),
    Operation(
        operation_id='readOneApplicationGrant',
        method='GET',
        path='/applications/{applicationID}/grants/{grantID}',
        query=(),
        read_only=(),
        list_key=None,
        request_model=None,
        response_model='ApplicationResourceGrant',
        closed=None,
        confirmed_by=OPENAPI,
        line=10993,
    ),
    Operation(
        operation_id='updateApplicationGrant',
        method='PUT',
        path='/applications/{applicationID}/grants/{grantID}',
        query=(),
        read_only=GRANT_READ_ONLY,
        list_key=None,
        request_model='ApplicationResourceGrant',
        content_types=JSON,
        response_model='ApplicationResourceGrant',
        closed=False,
        confirmed_by=OPENAPI,
        line=11057,
        immutable=('resource',),
        notes=(
            'immutable resource: not readOnly in the OpenAPI (1689-1696); Terraform resource_application_resource_grant.go:64-71 resource_type and '
            'custom_resource_id RequiresReplace.'
        ),
    ),
    Operation(
        operation_id='deleteApplicationGrant',
        method='DELETE',
        path='/applications/{applicationID}/grants/{grantID}',
        query=(),
        read_only=(),
        list_key=None,
        request_model=None,
        response_model=None,
        closed=None,
        confirmed_by=OPENAPI,
        line=11132,
    ),
)

# The operations of the types beyond the first ten (contract_types.py), read from the same OpenAPI descriptions.
MODEL_READ_ONLY.update(TYPE_MODEL_READ_ONLY)
OPERATIONS = OPERATIONS + TYPE_OPERATIONS

OPERATIONS_BY_ID = {op.operation_id: op for op in OPERATIONS}

# The bounds of a declared ``limit`` (its schema's minimum and maximum): readAllGroups lines 16939-16945, readAllUsers lines
# 28309-28315. readAllPopulations (23562) and readAllGroupMembershipsForUser (29307) declare a bare integer.
LIMIT_BOUNDS = {'readAllGroups': (1, 1000), 'readAllUsers': (1, 1000)}

# ---- error bodies per status, from the typed models of pingone-go-client (line numbers of pingone/api/openapi.yaml) ----
# Every body: {"id", "code", "message", "details": [{"code", "target", "message", "innerError": {...}}]}. The SDK file has one
# untyped P1Error for every status (lines 5666-5717) and declares no 415, 502 or 503; the Go client declares these.

ErrorBody = namedtuple(
    'ErrorBody', ['status', 'codes', 'detail_codes', 'inner_error', 'required', 'headers', 'model', 'line', 'confirmed_by', 'notes'], defaults=('',)
)

ERRORS = (
    ErrorBody(
        400,
        ('INVALID_DATA', 'INVALID_REQUEST', 'REQUEST_FAILED'),
        (
            'ACCOUNT_NOT_USABLE',
            'CONSTRAINT_VIOLATION',
            'EMPTY_VALUE',
            'INVALID_FILTER',
            'INVALID_OTP',
            'INVALID_PARAMETER',
            'INVALID_VALUE',
            'MFA_AUTH_METHODS_CONFLICT',
            'NO_PASSWORD',
            'OUT_OF_RANGE',
            'REQUIRED_VALUE',
            'SIZE_LIMIT_EXCEEDED',
            'UNIQUENESS_VIOLATION',
        ),
        (
            'allowedPattern',
            'allowedValues',
            'claim',
            'existingId',
            'maximumValue',
            'quotaLimit',
            'quotaResetTime',
            'rangeMaximumValue',
            'rangeMinimumValue',
            'supportedAttributes',
            'supportedOperators',
        ),
        ('code', 'id', 'message'),
        (),
        'BadRequestError',
        3503,
        GO_CLIENT,
        'Codes: Bad_Request_Error_Code 12600-12607; detail codes 12609-12626; innerError 12627-12689 (additionalProperties true).',
    ),
    ErrorBody(
        401,
        ('ACCESS_FAILED',),
        ('INSUFFICIENT_PERMISSIONS', 'INVALID_TOKEN'),
        (),
        ('code', 'id', 'message'),
        (),
        'UnauthorizedError',
        12522,
        GO_CLIENT,
        'Unauthorized_Error_Code 20021-20027 (ACCESS_FAILED only); detail codes 20028-20034; innerError free-form.',
    ),
    ErrorBody(
        403,
        ('ACCESS_FAILED',),
        ('INSUFFICIENT_PERMISSIONS', 'LICENSE_EXCEEDED'),
        ('quotaLimit',),
        ('code', 'message'),
        (),
        'ForbiddenError',
        11976,
        GO_CLIENT,
        'Forbidden_Error_Code 19784-19790; detail codes 19791-19797. http.403.Forbidden.P14C63085 (3421-3427): "This may occur if '
        'the environment doesn\'t exist. Check for environment existence with GET /environments/{environmentID} first." '
        'Message Terraform matches: "The request could not be completed. You do not have access to this resource." '
        '(internal/framework/retry.go:29); detail message "The actor attempting to perform the request is not authorized." '
        '(internal/sdk/retry.go:36).',
    ),
    ErrorBody(
        404,
        ('NOT_FOUND',),
        (),
        (),
        ('code', 'id', 'message'),
        (),
        'NotFoundError',
        12140,
        GO_CLIENT,
        'Not_Found_Error_Code 19864-19870. http.404.NotFound.DOCS8830: "may be due to eventual consistency if the environment was recently created".',
    ),
    ErrorBody(
        415,
        ('INVALID_REQUEST',),
        (),
        (),
        ('code', 'id', 'message'),
        (),
        'UnsupportedMediaTypeError',
        12561,
        GO_CLIENT,
        'Unsupported_Media_Type_Error_Code 20060-20066; detail codes free strings.',
    ),
    ErrorBody(
        429,
        ('REQUEST_LIMITED',),
        ('LIMIT_EXCEEDED', 'QUOTA_EXCEEDED'),
        ('quotaLimit', 'quotaResetTime', 'retryAfter'),
        ('code', 'message'),
        ('Retry-After',),
        'TooManyRequestsError',
        12481,
        GO_CLIENT,
        'Too_Many_Requests_Error_Code 19963-19969; detail codes 19970-19976; innerError 19977-19995: retryAfter and quotaResetTime are '
        'format date-time (a timestamp, not seconds). Retry-After header http.RetryAfter (3216-3223): oneOf int32 or any.',
    ),
    ErrorBody(
        500, ('UNEXPECTED_ERROR',), (), (), ('code', 'id', 'message'), (), 'InternalServerError', 12070, GO_CLIENT, 'Internal_Server_Error_Code 19830-19836.'
    ),
    ErrorBody(502, (), (), (), (), (), 'GeneralError', 12013, GO_CLIENT, 'GeneralError: code is a free string, nothing required.'),
    ErrorBody(503, (), (), (), (), ('Retry-After',), 'GeneralError', 12013, GO_CLIENT, 'GeneralError; Retry-After header (http.503.ServiceUnavailable).'),
)

ERRORS_BY_STATUS = {error.status: error for error in ERRORS}

# ---- pi.flow errors and statuses as Ping's sample custom sign-on app reads them (react/src/...) ----
FlowError = namedtuple('FlowError', ['name', 'where', 'fields', 'source'])

FLOW_ERRORS = (
    # A failed usernamePassword.check: the error body's details[0].code (userLogin.jsx:70-71).
    FlowError('INVALID_CREDENTIALS', 'details[0].code', (), SAMPLE + ':react/src/components/userLogin.jsx:70-75'),
    FlowError('PASSWORD_LOCKED_OUT', 'details[0].code', ('details[0].innerError.secondsUntilUnlock',), SAMPLE + ':react/src/components/userLogin.jsx:76-94'),
    # Flow statuses (sdk/index.js STATUS, 5-24; auth.jsx STATUS_TO_COMPATIBLE_PATHS, 27-35).
    FlowError('PASSWORD_EXPIRED', 'status', (), SAMPLE + ':react/src/sdk/index.js:14; react/src/components/auth.jsx:28'),
    FlowError('MUST_CHANGE_PASSWORD', 'status', (), SAMPLE + ':react/src/sdk/index.js:16; react/src/components/auth.jsx:29'),
)

# A path parameter of a template: {populationID}, {nestedGroupID}, ...
PARAMETER = re.compile(r'\{([A-Za-z]+)\}')


def template_pattern(path):
    """The regular expression of a path template: each ``{name}`` one path segment, captured by name."""
    parts, last = [], 0
    for found in PARAMETER.finditer(path):
        parts.append(re.escape(path[last : found.start()]))
        parts.append('(?P<%s>[^/]+)' % found.group(1))
        last = found.end()
    parts.append(re.escape(path[last:]))
    return re.compile('^' + ''.join(parts) + '$')


PATTERNS = {op.operation_id: template_pattern(op.path) for op in OPERATIONS}


def operations_at(path):
    """[(Operation, path parameters)] of every operation whose template matches a concrete path relative to PREFIX
    (``/groups/1234/memberOfGroups``); a trailing slash is ignored."""
    path = path.rstrip('/') or '/'
    found = []
    for op in OPERATIONS:
        hit = PATTERNS[op.operation_id].match(path)
        if hit:
            found.append((op, hit.groupdict()))
    return found


def match(method, path):
    """The Operation for a method and a concrete path relative to PREFIX, or None."""
    for op, _params in operations_at(path):
        if op.method == method.upper():
            return op
    return None
