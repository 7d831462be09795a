# jwtauth.oidc: the two commands a fresh machine needs.
#   make demo   runs the PingOne "exchange code for token (JWT AUTH)" job end to end on a local OP, then "PingOne as
#               code" (the pingone_platform role creates an application; a service account signs on as it)
#   make test   runs the test suites on every supported ansible-core / Python pair (all of them on the
#               newest pair, what can differ between ansible-core versions on the others), the AWX/EE
#               packaging checks, ansible-lint, ruff and mypy, the docsite build and the changelog check,
#               side by side
SHELL := /bin/bash
# Python keeps the bytecode of what it imports: the venvs are installed without it (tests/bin/setup-venv), and
# with PYTHONDONTWRITEBYTECODE set (as on this machine) every ansible-playbook run of the integration tests
# would compile ansible-core again, 0.5 CPU-s a run.
unexport PYTHONDONTWRITEBYTECODE

# name:python:ansible-core requirement, one per supported pair, the newest last.
# The oldest is the ansible-core that Ansible Automation Platform 2.5 and 2.6 execution environments ship,
# still maintained by Red Hat (meta/runtime.yml requires_ansible); the newest is the newest ansible-core release.
MATRIX := oldest:3.11:ansible-core==2.16.* newest:3.12:ansible-core==2.21.*
# make demo, make build and make bench use the newest pair.
DEMO_PAIR := $(lastword $(MATRIX))
DEMO_SETUP = tests/bin/setup-venv $(call pair_name,$(DEMO_PAIR)) $(call pair_python,$(DEMO_PAIR)) '$(call pair_core,$(DEMO_PAIR))' $(REQUIREMENTS)
DEMO_PYTHON = .venv/$(call pair_name,$(DEMO_PAIR))/bin/python
# What every test venv holds besides its ansible-core.
REQUIREMENTS := -r requirements.txt -r tests/requirements.txt -c tests/constraints.txt
# How many parts of make test run at once: the integration suites use both cores with pytest-xdist, but
# they wait on servers and timers, and the venvs and ansible-test wait on the package index.
TEST_JOBS ?= 3

# The suites of tests/bin/run-tests.
SUITES := sanity sanity-core units units-forked integration integration-core targets
pair_name = $(word 1,$(subst :, ,$1))
pair_python = $(word 2,$(subst :, ,$1))
pair_core = $(word 3,$(subst :, ,$1))
VENVS = $(foreach pair,$(MATRIX),venv-$(call pair_name,$(pair))) venv-tools venv-docs
NEWEST := $(call pair_name,$(lastword $(MATRIX)))
OLDER := $(foreach pair,$(filter-out $(lastword $(MATRIX)),$(MATRIX)),$(call pair_name,$(pair)))

# The parts of make test, longest first: make starts prerequisites in the order listed.
# The newest pair runs every suite, the ansible-test integration targets included; the older pairs run every sanity
# test, the units and the integration tests marked core_sensitive: the library is the same code on every pair, so what
# an older pair can break is what ansible-core does around it (tests/bin/run-tests, tests/integration/conftest.py), and
# what its own sanity tests refuse (ansible-core 2.16's pycodestyle refused a one-line stub, E704, that 2.21's takes).
TEST_PARTS := suite-$(NEWEST)-integration $(foreach name,$(OLDER),suite-$(name)-integration-core) \
  suite-$(NEWEST)-sanity $(foreach name,$(OLDER),suite-$(name)-sanity) \
  docs-check lint-check static-check packaging-check suite-$(NEWEST)-targets changelog-check \
  suite-$(NEWEST)-units $(foreach name,$(OLDER),suite-$(name)-units)

.PHONY: demo test test-parts node venvs sanity units integration build clean bench lint static packaging ee docs changelog \
  docs-check lint-check static-check packaging-check changelog-check venv-tools venv-docs \
  $(foreach pair,$(MATRIX),venv-$(call pair_name,$(pair)) $(foreach suite,$(SUITES),suite-$(call pair_name,$(pair))-$(suite)))

demo: node
	@$(DEMO_SETUP)
	@$(DEMO_PYTHON) demo/demo.py

# First the venvs and the OP, side by side; then the parts, side by side, in the order of TEST_PARTS. The
# second make takes the venvs and the OP as made (-o): make starts the parts that are ready in the order
# listed, but when a phony prerequisite runs again, the parts start in the order it happens to finish
# (the unit tests first, the integration suite late). Each part's output is printed in one piece when it
# ends (-Otarget); the '== ... took N s' lines time them.
test:
	@start=$$SECONDS; $(MAKE) --no-print-directory -j$(TEST_JOBS) -Otarget node $(VENVS) \
	  && $(MAKE) --no-print-directory -j$(TEST_JOBS) -Otarget $(foreach made,node $(VENVS),-o $(made)) test-parts \
	  && echo "== make test: every part passed in $$((SECONDS - start)) s"

test-parts: $(TEST_PARTS)

# One venv per pair, and the tools and docs venvs (tests/bin/setup-venv reuses a venv that is up to date).
define pair_rules
venv-$(call pair_name,$1):
	@tests/bin/setup-venv $(call pair_name,$1) $(call pair_python,$1) '$(call pair_core,$1)' $(REQUIREMENTS)

$(foreach suite,$(SUITES),suite-$(call pair_name,$1)-$(suite)): suite-$(call pair_name,$1)-%: venv-$(call pair_name,$1) node
	@tests/bin/run-tests $(call pair_name,$1) $(call pair_python,$1) $$*
endef
$(foreach pair,$(MATRIX),$(eval $(call pair_rules,$(pair))))

venv-tools:
	@tests/bin/setup-venv tools 3.11 -r tests/requirements-tools.txt -c tests/constraints.txt

venv-docs:
	@tests/bin/setup-venv docs 3.12 -r tests/requirements-docs.txt -c tests/constraints.txt

packaging-check: venv-tools
	@tests/bin/run-packaging

lint-check: venv-tools
	@tests/bin/run-lint

static-check: venv-tools
	@tests/bin/run-static

docs-check: venv-docs
	@tests/bin/run-docs

changelog-check: venv-docs
	@tests/bin/run-changelog --check

lint:
	@tests/bin/run-lint

# ruff check and mypy (ruff.toml, mypy.ini).
static:
	@tests/bin/run-static

# The docsite (antsibull-docs lint, then the Sphinx site in .build-docs/html; any warning fails it).
docs:
	@tests/bin/run-docs

# Regenerate CHANGELOG.rst from changelogs/ (tests/bin/run-changelog --check is the CI check).
changelog:
	@tests/bin/run-changelog

# One suite, complete, on every pair, one pair after the other: make sanity | make units | make integration
sanity units integration: node venvs
	@set -e; for entry in $(MATRIX); do \
	  IFS=: read -r name py core <<< "$$entry"; \
	  tests/bin/run-tests "$$name" "$$py" $@; \
	done

venvs: $(foreach pair,$(MATRIX),venv-$(call pair_name,$(pair)))

node:
	@cd tests/servers/op && { [ -d node_modules/oidc-provider ] && [ node_modules/.package-lock.json -nt package-lock.json ]; } \
	  || npm ci --no-audit --no-fund

# The AWX and execution environment checks: ansible-builder create/introspect, awx.awx registration playbook.
packaging:
	@tests/bin/run-packaging

# The execution environment build context in .build/ee/context, for `ansible-builder build` where a
# container engine runs (see extensions/ee/execution-environment.yml).
ee:
	@tests/bin/setup-venv tools 3.11 -r tests/requirements-tools.txt -c tests/constraints.txt
	@mkdir -p .build/ee
	@.venv/tools/bin/ansible-galaxy collection build --force --output-path .build/ee . >/dev/null
	@mv .build/ee/jwtauth-oidc-*.tar.gz .build/ee/jwtauth-oidc.tar.gz
	@.venv/tools/bin/ansible-builder create --file extensions/ee/execution-environment.yml --context .build/ee/context

build:
	@$(DEMO_SETUP)
	@.venv/$(call pair_name,$(DEMO_PAIR))/bin/ansible-galaxy collection build --force --output-path .build .

clean:
	rm -rf .build .build-docs .cache tests/output

# Benchmarks (bench/): print our way against today's way, and the ratios.
bench: node
	@$(DEMO_SETUP)
	@$(DEMO_PYTHON) bench/token_lookup.py
	@$(DEMO_PYTHON) bench/token_task.py
	@$(DEMO_PYTHON) bench/scim_converge.py
	@$(DEMO_PYTHON) bench/edge_overhead.py
	@$(DEMO_PYTHON) bench/scim_scale.py
	@$(DEMO_PYTHON) bench/pingone_platform.py
	@$(DEMO_PYTHON) bench/rate_budget.py
	@$(DEMO_PYTHON) bench/pingone_environment.py
	@$(DEMO_PYTHON) bench/items_file.py
	@$(DEMO_PYTHON) bench/document_file.py
