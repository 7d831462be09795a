#!/usr/bin/env bash
# Start the test servers once for the run: the targets that need them name this target in their aliases
# (setup/once/setup_servers), and ansible-test runs it before the first of them. The servers stop when ansible-test,
# the parent of this script, ends (files/servers.py); their connection facts go to setup_servers/servers.json beside
# the targets' output_dir, which ansible-test empties before each target.
set -eu
python files/servers.py start --state-dir "$(dirname "${OUTPUT_DIR}")/setup_servers" --lifeline "${PPID}"
