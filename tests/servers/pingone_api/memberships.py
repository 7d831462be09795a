# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Group memberships of a user and group nesting, for the PingOne test server's API (a mixin of api.API).

A user's memberships: addUserToGroup (``POST /users/{userID}/memberOfGroups`` with ``{"id": groupID}``, GroupMembership.id
"ID of the group to assign", SDK 3988-3990), readAllGroupMembershipsForUser (``expand``, ``limit``, ``cursor``, ``filter``),
readOneGroupMembershipForUser (``expand``), removeUserFromGroup (``DELETE /users/{userID}/memberOfGroups/{groupID}``); items
are GroupMembership {id, environment, name, type DIRECT|INDIRECT} (SDK 3978-4000, EnumGroupMembershipType 802-805) under
``_embedded.groupMemberships``.

Group nesting is the same shape under ``/groups/{groupID}/memberOfGroups`` (createGroupNesting, readGroupNesting with no
query parameter, readOneGroupNesting, deleteGroupNesting ``/groups/{groupID}/memberOfGroups/{nestedGroupID}``). The
direction is read as the prose Create Group Nesting page says ("Members of the group identified in the request URL are
dynamically added to the group specified in the body", https://developer.pingidentity.com/pingone-api/platform/groups/create-nested-group.html);
the contract words it the other way (GroupNesting.id "ID of the group to nest", SDK 4008; {nestedGroupID}, 17396):
UNCONFIRMED which is right. Its list key groupMemberships and its answers shaped as GroupMembership are UNCONFIRMED too
(contract.NESTING_KEY).

A member of a nested group is a member of its parents: PingOne lists those memberships too, as type INDIRECT (after every
direct one here). Removing one is refused (UNCONFIRMED): it goes with the nesting that makes it. A user whom a group's
``userFilter`` matches is a member of it too ("A SCIM filter that determines which users are dynamically added to the
group", Group.userFilter, SDK 3942-3944; the prose Groups page's second way of adding users): listed as INDIRECT, the
only other value of EnumGroupMembershipType (UNCONFIRMED), and counted in totalMemberCounts but not directMemberCounts
(SDK 3960-3976: only users added with POST .../memberOfGroups are direct).
"""

from .errors import APIError, invalid, not_found
from .models import population_of
from .paging import matches, parse_filter

# The place of indirect memberships in a member's list: after every direct one (direct ones are ordered by sequence).
INDIRECT_ORDER = 10**9
# The filter of readAllGroupMembershipsForUser has no description (SDK 29317-29320): this subset is UNCONFIRMED.
MEMBERSHIP_FILTERS = {'id': ('eq',), 'name': ('eq', 'sw'), 'type': ('eq',)}


class AnyAttribute(dict):
    """The attributes a group's userFilter may name: any of the user's, with eq and sw (the subset this server evaluates;
    PingOne's own list for userFilter is UNCONFIRMED); never memberOfGroups (a group defined by groups)."""

    def get(self, key, default=None):
        return () if key == 'memberOfGroups.id' else ('eq', 'sw')


USER_FILTER_ATTRIBUTES = AnyAttribute()
# expand=group adds _embedded.group (GroupMembership._embedded.group, SDK 3983-3987; EnumUserGroupAssignmentExpandParameter).
EXPANDS = ('group',)


class MembershipHandlers(object):
    """Handlers of memberships (route.target 'users') and nestings (route.target 'groups')."""

    @staticmethod
    def member_and_group(route):
        """The member's id and the group's id (None on the list) a membership route names."""
        if route.target == 'users':
            return route.params['userID'], route.params.get('groupID')
        return route.params['groupID'], route.params.get('nestedGroupID')

    def group_answer(self, env, group_id):
        entry = self.store.items(env, 'groups')[group_id]
        obj = dict(entry['obj'], _links={'self': {'href': self.href('/v1/environments/%s/groups/%s' % (env, group_id))}})
        obj['directMemberCounts'] = {'users': self.store.direct_user_counts(env).get(group_id, 0)}
        return obj

    def membership(self, route, member_id, group_id, kind='DIRECT', expand=None):
        env = route.env
        if expand is not None and expand not in EXPANDS:
            raise invalid(('INVALID_VALUE', 'expand', 'expand must be one of %s' % ', '.join(EXPANDS)))
        group = self.store.items(env, 'groups')[group_id]['obj']
        path = '%s/%s/%s/memberOfGroups/%s' % (self.env_path(route), route.target, member_id, group_id)
        if self.faults.membership_links_to_group:
            path = '%s/groups/%s' % (self.env_path(route), group_id)  # faults.py: membership_links_to_group
        answer = {'_links': {'self': {'href': self.href(path)}}, 'id': group_id, 'environment': {'id': env}, 'name': group['name'], 'type': kind}
        if expand == 'group':
            answer['_embedded'] = {'group': self.group_answer(env, group_id)}
        return answer

    def user_filters(self, env):
        """(group id, parsed userFilter) of each group with a userFilter this server can read, in creation order: parsed
        once a revision (Store.derived)."""

        def parse():
            found = []
            for group_id, entry in sorted(self.store.items(env, 'groups').items(), key=lambda pair: pair[1]['seq']):
                text = entry['obj'].get('userFilter')
                if not isinstance(text, str) or not text.strip():
                    continue
                try:
                    found.append((group_id, parse_filter(text, USER_FILTER_ATTRIBUTES, 'userFilter')))
                except APIError:
                    continue
            return found

        return self.store.derived(('user_filters', env), parse)

    def dynamic_groups(self, env, member_id):
        """The groups whose userFilter a user matches, in creation order (none for a group, or a filter this server cannot
        read)."""
        user = self.store.items(env, 'users').get(member_id)
        if user is None:
            return []
        return [group_id for group_id, terms in self.user_filters(env) if matches(user['obj'], terms, lambda _member: ())]

    def indirect_groups(self, env, member_id, direct):
        """The groups a member is in other than directly: those whose userFilter it matches, and parents of its groups,
        their parents, ..."""
        dynamic = [group for group in self.dynamic_groups(env, member_id) if group not in direct]
        seen, todo, found = set(direct) | set(dynamic) | {member_id}, list(direct) + dynamic, list(dynamic)
        while todo:
            for parent in self.store.memberships.get(todo.pop(0), {}):
                if parent not in seen:
                    seen.add(parent)
                    found.append(parent)
                    todo.append(parent)
        return found

    def groups_of(self, env, member_id):
        """Every group a member is in: directly, through a userFilter and through nesting (worked out once a revision)."""
        known = self.store.derived(('groups_of', env), dict)
        found = known.get(member_id)
        if found is None:
            direct = self.store.memberships.get(member_id, {})
            found = known[member_id] = tuple(sorted(direct, key=direct.get)) + tuple(self.indirect_groups(env, member_id, direct))
        return list(found)

    def total_members(self, env, group_id):
        """Users in a group, however they came in (Group.totalMemberCounts.users, SDK 3968-3976)."""
        return sum(1 for user_id in self.store.items(env, 'users') if group_id in self.groups_of(env, user_id))

    def memberships_of(self, route):
        member_id, _group_id = self.member_and_group(route)
        if member_id not in self.store.items(route.env, route.target):
            raise not_found()
        return self.store.memberships.setdefault(member_id, {})

    def list_memberships(self, route, query, body):
        member_id, _group_id = self.member_and_group(route)
        groups = self.memberships_of(route)
        all_groups = self.store.items(route.env, 'groups')
        direct = sorted(((seq, g, 'DIRECT') for g, seq in groups.items()), key=lambda row: row[0])
        indirect = sorted(
            ((INDIRECT_ORDER + all_groups[g]['seq'], g, 'INDIRECT') for g in self.indirect_groups(route.env, member_id, groups)), key=lambda row: row[0]
        )
        rows = [(seq, {'id': g, 'name': all_groups[g]['obj']['name'], 'type': kind}) for seq, g, kind in direct + indirect]
        filters = MEMBERSHIP_FILTERS if 'filter' in route.op.query else None
        page = self.pager.page(
            route.op,
            route.path,
            query,
            ([seq for seq, _row in rows], [row for _seq, row in rows], lambda row: row),
            filters,
            None,
            lambda row, expand: self.membership(route, member_id, row['id'], row['type'], expand),
        )
        return 200, {}, page

    def add_membership(self, route, query, body):
        groups = self.memberships_of(route)
        self.refuse_read_only(route, body)
        member_id, _group_id = self.member_and_group(route)
        group_id = body.get('id')
        if not isinstance(group_id, str):
            raise invalid(('REQUIRED_VALUE', 'id', 'id (the group ID) is required'))
        all_groups = self.store.items(route.env, 'groups')
        group = all_groups.get(group_id)
        if group is None:
            raise invalid(('INVALID_VALUE', 'id', 'group %s does not exist' % group_id))
        member = self.store.items(route.env, route.target)[member_id]['obj']
        scope = population_of(group['obj'])
        if route.target == 'users':
            if scope and scope != population_of(member):
                # "A population-level group can contain users from that population only" (prose admin guide, Groups).
                raise invalid(('INVALID_VALUE', 'id', 'the group belongs to another population'))
            # "the same user cannot belong to multiple groups with the same group name" (Group.name, SDK 3941) needs no
            # check of its own here: groups of one name are in different populations, and a user joins its own's only.
        else:
            if group_id == member_id:
                raise invalid(('INVALID_VALUE', 'id', 'A group cannot be nested in itself'))  # UNCONFIRMED
            if scope and scope != population_of(member):
                # "You cannot nest an environment-level group inside a population-level group"
                # (https://docs.pingidentity.com/pingone/directory/p1_nested_groups.html); nor, UNCONFIRMED, a group of
                # another population. Circular references are allowed (same page).
                raise invalid(('INVALID_VALUE', 'id', 'A group cannot be nested in a population-level group of another scope'))
        if group_id in groups:
            raise invalid(('UNIQUENESS_VIOLATION', 'id', 'Already a member of this group.'))  # UNCONFIRMED
        groups[group_id] = self.store.next_seq()
        location = self.href('%s/%s' % (route.path, group_id))
        return 201, {'Location': location}, self.membership(route, member_id, group_id)

    def read_membership(self, route, query, body):
        groups = self.memberships_of(route)
        member_id, group_id = self.member_and_group(route)
        expand = (query.get('expand') or [None])[0]
        if group_id in groups:
            return 200, {}, self.membership(route, member_id, group_id, 'DIRECT', expand)
        if group_id in self.indirect_groups(route.env, member_id, groups):
            return 200, {}, self.membership(route, member_id, group_id, 'INDIRECT', expand)
        raise not_found()

    def remove_membership(self, route, query, body):
        groups = self.memberships_of(route)
        member_id, group_id = self.member_and_group(route)
        if group_id not in groups and group_id in self.indirect_groups(route.env, member_id, groups):
            raise invalid(('INVALID_VALUE', 'id', 'An indirect membership cannot be removed: remove the group nesting that makes it'))  # UNCONFIRMED
        if groups.pop(group_id, None) is None:
            raise not_found()
        return 204, {}, None
