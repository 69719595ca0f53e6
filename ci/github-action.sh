#!/usr/bin/env bash
# The script step of action.yml, kept in a file so that it can be tested
# outside GitHub. Reads its inputs from CLAIMCHECK_* variables, writes
# annotations to stdout, the job summary to $GITHUB_STEP_SUMMARY (claimcheck
# does that itself with --format github), SARIF to $CLAIMCHECK_SARIF, and the
# exit code to $GITHUB_OUTPUT. It never fails the step itself: the action's
# last step does, after the SARIF upload.
set -uo pipefail
args=(check --format github --fail-on "${CLAIMCHECK_FAIL_ON:-error}")
if [ -n "${CLAIMCHECK_SARIF:-}" ]; then
  args+=(--format "sarif=${CLAIMCHECK_SARIF}")
fi
if [ -n "${CLAIMCHECK_SINCE:-}" ]; then
  args+=(--since "${CLAIMCHECK_SINCE}")
fi
# word splitting is wanted here: paths and extra arguments are space-separated lists
# shellcheck disable=SC2206
extra=(${CLAIMCHECK_ARGS:-})
# shellcheck disable=SC2206
paths=(${CLAIMCHECK_PATHS:-})
claimcheck "${args[@]}" "${extra[@]}" "${paths[@]}"
code=$?
echo "exit-code=${code}" >> "${GITHUB_OUTPUT:-/dev/null}"
if [ "$code" -eq 2 ]; then
  echo "::error title=claimcheck::claimcheck could not run (exit 2); see the log above"
fi
exit 0
