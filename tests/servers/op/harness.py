# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Start a real OpenID Provider (panva oidc-provider) for tests and drive it headlessly.

Usage from tests (tests/ on sys.path)::

    from servers.op.harness import OP, get_code
    with OP(tmp_path) as op:
        code = get_code(op, "csjwt", issuer=op.pingone_issuer)["code"]

CLI, from tests/: ``python -m servers.op.harness serve --workdir DIR`` prints one JSON line and serves until
SIGTERM/SIGINT. Needs Node.js 20+ and npm (server.mjs and its package-lock.json are beside this file); Python side
needs only requests and cryptography.
"""

import argparse
import base64
import datetime
import fcntl
import hashlib
import html
import ipaddress
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from urllib.parse import parse_qs, urlencode, urljoin, urlparse

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from ..base import ServerProcess, write_config

HERE = os.path.dirname(os.path.abspath(__file__))
REDIRECT_URI = 'https://client.example.test/cb'
CLIENT_SCOPE = 'openid offline_access profile email api:read api:write'
DEFAULT_SCOPE = 'openid offline_access profile email'
DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'
TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange'
CONFIDENTIAL_GRANTS = ['authorization_code', 'refresh_token', 'client_credentials', DEVICE_GRANT, TOKEN_EXCHANGE_GRANT]
PUBLIC_GRANTS = ['authorization_code', 'refresh_token']


class OPError(Exception):
    """The test OP did not start or did not behave as expected."""


def _b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b'=').decode('ascii')


def _int_b64url(value, length=None):
    length = length or (value.bit_length() + 7) // 8
    return _b64url(value.to_bytes(length, 'big'))


def _node_modules_current(node_dir):
    lock = os.path.join(node_dir, 'package-lock.json')
    stamp = os.path.join(node_dir, 'node_modules', '.package-lock.json')  # written by npm on every install
    marker = os.path.join(node_dir, 'node_modules', 'oidc-provider', 'package.json')
    return os.path.exists(stamp) and os.path.exists(marker) and os.path.getmtime(stamp) >= os.path.getmtime(lock)


def install(node_dir=None):
    """Run ``npm ci`` in node_dir (default: this directory) unless node_modules is current; True if it ran."""
    node_dir = os.path.abspath(node_dir or HERE)
    if _node_modules_current(node_dir):
        return False
    # One npm ci at a time per directory, also across pytest-xdist workers.
    lock_path = os.path.join(tempfile.gettempdir(), 'jwtauth-oidc-op-%s.lock' % hashlib.sha256(node_dir.encode()).hexdigest()[:16])
    with open(lock_path, 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _node_modules_current(node_dir):
            return False
        proc = subprocess.run(
            ['npm', 'ci', '--no-audit', '--no-fund'], cwd=node_dir, check=False, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True
        )
    if proc.returncode != 0:
        raise OPError('npm ci failed in %s:\n%s' % (node_dir, proc.stdout[-4000:]))
    return True


def _write_pem(path, data):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, 'wb') as f:
        f.write(data)


def _key_pem(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def make_ca(workdir):
    """Create a throwaway CA and a server cert for IP:127.0.0.1, DNS:localhost; return (ca_path, cert_path, key_path)."""
    os.makedirs(workdir, exist_ok=True)
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, 'jwtauth.oidc test CA %s' % uuid.uuid4().hex[:8])])
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=7))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ca_ski, critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, '127.0.0.1')]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=7))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address('127.0.0.1')), x509.DNSName('localhost')]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_path = os.path.join(workdir, 'ca.pem')
    cert_path = os.path.join(workdir, 'server.pem')
    key_path = os.path.join(workdir, 'server.key')
    with open(ca_path, 'wb') as f:
        f.write(ca_cert.public_bytes(serialization.Encoding.PEM))
    with open(cert_path, 'wb') as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    _write_pem(key_path, _key_pem(key))
    return ca_path, cert_path, key_path


def pkce_pair():
    """Return a fresh (code_verifier, S256 code_challenge)."""
    verifier = secrets.token_urlsafe(48)
    return verifier, _b64url(hashlib.sha256(verifier.encode('ascii')).digest())


def _public_jwk(key, kid):
    pub = key.public_key().public_numbers()
    if isinstance(key, rsa.RSAPrivateKey):
        return {'kty': 'RSA', 'kid': kid, 'use': 'sig', 'n': _int_b64url(pub.n), 'e': _int_b64url(pub.e)}
    return {'kty': 'EC', 'kid': kid, 'use': 'sig', 'crv': 'P-256', 'x': _int_b64url(pub.x, 32), 'y': _int_b64url(pub.y, 32)}


# The mounts whose client assertion audiences are as strict as other OPs' (server.mjs AUDIENCE_RULES): name -> path.
# endpoint_aud accepts only the URL of the endpoint called (idpyoidc, Glewlwyd); issuer_aud only the issuer as one
# string, with the typ client-authentication+jwt (draft-ietf-oauth-rfc7523bis).
STRICT_MOUNTS = {'endpoint_aud': '/endpoint-aud', 'issuer_aud': '/issuer-aud'}


class OP(ServerProcess):
    """A running oidc-provider with a root and a PingOne-shaped issuer, and the strict mounts; use as a context manager."""

    error = OPError
    label = 'oidc-provider'

    def __init__(self, workdir, ttl=None, extra_clients=None, node_dir=None, env_id=None, startup_timeout=90, device_interval=1):
        self.workdir = os.path.abspath(str(workdir))
        self.node_dir = node_dir or HERE
        self.env_id = env_id or str(uuid.uuid4())
        self.redirect_uri = REDIRECT_URI
        self.process = None
        self._out = None
        self._mark = 0
        self._discovery = {}
        os.makedirs(self.workdir, exist_ok=True)
        self.ca_path, self.cert_path, self.key_path = make_ca(self.workdir)
        self.log_path = os.path.join(self.workdir, 'op-events.jsonl')
        self.output_path = os.path.join(self.workdir, 'op-output.log')
        self.ready_path = os.path.join(self.workdir, 'op-ready.json')
        self.config_path = os.path.join(self.workdir, 'op-config.json')
        self.issued_secrets_path = os.path.join(self.workdir, 'op-issued-secrets.jsonl')
        # The device codes the OP issued, one a line: secrets for the tests' output scans, never logged.
        self.device_codes_path = os.path.join(self.workdir, 'op-device-codes.txt')
        self.clients = {}
        metadata = self._make_clients()
        # The accounts of the emulated PingOne headless sign-on (server.mjs handlePiFlow): username ->
        # password and the flow status a good password leads to.
        self.flow_accounts = {
            'svc-ansible': {'password': secrets.token_urlsafe(24), 'status': 'COMPLETED'},
            'svc-mfa': {'password': secrets.token_urlsafe(24), 'status': 'OTP_REQUIRED'},
            'svc-expired': {'password': secrets.token_urlsafe(24), 'status': 'PASSWORD_EXPIRED'},
            # An account the tests lock out with wrong passwords (PASSWORD_LOCKED_OUT); no other test signs on as it.
            'svc-lockable': {'password': secrets.token_urlsafe(24), 'status': 'COMPLETED'},
        }
        # The initial access token of the pingone provider's client registration (RFC 7591 section 3), which the
        # PingOne-shaped Management API test server uses to register the OIDC applications it creates as clients
        # (server.mjs pingoneRegistration). A secret: in the config file (mode 0600) only, never logged.
        self.registration_token = secrets.token_urlsafe(32)
        for extra in extra_clients or []:
            extra = dict(extra)
            metadata.append(extra)
            self.clients[extra['client_id']] = {
                'client_id': extra['client_id'],
                'client_secret': extra.get('client_secret'),
                'auth_method': extra.get('token_endpoint_auth_method', 'client_secret_basic'),
                'signing_alg': extra.get('token_endpoint_auth_signing_alg'),
                'redirect_uri': (extra.get('redirect_uris') or [REDIRECT_URI])[0],
                'scope': extra.get('scope'),
                'metadata': extra,
            }
        for path in (self.log_path, self.ready_path, self.device_codes_path):
            if os.path.exists(path):
                os.unlink(path)
        config = {
            'host': '127.0.0.1',
            'port': 0,
            'tls_cert': self.cert_path,
            'tls_key': self.key_path,
            'env_id': self.env_id,
            'clients': metadata,
            'ttl': ttl or {},
            'flow_accounts': self.flow_accounts,
            'registration_token': self.registration_token,
            'issued_secrets_path': self.issued_secrets_path,
            'log_path': self.log_path,
            'ready_path': self.ready_path,
            'exit_with_parent': True,
            'device_codes_path': self.device_codes_path,
            'device_interval': device_interval,
        }
        write_config(self.config_path, config)
        self._start(startup_timeout)

    def _make_clients(self):
        def confidential(name, method, **extra):
            secret = secrets.token_urlsafe(64) if method.startswith('client_secret') else None
            meta = {
                'client_id': '%s-client' % name.replace('_', '-'),
                'token_endpoint_auth_method': method,
                'grant_types': list(CONFIDENTIAL_GRANTS),
                'response_types': ['code'],
                'redirect_uris': [REDIRECT_URI],
                'scope': CLIENT_SCOPE,
            }
            if secret:
                meta['client_secret'] = secret
            meta.update(extra)
            self.clients[name] = {
                'client_id': meta['client_id'],
                'client_secret': secret,
                'auth_method': method,
                'signing_alg': meta.get('token_endpoint_auth_signing_alg'),
                'redirect_uri': REDIRECT_URI,
                'scope': CLIENT_SCOPE,
                'metadata': meta,
            }
            return meta

        rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        ec_key = ec.generate_private_key(ec.SECP256R1())
        rsa_path = os.path.join(self.workdir, 'pkjwt-rsa1.pem')
        ec_path = os.path.join(self.workdir, 'pkjwt-ec1.pem')
        _write_pem(rsa_path, _key_pem(rsa_key))
        _write_pem(ec_path, _key_pem(ec_key))
        metadata = [
            confidential('csjwt', 'client_secret_jwt'),
            confidential('csjwt_hs512', 'client_secret_jwt', token_endpoint_auth_signing_alg='HS512'),
            confidential('pkjwt', 'private_key_jwt', jwks={'keys': [_public_jwk(rsa_key, 'rsa1'), _public_jwk(ec_key, 'ec1')]}),
            confidential('basic', 'client_secret_basic'),
            confidential('post', 'client_secret_post'),
            confidential('public', 'none', grant_types=list(PUBLIC_GRANTS)),
        ]
        self.clients['pkjwt'].update(
            {
                'private_key_path': rsa_path,
                'kid': 'rsa1',
                'private_keys': {'rsa1': {'path': rsa_path, 'alg': 'RS256'}, 'ec1': {'path': ec_path, 'alg': 'ES256'}},
            }
        )
        return metadata

    def _start(self, timeout):
        install(self.node_dir)
        self._spawn(['node', os.path.join(self.node_dir, 'server.mjs'), self.config_path], self.node_dir, timeout)
        self.base_url = 'https://127.0.0.1:%d' % self.port
        self.issuer = self.base_url
        self.pingone_issuer = '%s/%s/as' % (self.base_url, self.env_id)

    def issuer_for(self, issuer=None):
        """Map None/'root'/'pingone', a strict mount's name (STRICT_MOUNTS) or an issuer URL to the issuer URL."""
        if issuer in STRICT_MOUNTS:
            return self.base_url + STRICT_MOUNTS[issuer]
        return {None: self.issuer, 'root': self.issuer, 'pingone': self.pingone_issuer}.get(issuer, issuer)

    def discovery(self, issuer=None):
        """The provider's discovery document (cached)."""
        issuer = self.issuer_for(issuer).rstrip('/')
        if issuer not in self._discovery:
            resp = requests.get(issuer + '/.well-known/openid-configuration', verify=self.ca_path, timeout=10)
            resp.raise_for_status()
            self._discovery[issuer] = resp.json()
        return self._discovery[issuer]

    def token_endpoint(self, issuer=None):
        """Token endpoint URL of the root (default) or pingone issuer."""
        return self.discovery(issuer)['token_endpoint']

    def fault_url(self, kind, label=None):
        """URL of a fault route: token endpoint for most kinds, the issuer for 'nodiscovery'.

        A label gives the route a path of its own (/faults/<kind>/<label>/token), whose requests can be told apart.
        """
        if kind == 'nodiscovery':
            return '%s/faults/nodiscovery' % self.base_url
        return '%s/faults/%s/token' % (self.base_url, kind if label is None else '%s/%s' % (kind, label))

    def events(self, type=None, since=0, **match):
        """Parsed log lines from index `since`, filtered by type and exact field values."""
        try:
            with open(self.log_path) as f:
                lines = f.read().splitlines()
        except IOError:
            return []
        out = []
        for line in lines[since:]:
            if not line.strip():
                continue
            event = json.loads(line)
            if type is not None and event.get('type') != type:
                continue
            if all(event.get(k) == v for k, v in match.items()):
                out.append(event)
        return out

    def issued_secrets(self, kind=None):
        """The ST cookie values and codes the emulated PingOne sign-on handed out so far (kind 'ST' or 'code'), oldest first."""
        try:
            with open(self.issued_secrets_path) as f:
                lines = [json.loads(line) for line in f if line.strip()]
        except IOError:
            return []
        return [line['value'] for line in lines if kind in (None, line['kind'])]

    def log_length(self):
        """Number of lines in the event log now."""
        try:
            with open(self.log_path) as f:
                return len(f.read().splitlines())
        except IOError:
            return 0

    def mark(self):
        """Remember the current end of the log and return it (use with events(since=...) or since_mark())."""
        self._mark = self.log_length()
        return self._mark

    def since_mark(self, type=None, **match):
        """Events logged since the last mark()."""
        return self.events(type, since=self._mark, **match)

    def count(self, type='request', path=None, method=None, since=0, **match):
        """Number of events of a type; path (or full URL) and method narrow request lines."""
        if path is not None:
            match['path'] = urlparse(path).path if '://' in path else path
        if method is not None:
            match['method'] = method.upper()
        return len(self.events(type, since=since, **match))

    def device_codes(self):
        """Every device code the OP issued so far (secrets: for output scans)."""
        try:
            with open(self.device_codes_path) as f:
                return [line for line in f.read().splitlines() if line]
        except IOError:
            return []

    def public_info(self):
        """JSON-able description of this OP, secrets included (throwaway dev OP)."""
        clients = {}
        for name, info in self.clients.items():
            clients[name] = dict((k, v) for k, v in info.items() if k != 'metadata')
        return {
            'base_url': self.base_url,
            'issuer': self.issuer,
            'env_id': self.env_id,
            'pingone_issuer': self.pingone_issuer,
            'ca_path': self.ca_path,
            'log_path': self.log_path,
            'pid': self.pid,
            'redirect_uri': self.redirect_uri,
            'clients': clients,
        }


class _FormParser(object):
    """Find the first <form> with its action and input values in devInteractions HTML."""

    FORM = re.compile(r'<form\b([^>]*)>(.*?)</form>', re.S | re.I)
    ATTR = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
    INPUT = re.compile(r'<input\b([^>]*)>', re.I)

    @classmethod
    def attrs(cls, text):
        return dict((m.group(1).lower(), html.unescape(m.group(2) if m.group(2) is not None else m.group(3))) for m in cls.ATTR.finditer(text))

    @classmethod
    def parse(cls, body):
        m = cls.FORM.search(body)
        if not m:
            return None
        action = cls.attrs(m.group(1)).get('action')
        fields = {}
        for inp in cls.INPUT.finditer(m.group(2)):
            a = cls.attrs(inp.group(1))
            if a.get('name'):
                fields[a['name']] = a.get('value', '')
        return action, fields


def get_code(
    op,
    client,
    *,
    issuer=None,
    scope=DEFAULT_SCOPE,
    nonce=None,
    code_challenge=None,
    code_challenge_method='S256',
    redirect_uri=None,
    state=None,
    login='test-user',
    extra_params=None,
    timeout=10,
):
    """Log in and consent headlessly; return dict(code, state, iss, redirect_uri). `client` is a name in op.clients or a dict."""
    info = op.clients[client] if isinstance(client, str) else client
    issuer = op.issuer_for(issuer)
    redirect_uri = redirect_uri or info.get('redirect_uri') or REDIRECT_URI
    state = state or secrets.token_urlsafe(16)
    params = {'client_id': info['client_id'], 'response_type': 'code', 'redirect_uri': redirect_uri, 'scope': scope, 'state': state, 'prompt': 'consent'}
    if nonce is not None:
        params['nonce'] = nonce
    if code_challenge is not None:
        params['code_challenge'] = code_challenge
        params['code_challenge_method'] = code_challenge_method
    params.update(extra_params or {})
    url = op.discovery(issuer)['authorization_endpoint'] + '?' + urlencode(params)
    session = requests.Session()
    start = op.log_length()
    method, data = 'GET', None
    trail = []
    for _hop in range(12):
        # verify= on every call: REQUESTS_CA_BUNDLE in the environment would override Session.verify.
        resp = session.request(method, url, data=data, allow_redirects=False, verify=op.ca_path, timeout=timeout)
        trail.append('%s %s -> %s' % (method, urlparse(url).path, resp.status_code))
        if resp.is_redirect:
            location = urljoin(url, resp.headers['Location'])
            if location.split('?')[0].split('#')[0] == redirect_uri:
                query = dict((k, v[0]) for k, v in parse_qs(urlparse(location).query).items())
                if 'error' in query:
                    raise OPError('authorization failed: %s: %s' % (query['error'], query.get('error_description', '')))
                if 'code' not in query:
                    raise OPError('redirect to redirect_uri without code: %s' % sorted(query))
                if query.get('state') != state:
                    raise OPError('state mismatch in authorization response')
                if query.get('iss') != issuer:
                    raise OPError('iss %r in authorization response, expected %r' % (query.get('iss'), issuer))
                return {'code': query['code'], 'state': query['state'], 'iss': query['iss'], 'redirect_uri': redirect_uri}
            url, method, data = location, 'GET', None
            continue
        if resp.status_code != 200 or 'html' not in resp.headers.get('Content-Type', ''):
            errors = op.events('authorization.error', since=start) + op.events('server_error', since=start)
            detail = '; '.join('%s: %s' % (e.get('error'), e.get('error_description')) for e in errors) or resp.text[:300]
            raise OPError('authorization failed with HTTP %s at %s: %s (trail: %s)' % (resp.status_code, urlparse(url).path, detail, trail))
        form = _FormParser.parse(resp.text)
        if not form or not form[0]:
            raise OPError('no form at %s: %s' % (urlparse(url).path, resp.text[:500]))
        action, fields = form
        if fields.get('prompt') == 'login':
            fields.update({'login': login, 'password': 'any-password'})
        elif fields.get('prompt') != 'consent':
            raise OPError('unknown interaction form %r at %s' % (fields.get('prompt'), urlparse(url).path))
        url, method, data = urljoin(url, action), 'POST', fields
    raise OPError('too many hops without a code: %s' % trail)


def approve_device(op, user_code, *, issuer=None, deny=False, login='test-user', timeout=10):
    """Act as the person of the device authorization grant (RFC 8628 section 3.3), headlessly: open the OP's
    verification page with the user code, confirm it (or abort it with deny=True: the poller then gets
    access_denied), then log in and consent on the devInteractions pages. Returns the hops taken."""
    issuer = op.issuer_for(issuer)
    # oidc-provider's verification page (route code_verification) is /device beside /device/auth, or
    # /<env>/as/device for the PingOne mount; discovery does not list it, the device authorization answer does.
    url = urljoin(issuer.rstrip('/') + '/', 'device')
    session = requests.Session()
    resp = session.get(url, allow_redirects=False, verify=op.ca_path, timeout=timeout)
    trail = ['GET %s -> %s' % (urlparse(url).path, resp.status_code)]
    form = _FormParser.parse(resp.text) if resp.status_code == 200 else None
    if not form:
        raise OPError('no user code form at %s (HTTP %s)' % (urlparse(url).path, resp.status_code))
    action, fields = form
    fields['user_code'] = user_code
    method, url, data = 'POST', urljoin(url, action), fields
    for _hop in range(12):
        resp = session.request(method, url, data=data, allow_redirects=False, verify=op.ca_path, timeout=timeout)
        trail.append('%s %s -> %s' % (method, urlparse(url).path, resp.status_code))
        if resp.is_redirect:
            url, method, data = urljoin(url, resp.headers['Location']), 'GET', None
            continue
        if resp.status_code != 200:
            raise OPError('device approval failed with HTTP %s at %s (trail: %s)' % (resp.status_code, urlparse(url).path, trail))
        if 'Sign-in Success' in resp.text or 'interrupted' in resp.text:
            return trail
        if 'incorrect' in resp.text or 'error processing' in resp.text:
            raise OPError('the OP refused the user code at %s (trail: %s)' % (urlparse(url).path, trail))
        form = _FormParser.parse(resp.text)
        if not form or not form[0]:
            raise OPError('no form at %s: %s' % (urlparse(url).path, resp.text[:300]))
        action, fields = form
        if 'confirm' in fields or ('user_code' in fields and 'xsrf' in fields):
            # The confirmation page: confirm, or abort (the "[ Abort ]" button posts abort=yes).
            fields.update({'abort': 'yes'} if deny else {'confirm': 'yes'})
        elif fields.get('prompt') == 'login':
            fields.update({'login': login, 'password': 'any-password'})
        elif fields.get('prompt') != 'consent':
            raise OPError('unknown device form %r at %s' % (sorted(fields), urlparse(url).path))
        url, method, data = urljoin(url, action), 'POST', fields
    raise OPError('too many hops approving the device: %s' % trail)


def _serve(args):
    ttl = json.loads(args.ttl) if args.ttl else None
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    with OP(args.workdir, ttl=ttl) as op:
        print(json.dumps(op.public_info()), flush=True)
        while not stop and op.process is not None and op.process.poll() is None:
            time.sleep(0.2)
    return 0


def main(argv=None):
    """Command line: `serve --workdir DIR [--ttl JSON]` or `install`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest='command')
    serve = sub.add_parser('serve', help='start an OP, print its JSON description, serve until SIGTERM/SIGINT')
    serve.add_argument('--workdir', required=True)
    serve.add_argument('--ttl', help='JSON object of TTL overrides in seconds, e.g. {"AccessToken": 60}')
    sub.add_parser('install', help='npm ci in this directory if needed')
    args = parser.parse_args(argv)
    if args.command == 'serve':
        return _serve(args)
    if args.command == 'install':
        install()
        return 0
    parser.print_help()
    return 2


if __name__ == '__main__':
    sys.exit(main())
