#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: pingone_application_secret
short_description: One step of the rotation of a PingOne application's secret, with an overlap, resumable
version_added: 0.1.0
description:
  - Rotates the secret of a PingOne application so that nothing stops working. PingOne keeps the previous secret usable
    for a window (1 minute to 30 days) and says when it was last used (C(previous.lastUsed)). The rotation goes in steps,
    one a task, that the role the role C(jwtauth.oidc.pingone_secret_rotation) runs in order - rotate, hand the new secret over to
    every consumer, verify each, retire the previous secret once nothing uses it.
  - The state of the rotation (its phase, when, until when, which consumers are done) is kept in a file per application
    in O(state_dir), never the secret. A run that failed half-way is continued by the next one, instead of rotating
    again, which would end the previous secret that the consumers not yet handed over still use.
  - The requests go through the collection's HTTP client, as for M(jwtauth.oidc.api_info). The rotation itself
    (C(POST .../secret)) is never sent twice; an answer lost on the way is found again by the next run.
  - A result that holds the secret is never displayed, at any verbosity, while the registered variable keeps it.
  - Check mode sends no write, records nothing, and says what it would do. Runs on the Ansible controller, like
    M(jwtauth.oidc.token).
author:
  - jwtauth.oidc developers (@jwtauth)
extends_documentation_fragment:
  - jwtauth.oidc.connection
  - jwtauth.oidc.connection.client_id_optional
  - jwtauth.oidc.api_auth
  - jwtauth.oidc.token_store
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
options:
  url:
    description:
      - URL of the environment in PingOne's Management API, V(https://api.pingone.<tld>/v1/environments/<envID>).
      - Its origin (scheme, host and port) is the only one the bearer token is sent to.
    type: str
    required: true
  application:
    description:
      - The name of the application whose secret rotates. It is looked up among the environment's applications
        (one C(GET .../applications)). One of O(application) and O(application_id) is required.
    type: str
  application_id:
    description:
      - The id (client ID) of the application. Spares the lookup by name; O(application) then only names it in messages.
    type: str
  step:
    description:
      - V(status) reads the secret's state and the recorded rotation, and changes nothing.
      - V(rotate) rotates the secret, the previous one kept for O(previous_lifetime) seconds, and returns the new one in
        RV(secret). When a rotation is already in progress (recorded in O(state_dir), and its secret is still PingOne's
        current one), it is continued instead, and RV(secret) is that secret. It refuses to rotate while PingOne keeps a
        previous secret that is not this rotation's (a rotation would end it at once) unless O(force). With O(min_age),
        a secret rotated less than that long ago is left alone.
      - V(handed_over) and V(verified) record the consumers of O(consumers) as handed over, or verified (a token was
        obtained with the new secret by the consumer's own path). Once every consumer of O(consumers) is verified, the
        token store (O(token_store_path)) drops the entries sealed with the previous secret (O(drop_previous_tokens)).
      - V(retire) deletes the previous secret when PingOne's C(previous.lastUsed) is at least O(retire_idle) seconds
        old (or it was not used since the rotation for as long), and every consumer of O(consumers) is verified.
        Otherwise it says when the previous secret was last used - something besides the consumers still uses it -
        and keeps it; PingOne ends it at the end of its window anyway. A previous secret that already ended completes
        the rotation.
    type: str
    default: status
    choices: [status, rotate, handed_over, verified, retire]
  state_dir:
    description:
      - Directory of the rotation state files, one per application (C(<envID>-<applicationID>.json)). Created 0700;
        each file is 0600 and never holds a secret. Keep it where every run of the rotation finds it (on an AWX or
        Automation Controller schedule, a persistent path of the execution node, or a project directory).
    type: path
    required: true
  consumers:
    description:
      - With O(step=handed_over) or O(step=verified), the consumers to record.
      - With O(step=retire), every consumer of the application, each of which must be verified before the previous
        secret is retired.
    type: list
    elements: str
    default: []
  previous_lifetime:
    description:
      - With O(step=rotate), how long PingOne keeps the previous secret usable, in seconds (C(previous.expiresAt)),
        from 60 (1 minute) to 2592000 (30 days).
    type: int
    default: 604800
  min_age:
    description:
      - With O(step=rotate), a secret rotated by this procedure less than this many seconds ago is not rotated again,
        so that a frequent schedule rotates only when due. V(0) rotates on every run that finds no rotation in progress.
    type: int
    default: 0
  retire_idle:
    description:
      - With O(step=retire), how many seconds PingOne's C(previous.lastUsed) must lie in the past before the previous
        secret is deleted.
    type: int
    default: 3600
  retire_wait:
    description:
      - With O(step=retire), how long to wait in this task, in seconds, for the previous secret to become idle, reading
        it again every O(retire_poll) seconds. V(0) reads once and leaves the previous secret to a later run when it
        is still used.
    type: int
    default: 0
  retire_poll:
    description:
      - With O(retire_wait), the seconds between two reads of the previous secret.
    type: int
    default: 10
  force:
    description:
      - With O(step=rotate), rotate even while PingOne keeps a previous secret that this procedure did not record,
        which ends that previous secret at once.
    type: bool
    default: false
  drop_previous_tokens:
    description:
      - Drop the token store's entries sealed with the previous secret once every consumer of O(consumers) is verified
        (O(step=verified)), so that nothing obtained with it is served from the store afterwards.
    type: bool
    default: true
  bearer_token:
    description:
      - A static bearer token for the Management API, instead of one from the token store.
    type: str
attributes:
  check_mode:
    support: full
    details:
      - Reads, and says what it would write; records nothing.
  diff_mode:
    support: none
  action:
    support: full
  async:
    support: none
  bypass_host_loop:
    support: none
  platform:
    platforms: all
notes:
  - The worker application whose token the module uses needs a role that can read and rotate application secrets
    (Client Application Developer, or Environment Admin; reading a secret needs C(applications:read:secret)).
seealso:
  - ref: ansible_collections.jwtauth.oidc.docsite.guide_pingone_as_code
    description: The pingone_secret_rotation role, which runs the whole rotation (Rotating client secrets).
  - module: jwtauth.oidc.api_info
"""

EXAMPLES = r"""
- name: Rotate the secret of the application "portal", the previous one kept for a day
  jwtauth.oidc.pingone_application_secret:
    url: "https://api.pingone.eu/v1/environments/{{ pingone_environment_id }}"
    environment_id: "{{ pingone_environment_id }}"
    region: EU
    client_id: "{{ pingone_worker_client_id }}"
    client_secret: "{{ pingone_worker_client_secret }}"
    application: portal
    step: rotate
    previous_lifetime: 86400
    state_dir: /var/lib/rotation
  register: portal_secret

- name: Retire the previous secret once unused for an hour
  jwtauth.oidc.pingone_application_secret:
    url: "https://api.pingone.eu/v1/environments/{{ pingone_environment_id }}"
    environment_id: "{{ pingone_environment_id }}"
    region: EU
    client_id: "{{ pingone_worker_client_id }}"
    client_secret: "{{ pingone_worker_client_secret }}"
    application: portal
    step: retire
    retire_idle: 3600
    consumers: [portal vault file]
    state_dir: /var/lib/rotation
"""

RETURN = r"""
secret:
  description: The new secret, with O(step=rotate) when a rotation happened or is in progress. The task's display is then censored.
  returned: with O(step=rotate), unless not due or in check mode
  type: str
application_id:
  description: The application's id (its client ID).
  returned: success
  type: str
phase:
  description: The phase of the recorded rotation - V(rotating), V(rotated), V(verified), V(retired) - or null when none is recorded.
  returned: success
  type: str
rotated:
  description: Whether this task rotated the secret.
  returned: with O(step=rotate)
  type: bool
retired:
  description: Whether the previous secret is retired (deleted now, or ended before).
  returned: with O(step=retire)
  type: bool
still_used:
  description: Whether PingOne says the previous secret was used less than O(retire_idle) seconds ago.
  returned: with O(step=retire)
  type: bool
previous:
  description: PingOne's previous secret while it lives - C(expires_at) and C(last_used) (null when never used) - never the secret.
  returned: success
  type: dict
consumers:
  description: The consumers recorded for the rotation in progress, each with when it was C(handed_over) and C(verified) (epoch seconds).
  returned: success
  type: dict
dropped_tokens:
  description: How many token store entries sealed with the previous secret were dropped.
  returned: with O(step=verified)
  type: int
state_path:
  description: The rotation's state file.
  returned: success
  type: str
check_mode:
  description: Whether the task ran in check mode (C(--check), or a C(check_mode) keyword on it or around it).
  returned: always
  type: bool
msg:
  description: What was done, in words.
  returned: always
  type: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.specs import pingone_application_secret_module_kwargs


def main():
    """Never run by a play: the action plugin of the same name does the work, on the controller."""
    module = AnsibleModule(supports_check_mode=True, **pingone_application_secret_module_kwargs())
    module.fail_json(
        msg='jwtauth.oidc.pingone_application_secret runs on the controller as an action plugin; this module file holds only its '
        'documentation. Run it from a play with the jwtauth.oidc collection installed.'
    )


if __name__ == '__main__':
    main()
