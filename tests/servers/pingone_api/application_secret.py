# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""An application's secret, for the PingOne test server's API (a mixin of api.API).

ApplicationSecret (SDK 1715-1745): ``secret`` (read-only), ``previous`` {``secret`` (read-only, "returned in the response if
the previous secret is not expired"), ``expiresAt`` ("how long this secret is saved (and can be used) before it expires.
Supported time range is 1 minute to 30 days"; required in ``previous``), ``lastUsed`` (read-only, "when the previous secret
was last used")}.

- readApplicationSecret: ``GET .../applications/{applicationID}/secret`` answers 200 ApplicationSecret (SDK 10676-10735).
- updateApplicationSecret: ``POST`` the same path rotates it and answers 200 (not 201) ApplicationSecret (SDK 10736-10801),
  with a body of ``{}`` (the old secret ends now) or ``{"previous": {"expiresAt": ...}}`` (it stays usable until then), as
  Ping's Terraform provider sends it (resource_application_secret.go:371-399).
- deletePreviousApplicationSecret: ``DELETE`` the same path ends the previous secret, 204 (SDK 10802-10856); with no
  previous secret, 404 (UNCONFIRMED).

An application that is a client of the test OP (op_clients.py) rotates there too: the OP issues the new secret, keeps
the previous one authenticating the client until ``previous.expiresAt``, ends it on DELETE, and says when it last
authenticated a request, which is ``previous.lastUsed`` here. For the other applications no request ever
authenticates, and ``previous.lastUsed`` is absent until a test sets it through the control route
``POST /_control/previous_secret_used`` (server.py).
"""

import datetime
import secrets

from .errors import invalid, not_found
from .times import iso, parse_iso, utc_now

# previous.expiresAt: "Supported time range is 1 minute to 30 days" (SDK 1736-1738); a few seconds of leeway for the clock
# between the client's computing it and this server's reading it.
PREVIOUS_MIN = datetime.timedelta(minutes=1)
PREVIOUS_MAX = datetime.timedelta(days=30)
LEEWAY = datetime.timedelta(seconds=5)


def new_secret():
    """A secret of 86 characters: "a minimum length of 64 characters" (prose Read Application Secret page)."""
    return secrets.token_urlsafe(64)[:86]


class ApplicationSecretHandlers(object):
    """Handlers of ``/applications/{applicationID}/secret``."""

    def secret_of(self, route):
        app_id = route.params['applicationID']
        if app_id not in self.store.items(route.env, 'applications'):
            raise not_found()
        return app_id, self.store.secrets[app_id]

    def secret_answer(self, route, held):
        answer = {'_links': {'self': {'href': self.href(route.path)}}, 'environment': {'id': route.env}, 'secret': held['secret']}
        previous = held.get('previous')
        app_id = route.params['applicationID']
        if previous and app_id in self.op_clients.registered and parse_iso(previous['expiresAt']) > utc_now():
            used = self.op_clients.previous_last_used(app_id)
            if used is not None:
                previous['lastUsed'] = iso(datetime.datetime.fromtimestamp(used, datetime.timezone.utc))
        if previous:
            shown = {'expiresAt': previous['expiresAt']}
            if parse_iso(previous['expiresAt']) > utc_now():
                shown['secret'] = previous['secret']
            if previous.get('lastUsed'):
                shown['lastUsed'] = previous['lastUsed']
            answer['previous'] = shown
        return answer

    def read_secret(self, route, query, body):
        app_id, held = self.secret_of(route)
        if self.faults.first_read(app_id):
            # not_found_after_create: the first read of a new application, of itself or of its secret, answers 404.
            raise not_found()
        return 200, {}, self.secret_answer(route, held)

    def rotate_secret(self, route, query, body):
        app_id, held = self.secret_of(route)
        self.refuse_read_only(route, body)
        previous = self.previous_to_keep(body)
        if app_id in self.op_clients.registered:
            # The OP issues the secret of its client (op_clients.py); a refusal changes nothing here.
            secret = self.op_clients.rotate(app_id, parse_iso(previous) if previous else None)
        else:
            secret = new_secret()
        self.store.secrets[app_id] = {
            'secret': secret,
            'previous': {'secret': held['secret'], 'expiresAt': previous, 'lastUsed': None} if previous else None,
        }
        return 200, {}, self.secret_answer(route, self.store.secrets[app_id])

    @staticmethod
    def previous_to_keep(body):
        """The expiresAt of the secret being replaced, as the body asks (None: it ends now); 400 outside 1 minute to 30 days."""
        previous = body.get('previous')
        if previous is None:
            return None
        expires = parse_iso(previous.get('expiresAt')) if isinstance(previous, dict) else None
        if expires is None:
            raise invalid(('REQUIRED_VALUE', 'previous.expiresAt', 'previous.expiresAt (a date-time) is required'))
        left = expires - utc_now()
        if not PREVIOUS_MIN - LEEWAY <= left <= PREVIOUS_MAX + LEEWAY:
            raise invalid(('OUT_OF_RANGE', 'previous.expiresAt', 'previous.expiresAt must be 1 minute to 30 days from now'))
        return iso(expires)

    def delete_previous_secret(self, route, query, body):
        app_id, held = self.secret_of(route)
        if not held.get('previous'):
            raise not_found()
        if app_id in self.op_clients.registered:
            self.op_clients.delete_previous(app_id)
        held['previous'] = None
        return 204, {}, None

    def previous_secret_used(self, env, app_id, at):
        """The control route's: set previous.lastUsed of an application (a date-time, or None to clear it); False when it
        has no previous secret."""
        held = self.store.secrets.get(app_id)
        if env not in self.store.environments or not held or not held.get('previous'):
            return False
        held['previous']['lastUsed'] = at
        return True
