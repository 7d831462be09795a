# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What PingOne's machine-readable contract says of the Management API collections the collection converges.

Internal to this collection; not a public API.  The source is the OpenAPI description PingOne's Go SDK is generated
from: ``management/generate/pingone-management.yml`` of patrickcping/pingone-go-sdk-v2 at commit
4a884deb5b2812afdea4475d71e55913b36cf2a5 (v0.14.14); "SDK 8266" below is its line 8266.  Where it is silent, the calls of
pingidentity/terraform-provider-pingone (commit cef5208af78019b95a0146818839f63237659b4e) or a prose page are named, and
what no source confirms says UNCONFIRMED.  The test tree holds the whole table of operations the collection calls
(tests/servers/pingone_api/contract.py); tests/integration/test_pingone_contract_table.py keeps this file in step with it.
"""

from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import urlsplit


class Kind(NamedTuple):
    """One kind of PingOne collection.

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


# Path patterns below /v1/environments/{environmentID}, in the SDK's order of tags.
KINDS = (
    # readAllPopulations declares limit, filter, cursor (SDK 23562-23573); Population readOnly fields, SDK 5909-5966.
    (r'/populations', Kind('population', True, ('_links', 'createdAt', 'environment', 'id', 'updatedAt', 'userCount'))),
    # readAllGroups: filter, limit (1-1000), cursor (SDK 16934-16946); Group readOnly, SDK 3915-3977. The population of a
    # group is fixed at create by Terraform (resource_group.go:97-106, RequiresReplace) and the Groups page ("The
    # population.id property is read-only after it is initially set", https://developer.pingidentity.com/pingone-api/platform/groups.html);
    # the OpenAPI does not mark it. Terraform's update sends it as held, so a PUT here does too.
    (
        r'/groups',
        Kind(
            'group',
            True,
            ('_links', 'id', 'environment', 'displayName', 'sourceId', 'sourceType', 'directMemberCounts', 'totalMemberCounts', 'createdAt', 'updatedAt'),
            immutable=('population',),
        ),
    ),
    # readGroupNesting declares no query parameter (SDK 17268-17327); GroupNesting readOnly _links and type (SDK 4001-4014);
    # its answers carry a GroupMembership's environment and name as well (Create Group Nesting example, UNCONFIRMED for lists).
    (r'/groups/[^/]+/memberOfGroups', Kind('group nesting', False, ('_links', 'type', 'environment', 'name'))),
    # readAllUsers: filter, limit (1-1000), cursor (SDK 28304-28316); User readOnly, SDK 8153-8399 (enabled 8203: it changes
    # with PUT .../users/{id}/enabled only). Not by update (PUT or PATCH): mfaEnabled ("You cannot update mfaEnabled with PUT
    # UPDATE User or PATCH UPDATE User", SDK 8266), lifecycle ("only allowed to be set when importing a user", SDK 798);
    # population "cannot be updated using PUT .../users/{{userID}}" (SDK 8357): it moves with PUT .../users/{id}/population.
    (
        r'/users',
        Kind(
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
    ),
    # readAllGroupMembershipsForUser: expand, limit, cursor, filter (SDK 29302-29317); GroupMembership readOnly _links,
    # environment, name (SDK 3978-4000); type is DIRECT or INDIRECT (SDK 802-805), the server's word.
    (r'/users/[^/]+/memberOfGroups', Kind('group membership', True, ('_links', 'environment', 'name', 'type'))),
    # readAllResources declares no query parameter (SDK 24386-24445); Resource readOnly, SDK 6618-6679; clientId "Supported
    # only for the POST operation" (SDK 6639).
    (r'/resources', Kind('resource', False, ('_links', 'clientSecret', 'createdAt', 'environment', 'resource', 'id', 'updatedAt'), ('clientId',))),
    # readAllResourceScopes declares no query parameter (SDK 25586-25645); ResourceScope readOnly, SDK 6828-6868.
    (r'/resources/[^/]+/scopes', Kind('resource scope', False, ('_links', 'id', 'resource', 'environment', 'createdAt', 'updatedAt'))),
    # readAllApplications declares no query parameter (SDK 10316-10375); Application and ApplicationOIDC readOnly, SDK 1073-1156,
    # 1319-1568; clientId POST only (SDK 1337), assignActorRoles "ignored when included in a PUT request" (SDK 1333).
    # type and protocol pick the model of the oneOf the body is read as (SDK 1143-1146, not readOnly); Terraform plans a
    # change of either as a replacement (resource_application.go:483-506, 989-996).
    (
        r'/applications',
        Kind(
            'application',
            False,
            ('_links', 'createdAt', 'environment', 'id', 'updatedAt', 'clientSecret'),
            ('clientId', 'assignActorRoles'),
            immutable=('type', 'protocol'),
        ),
    ),
    # readAllApplicationGrants declares no query parameter (SDK 10929-10987); ApplicationResourceGrant readOnly, SDK 1667-1714.
    # Its resource is not readOnly (SDK 1689-1696), but Terraform replaces a grant whose resource changes
    # (resource_application_resource_grant.go:64-71).
    (
        r'/applications/[^/]+/grants',
        Kind('application resource grant', False, ('_links', 'application', 'createdAt', 'id', 'updatedAt'), immutable=('resource',)),
    ),
)

_ENVIRONMENT = re.compile(r'/v1/environments/[^/]+(?P<rest>/.*)?\Z')
# A collection that is none of the above: nothing known, nothing assumed beyond what every PingOne object carries.
UNKNOWN = Kind('object', False, ())


def kind_of(url: str) -> Kind:
    """The kind of the PingOne collection at ``url`` (``.../v1/environments/{envID}/users``), or UNKNOWN."""
    found = _ENVIRONMENT.search(urlsplit(url).path.rstrip('/'))
    rest = (found.group('rest') or '') if found else ''
    for pattern, kind in KINDS:
        if re.fullmatch(pattern, rest):
            return kind
    return UNKNOWN
