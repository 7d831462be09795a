#!/usr/bin/env bash
# The jwtauth.oidc.pingone_platform role in four steps. The role tells a check run by ansible_check_mode, which only
# --check sets (a task's check_mode does not), so the check step, where the role must name objects it has not
# created, runs as a play of its own under --check; the other steps run in one play, its cleanup in always.
set -eux
args=(-i "${INVENTORY_PATH}" -e "output_dir=${OUTPUT_DIR}" "$@")
if ! ansible-playbook check.yml --check "${args[@]}"; then
  ansible-playbook converge.yml -e p1_cleanup_only=true "${args[@]}" || true
  exit 1
fi
ansible-playbook converge.yml "${args[@]}"
