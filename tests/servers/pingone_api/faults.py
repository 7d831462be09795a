# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Faults a test arms with a reset (all off by default):

- fail_first ``{"METHOD /path-prefix*": [status, n]}``: the first n authorized requests matching METHOD and the path (a
  trailing * matches a prefix) answer that status with PingOne's error (errors.injected: a 429 is REQUEST_LIMITED with
  LIMIT_EXCEEDED, innerError.retryAfter and Retry-After) before the handler runs; the secret read included. Requests
  refused with 401/403 do not count.
- not_found_after_create: the first GET of each object created after the reset (for an application, of itself or of
  its secret) answers 404 NOT_FOUND.
- not_found_under_new_parent ``{"GET": n, "POST": m}``: for each user, group, resource and application created after
  the reset, the first n reads (list or one) and the first m POSTs of its sub-collection (users/{id}/memberOfGroups,
  groups/{id}/memberOfGroups, resources/{id}/scopes, applications/{id}/grants) answer 404 NOT_FOUND. PingOne's retry
  page names "Eventual Consistency and retryable 404 errors"
  (https://developer.pingidentity.com/pingone-api/platform/working-with-pingone-apis/retry-best-practices.html); no
  machine-readable source says which requests they hit (the contract's own 404 marker, x-pingone-docs-8830, is about
  a just-created environment, GC 3458-3465): UNCONFIRMED beyond the page's title.
- membership_links_to_group: a membership's (and a nesting's) ``_links.self.href`` names its group
  (``/groups/{groupID}``) rather than the membership: the contract says nothing of what that link names (LinksHATEOAS,
  SDK 40-50, is a free map), so a client must delete a membership at the path the contract names
  (``/users/{userID}/memberOfGroups/{groupID}``, SDK 29374-29379), never at its self link, or it deletes the group.
- page_cap: every list page holds at most this many items whatever ``limit`` asks ("supported limits are not always
  honored ... use the page size in the response rather than the requested limit", Paging and ordering collections,
  https://developer.pingidentity.com/pingone-api/platform/reference/paging-ordering-collections.html).
"""

import threading

# The sub-collection operations of a parent, by the path parameter that names the parent.
SUB_COLLECTIONS = {
    'readAllGroupMembershipsForUser': 'userID',
    'addUserToGroup': 'userID',
    'readOneGroupMembershipForUser': 'userID',
    'readGroupNesting': 'groupID',
    'createGroupNesting': 'groupID',
    'readOneGroupNesting': 'groupID',
    'readAllResourceScopes': 'resourceID',
    'createResourceScope': 'resourceID',
    'readOneResourceScope': 'resourceID',
    'readAllApplicationGrants': 'applicationID',
    'createApplicationGrant': 'applicationID',
    'readOneApplicationGrant': 'applicationID',
}
# The collections whose new objects are parents of a sub-collection above.
PARENTS = ('users', 'groups', 'resources', 'applications')


def parse_fail_first(spec):
    """{"METHOD /path": [status, n]} as a list of [method, path, status, left]."""
    faults = []
    for key, value in dict(spec).items():
        method, _sep, path = key.partition(' ')
        status, count = (list(value) + [1])[:2] if isinstance(value, (list, tuple)) else (value, 1)
        faults.append([method.upper(), path.strip(), int(status), int(count)])
    return faults


class Faults(object):
    """The faults armed by the last reset, and what is left of them."""

    def __init__(self, settings=None):
        settings = settings or {}
        self.lock = threading.Lock()
        self.fail_first = parse_fail_first(settings.get('fail_first') or {})
        self.not_found_after_create = bool(settings.get('not_found_after_create'))
        lag = settings.get('not_found_under_new_parent') or {}
        self.under_new_parent = {'GET': int(lag.get('GET') or 0), 'POST': int(lag.get('POST') or 0)}
        self.page_cap = int(settings['page_cap']) if settings.get('page_cap') else None
        self.membership_links_to_group = bool(settings.get('membership_links_to_group'))
        self.fresh = set()  # ids whose first GET answers 404 (not_found_after_create)
        self.lagging = {}  # parent id -> {"GET": n, "POST": n} 404s left on its sub-collection

    def take_status(self, method, path):
        """The status of the first armed fail_first fault this request matches (and one fewer left), or None."""
        with self.lock:
            for fault in self.fail_first:
                want_method, want_path, status, left = fault
                if left > 0 and want_method == method and (path == want_path or (want_path.endswith('*') and path.startswith(want_path[:-1]))):
                    fault[3] -= 1
                    return status
        return None

    def created(self, collection, obj_id):
        """Arm the faults of a new object."""
        with self.lock:
            if self.not_found_after_create:
                self.fresh.add(obj_id)
            if collection in PARENTS and any(self.under_new_parent.values()):
                self.lagging[obj_id] = dict(self.under_new_parent)

    def deleted(self, obj_id):
        with self.lock:
            self.fresh.discard(obj_id)
            self.lagging.pop(obj_id, None)

    def first_read(self, obj_id):
        """Whether this is the first GET of an object created with not_found_after_create armed (a 404)."""
        with self.lock:
            if obj_id in self.fresh:
                self.fresh.discard(obj_id)
                return True
        return False

    def lags(self, op, params):
        """Whether this request to a new parent's sub-collection answers 404 (and one fewer left)."""
        parent = params.get(SUB_COLLECTIONS.get(op.operation_id, ''))
        kind = 'GET' if op.method == 'GET' else op.method
        with self.lock:
            left = self.lagging.get(parent)
            if left and left.get(kind, 0) > 0:
                left[kind] -= 1
                return True
        return False
