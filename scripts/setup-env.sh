#!/usr/bin/env bash
# Shared by scripts/run and scripts/test: create .venv (once) and install a requirements file.
# Usage: source scripts/setup-env.sh requirements.txt
set -euo pipefail
REQS="${1:-requirements.txt}"
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  if ! "$PY" -m venv .venv 2>/dev/null; then
    # Debian's python3 needs the venv module as a separate package.
    rm -rf .venv
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    else
      echo "Could not create a virtual environment: install python3-venv (sudo apt-get install python3-venv)." >&2
      exit 1
    fi
    "$PY" -m venv .venv
  fi
fi
# Skip the install when the requirements have not changed since the last one.
STAMP=".venv/.installed-$(basename "$REQS")"
HASH=$(cat requirements*.txt | sha256sum | cut -d' ' -f1)
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$HASH" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$REQS"
  echo "$HASH" > "$STAMP"
fi
