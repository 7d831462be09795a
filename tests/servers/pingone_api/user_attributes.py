# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A user's population and enabled state, each an endpoint of its own, for the PingOne test server's API (a mixin of
api.API).

updateUserPopulation (``PUT /users/{userID}/population`` with UserPopulation ``{"id": populationID}``, SDK 8449-8458) and
readUserPopulation; updateUserEnabled (``PUT /users/{userID}/enabled`` with UserEnabled ``{"enabled": bool}``, SDK
8440-8448) and readUserEnabled. The answers are those models: ``{_links, id}`` and ``{_links, enabled}``. "If a user's
population changes, they are also removed from any group that contains them for this population" (prose Groups page,
https://developer.pingidentity.com/pingone-api/platform/groups.html).
"""

from .errors import invalid, not_found
from .models import population_of
from .times import now_iso


class UserAttributeHandlers(object):
    """Handlers of ``/users/{userID}/population`` and ``/users/{userID}/enabled`` (route.target names the attribute)."""

    def user_of(self, route):
        user = self.store.items(route.env, 'users').get(route.params['userID'])
        if user is None:
            raise not_found()
        return user

    def user_attribute_answer(self, route, user):
        answer = {'_links': {'self': {'href': self.href(route.path)}}}
        if route.target == 'population':
            answer['id'] = population_of(user['obj'])
        else:
            answer['enabled'] = user['obj'].get('enabled', True)
        return answer

    def read_user_attribute(self, route, query, body):
        return 200, {}, self.user_attribute_answer(route, self.user_of(route))

    def update_user_attribute(self, route, query, body):
        user = self.user_of(route)
        self.refuse_read_only(route, body)
        if route.target == 'population':
            self.move_user(route.env, user['obj'], body)
        else:
            if not isinstance(body.get('enabled'), bool):
                raise invalid(('INVALID_VALUE', 'enabled', 'enabled must be a boolean'))
            user['obj']['enabled'] = body['enabled']
        user['obj']['updatedAt'] = now_iso()
        return 200, {}, self.user_attribute_answer(route, user)

    def move_user(self, env, user, body):
        population = body.get('id')
        if not isinstance(population, str):
            raise invalid(('REQUIRED_VALUE', 'id', 'id (the population ID) is required'))
        if population not in self.store.items(env, 'populations'):
            raise invalid(('INVALID_VALUE', 'id', 'population %s does not exist' % population))
        old = population_of(user)
        if population == old:
            return
        groups = self.store.items(env, 'groups')
        memberships = self.store.memberships.get(user['id'], {})
        for group_id in [g for g in memberships if population_of(groups[g]['obj']) == old]:
            del memberships[group_id]
        user['population'] = {'id': population}
        self.recount(env)
