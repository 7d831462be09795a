# jwtauth.oidc: the two commands a fresh machine needs.
#   make demo   runs the PingOne "exchange code for token (JWT AUTH)" job end to end on a local OP
#   make test   runs every test suite on every supported ansible-core / Python pair, then the AWX/EE
#               packaging checks, ansible-lint, the docsite build and the changelog check
SHELL := /bin/bash

# name:python:ansible-core requirement, one per supported pair.
MATRIX := py311:3.11:ansible-core==2.19.* py312:3.12:ansible-core==2.21.*
DEMO_VENV := py311
# What every test venv holds besides its ansible-core.
REQUIREMENTS := -r requirements.txt -r tests/requirements.txt

.PHONY: demo test node venvs sanity units integration build clean bench lint packaging ee docs changelog

demo: node
	@tests/bin/setup-venv $(DEMO_VENV) 3.11 'ansible-core==2.19.*' $(REQUIREMENTS)
	@.venv/$(DEMO_VENV)/bin/python tests/oidc_op/demo.py

test: node venvs
	@set -e; for entry in $(MATRIX); do \
	  IFS=: read -r name py core <<< "$$entry"; \
	  tests/bin/run-tests "$$name" "$$py"; \
	done
	@tests/bin/run-packaging
	@tests/bin/run-lint
	@tests/bin/run-docs
	@tests/bin/run-changelog --check

lint:
	@tests/bin/run-lint

# The docsite (antsibull-docs lint, then the Sphinx site in .build-docs/html; any warning fails it).
docs:
	@tests/bin/run-docs

# Regenerate CHANGELOG.rst from changelogs/ (tests/bin/run-changelog --check is the CI check).
changelog:
	@tests/bin/run-changelog

# One suite on every pair: make sanity | make units | make integration
sanity units integration: node venvs
	@set -e; for entry in $(MATRIX); do \
	  IFS=: read -r name py core <<< "$$entry"; \
	  tests/bin/run-tests "$$name" "$$py" $@; \
	done

venvs:
	@set -e; for entry in $(MATRIX); do \
	  IFS=: read -r name py core <<< "$$entry"; \
	  tests/bin/setup-venv "$$name" "$$py" "$$core" $(REQUIREMENTS); \
	done

node:
	@cd tests/oidc_op && { [ -d node_modules/oidc-provider ] && [ node_modules/.package-lock.json -nt package-lock.json ]; } \
	  || npm ci --no-audit --no-fund

# The AWX and execution environment checks: ansible-builder create/introspect, awx.awx registration playbook.
packaging:
	@tests/bin/run-packaging

# The execution environment build context in .build/ee/context, for `ansible-builder build` where a
# container engine runs (see extensions/ee/execution-environment.yml).
ee:
	@tests/bin/setup-venv tools 3.11 -r tests/requirements-tools.txt
	@mkdir -p .build/ee
	@.venv/tools/bin/ansible-galaxy collection build --force --output-path .build/ee . >/dev/null
	@mv .build/ee/jwtauth-oidc-*.tar.gz .build/ee/jwtauth-oidc.tar.gz
	@.venv/tools/bin/ansible-builder create --file extensions/ee/execution-environment.yml --context .build/ee/context

build:
	@tests/bin/setup-venv $(DEMO_VENV) 3.11 'ansible-core==2.19.*' $(REQUIREMENTS)
	@.venv/$(DEMO_VENV)/bin/ansible-galaxy collection build --force --output-path .build .

clean:
	rm -rf .build .build-docs .cache tests/output

# Benchmarks (bench/): print our way against today's way, and the ratios.
bench: node
	@tests/bin/setup-venv $(DEMO_VENV) 3.11 'ansible-core==2.19.*' $(REQUIREMENTS)
	@.venv/$(DEMO_VENV)/bin/python bench/token_lookup.py
	@.venv/$(DEMO_VENV)/bin/python bench/scim_converge.py
