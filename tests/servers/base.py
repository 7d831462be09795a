# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the harnesses of the test servers share: a child process that writes a ready file, and the Python servers
behind tokens of the test OP (their config file, ready file, reset route and request log).

The OP harness (op/harness.py) runs node on server.mjs through ServerProcess; the SCIM and the PingOne API harnesses
run their ``server.py`` through LoggedServer, as ``python -m servers.<name>.server`` from the directory that holds
this package (ROOT), so that a server imports what it shares as a package.
"""

import atexit
import json
import os
import secrets
import signal
import subprocess
import sys
import time

import requests

# The directory that holds the servers package (tests/): the working directory of the Python servers.
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def write_config(path, settings):
    """Write a server's settings as JSON to a file only this user can read (they hold secrets)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, 'w') as f:
        json.dump(settings, f, indent=2)


class ServerProcess(object):
    """Start, output tail, stop and context management for a test server run as a child process.

    A subclass sets ``output_path`` and ``ready_path``, and ``error`` and ``label`` for what it raises, then calls
    ``_spawn``: the child's stdin is a pipe, so it exits when stdin closes, even if this process is killed. The OP
    harness uses it directly, the SCIM and PingOne API harnesses through LoggedServer.
    """

    error = RuntimeError
    label = 'test server'
    process = None
    _out = None
    output_path = None
    ready_path = None

    def _spawn(self, command, cwd, startup_timeout):
        """Run ``command`` in ``cwd``, its output to output_path, until it writes ready_path (its port and pid)."""
        self._out = open(self.output_path, 'ab')
        started = time.monotonic()
        self.process = subprocess.Popen(command, cwd=cwd, stdin=subprocess.PIPE, stdout=self._out, stderr=subprocess.STDOUT)
        atexit.register(self.stop)
        while not os.path.exists(self.ready_path):
            if self.process.poll() is not None or time.monotonic() - started > startup_timeout:
                reason = 'exited with %s' % self.process.returncode if self.process.poll() is not None else 'not ready after %ss' % startup_timeout
                self.stop()
                raise self.error('%s %s; output:\n%s' % (self.label, reason, self._tail()))
            time.sleep(0.02)
        with open(self.ready_path) as f:
            ready = json.load(f)
        self.startup_seconds = time.monotonic() - started
        self.port = ready['port']
        self.pid = ready['pid']

    def _tail(self, size=4000):
        try:
            with open(self.output_path, 'rb') as f:
                return f.read()[-size:].decode('utf-8', 'replace')
        except OSError:
            return ''

    def stop(self):
        """Stop the server (SIGTERM, then SIGKILL after 5 s); safe to call twice."""
        proc, self.process = self.process, None
        if proc is not None and proc.stdin is not None:
            proc.stdin.close()
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        if self._out is not None:
            self._out.close()
            self._out = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class LoggedServer(ServerProcess):
    """A Python test server of this package (the ``server`` module of a sub-package) behind bearer tokens of the test OP.

    It starts from a 0600 JSON config file (the OP client it introspects tokens as, the OP's TLS certificate, a
    control secret), is ready once it writes its port to a ready file, is emptied and armed through
    ``POST /_control/reset``, and writes one JSON line per request (method, path, status; never a body, a token or
    a secret) to a request log that ``count()`` and ``writes()`` read. The SCIM and the PingOne API test servers
    build on it; a subclass sets ``error``, ``file_prefix`` and ``label``, and calls ``_launch``.
    """

    file_prefix = 'server'

    def _launch(self, workdir, op, module, client, python, config, startup_timeout):
        """Start ``python -m module CONFIG`` from ROOT with the settings every server reads, updated with ``config``."""
        self.workdir = os.path.abspath(str(workdir))
        self.op = op
        self.python = python or sys.executable
        self.process = None
        self._out = None
        os.makedirs(self.workdir, exist_ok=True)
        self.log_path = os.path.join(self.workdir, self.file_prefix + '-requests.jsonl')
        self.output_path = os.path.join(self.workdir, self.file_prefix + '-output.log')
        self.ready_path = os.path.join(self.workdir, self.file_prefix + '-ready.json')
        self.config_path = os.path.join(self.workdir, self.file_prefix + '-config.json')
        for path in (self.log_path, self.ready_path):
            if os.path.exists(path):
                os.unlink(path)
        info = op.clients[client]
        self._control_secret = secrets.token_hex(16)
        settings = {
            'host': '127.0.0.1',
            'port': 0,
            'ready_path': self.ready_path,
            'log_path': self.log_path,
            'introspection_endpoint': op.discovery()['introspection_endpoint'],
            'ca_path': op.ca_path,
            'client_id': info['client_id'],
            'client_secret': info['client_secret'],
            'signing_alg': info.get('signing_alg') or 'HS256',
            'tls_cert': op.cert_path,
            'tls_key': op.key_path,
            'control_secret': self._control_secret,
        }
        settings.update(config)
        write_config(self.config_path, settings)
        self._spawn([self.python, '-m', module, self.config_path], ROOT, startup_timeout)
        self.root_url = 'https://127.0.0.1:%d' % self.port

    def _reset(self, settings):
        """``POST /_control/reset`` with the control secret and these settings."""
        resp = requests.post(
            self.root_url + '/_control/reset', json=settings, headers={'X-Test-Control': self._control_secret}, verify=self.op.ca_path, timeout=10
        )
        if resp.status_code != 204:
            raise self.error('reset failed: HTTP %s %s' % (resp.status_code, resp.text[:300]))

    def requests_log(self, since=0):
        """Parsed request log lines ({method, path, status, ...}) from index ``since``."""
        try:
            with open(self.log_path) as f:
                lines = f.read().splitlines()
        except IOError:
            return []
        return [json.loads(line) for line in lines[since:] if line.strip()]

    def mark(self):
        """Current length of the request log, for count(since=...) and writes(since=...)."""
        return len(self.requests_log())

    def count(self, method=None, path_prefix=None, since=0, status=None):
        """Number of logged requests, narrowed by method, path prefix and status."""
        n = 0
        for entry in self.requests_log(since):
            if method is not None and entry['method'] != method.upper():
                continue
            if path_prefix is not None and not entry['path'].startswith(path_prefix):
                continue
            if status is not None and entry['status'] != status:
                continue
            n += 1
        return n

    def is_write(self, entry):
        """Whether a logged request is a write (what writes() counts)."""
        return entry['method'] in ('POST', 'PUT', 'PATCH', 'DELETE')

    def writes(self, since=0):
        """Number of logged writes, whatever their status."""
        return sum(1 for entry in self.requests_log(since) if self.is_write(entry))

    def token(self, scope='api:read api:write', client='basic'):
        """A fresh OP access token (client_credentials grant, client_secret_basic) for a scope."""
        info = self.op.clients[client]
        resp = requests.post(
            self.op.token_endpoint(),
            data={'grant_type': 'client_credentials', 'scope': scope},
            auth=(info['client_id'], info['client_secret']),
            verify=self.op.ca_path,
            timeout=10,
        )
        if resp.status_code != 200:
            raise self.error('client_credentials grant failed: HTTP %s %s' % (resp.status_code, resp.text[:300]))
        return resp.json()['access_token']

    def _session(self, scope, headers):
        s = requests.Session()
        # REQUESTS_CA_BUNDLE would override Session.verify: leave the environment out (loopback needs no proxy).
        s.trust_env = False
        s.verify = self.op.ca_path
        s.headers.update(dict(headers, Authorization='Bearer ' + self.token(scope)))
        return s

    def admin_session(self):
        """A requests.Session with a read/write token, for seeding and inspecting data directly."""
        return self.session('api:read api:write')
