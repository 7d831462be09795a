# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the PingOne test server holds: objects by environment and collection in creation order, memberships,
application secrets, and the built-in resources every environment starts with."""

import threading
import uuid

from .models import COLLECTIONS, OPENID_CONNECT, PINGONE_API
from .times import now_iso

# The built-in resources of an environment, by type (EnumResourceType, SDK 659-662), with the names Ping's Terraform
# provider looks them up by (resource_resource_scope_pingone_api.go:167 "PingOne API", resource_resource_scope_openid.go:155
# "openid") and the scopes it calls predefined (p1:read:user and p1:update:user, resource_resource_scope_pingone_api.go:63;
# address, email, openid, phone and profile, resource_resource_scope_openid.go:353). PingOne's own list of each is longer
# (UNCONFIRMED: these are the ones a source names); accessTokenValiditySeconds is the model's default (SDK 6623-6625).
BUILT_IN_RESOURCES = (
    (PINGONE_API, 'PingOne API', ('p1:read:user', 'p1:update:user')),
    (OPENID_CONNECT, 'openid', ('address', 'email', 'openid', 'phone', 'profile')),
)


# The other objects every environment starts with, which no client creates or deletes: the User schema (readAllSchemas
# lists it; Terraform's pingone_schema data source looks it up by the name "User", data_source_schema.go), the platform
# admin roles (EnumCustomAdminRoleType PLATFORM, SDK 201-205; the names Terraform's guides use,
# docs/guides/admin-role-management.md), and the environment's English language (Language.customerAdded false for the
# languages PingOne provides, SDK 4692-4740). Which of each PingOne holds beyond these: UNCONFIRMED.
BUILT_IN_OBJECTS = (
    ('schemas', {'name': 'User', 'description': 'User schema'}),
    ('roles', {'name': 'Environment Admin', 'type': 'PLATFORM', 'permissions': []}),
    ('roles', {'name': 'Identity Data Admin', 'type': 'PLATFORM', 'permissions': []}),
    ('roles', {'name': 'Client Application Developer', 'type': 'PLATFORM', 'permissions': []}),
    ('roles', {'name': 'Identity Data Read Only', 'type': 'PLATFORM', 'permissions': []}),
    ('languages', {'locale': 'en', 'name': 'English', 'enabled': True, 'default': True, 'customerAdded': False}),
)


class Store(object):
    """Objects by environment and collection, in creation order; each entry is ``{"obj": ..., "seq": n}``."""

    def __init__(self, environments):
        self.environments = set(environments)
        self.lock = threading.RLock()
        self.reset()

    def reset(self):
        with self.lock:
            self.data = {env: {name: {} for name in COLLECTIONS} for env in self.environments}
            self.memberships = {}  # member id (a user or a group) -> {group id: seq}
            self.secrets = {}  # application id -> {"secret": ..., "previous": {"secret", "expiresAt", "lastUsed"} or None}
            self.seq = 0
            self.revision = 0  # writes so far (any request but a GET): what a filter chose is kept until the next
            self.versions = {}  # (env, collection) -> its removes so far (an add goes into the kept orders as it comes)
            self.orders = {}  # (env, collection, parent key) -> (version, {parent id or None: ([seq, ...], [id, ...])})
            self.derivations = {}  # key -> (revision, value): what derived() made, kept until the next write
            self.built_in = set()  # ids of the built-in resources and their predefined scopes
            for env in self.environments:
                self.add_built_ins(env)

    def add_built_ins(self, env):
        for collection, obj in BUILT_IN_OBJECTS:
            self.built_in.add(self.add(env, collection, obj)['id'])
        for kind, name, scopes in BUILT_IN_RESOURCES:
            resource = self.add(env, 'resources', {'name': name, 'type': kind, 'accessTokenValiditySeconds': 3600})
            self.built_in.add(resource['id'])
            for scope in scopes:
                self.built_in.add(self.add(env, 'scopes', {'name': scope, 'resource': {'id': resource['id']}})['id'])

    def add(self, env, name, obj, obj_id=None):
        """Store a new object with its id, environment and timestamps; returns it."""
        stamp = now_iso()
        obj = dict(obj, id=obj_id or str(uuid.uuid4()), environment={'id': env}, createdAt=stamp, updatedAt=stamp)
        seq = self.next_seq()
        self.items(env, name)[obj['id']] = {'obj': obj, 'seq': seq}
        # The newest object goes last in creation order: the kept orders take it as it comes (rebuilding one costs a sort
        # of the collection, which the first page read after 10,000 creates paid, 70 ms, inside a benchmark's clock).
        version = self.versions.get((env, name), 0)
        for (held_env, held_name, parent_key), (held_version, groups) in self.orders.items():
            if (held_env, held_name) == (env, name) and held_version == version:
                owner = (obj.get(parent_key) or {}).get('id') if parent_key else None
                seqs, ids = groups.setdefault(owner, ([], []))
                seqs.append(seq)
                ids.append(obj['id'])
        return obj

    def remove(self, env, name, obj_id):
        del self.items(env, name)[obj_id]
        self.changed(env, name)

    def changed(self, env, name):
        self.versions[(env, name)] = self.versions.get((env, name), 0) + 1

    def ordered(self, env, name, parent_key=None, parent_id=None):
        """(seqs, ids) of a collection's objects in creation order, those whose ``parent_key`` names ``parent_id`` when
        given: built once after each remove (an add is appended as it comes), so that a page of a list costs the page,
        not the collection (a sort of every user for each page of 200 made reading 100,000 users quadratic, and the benchmarks timed the
        server instead of the client)."""
        version = self.versions.get((env, name), 0)
        cached = self.orders.get((env, name, parent_key))
        if cached is None or cached[0] != version:
            rows = sorted(((entry['seq'], obj_id, entry['obj']) for obj_id, entry in self.items(env, name).items()), key=lambda row: row[0])
            groups = {}
            for seq, obj_id, obj in rows:
                owner = (obj.get(parent_key) or {}).get('id') if parent_key else None
                seqs, ids = groups.setdefault(owner, ([], []))
                seqs.append(seq)
                ids.append(obj_id)
            cached = (version, groups)
            self.orders[(env, name, parent_key)] = cached
        return cached[1].get(parent_id, ([], []))

    def derived(self, key, make):
        """A value ``make()`` derives from what the store holds, made once a revision (any write makes it again): each
        user's groups through nestings and userFilters, looked up for every user a ``memberOfGroups`` filter or a
        ``totalMemberCounts`` reads, parsed every group's userFilter again for each user, and the benchmarks' first
        no-change run timed this server instead of the client. The caller holds the lock."""
        held = self.derivations.get(key)
        if held is None or held[0] != self.revision:
            held = self.derivations[key] = (self.revision, make())
        return held[1]

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

    def direct_user_counts(self, env):
        """group id -> the number of users added to it directly (Group.directMemberCounts.users, SDK 3960-3967)."""
        counts = {}
        users = self.items(env, 'users')
        for member, groups in self.memberships.items():
            if member in users:
                for group in groups:
                    counts[group] = counts.get(group, 0) + 1
        return counts
