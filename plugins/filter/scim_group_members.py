# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The scim_group_members filter: SCIM groups whose members are named by userName, made into member ids."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError


def scim_group_members(groups, ids):
    """Replace each group's ``members`` (userNames) by SCIM member references ``{"value": id}`` (RFC 7643 section 4.2)."""
    converted = []
    for group in groups or []:
        members = []
        for user_name in group.get('members') or []:
            if user_name not in ids:
                raise AnsibleFilterError(f'Group {group.get("displayName")!r} names member {user_name!r}, which is not one of the users this role manages')
            # In check mode a user still to be created has no id yet: None makes the group show as changing.
            members.append({'value': ids[user_name]})
        converted.append(dict(group, members=members))
    return converted


class FilterModule:
    """jwtauth.oidc filters."""

    def filters(self):
        return {'scim_group_members': scim_group_members}
