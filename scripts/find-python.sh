#!/bin/sh
# Print the path of the newest Python >= 3.12 on this machine, or explain what is missing.
# Tries plain commands first (python3.14 ... python3.12, python3), then pyenv's versions folder,
# because a pyenv shim for a version that is installed but not active fails when run.
set -u
works() {
    "$1" -c 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1
}
for candidate in python3.14 python3.13 python3.12 python3; do
    path=$(command -v "$candidate" 2>/dev/null) || continue
    if works "$path"; then
        echo "$path"
        exit 0
    fi
done
root=""
if command -v pyenv >/dev/null 2>&1; then
    root=$(pyenv root 2>/dev/null)
fi
[ -n "$root" ] || root="${PYENV_ROOT:-$HOME/.pyenv}"
if [ -d "$root/versions" ]; then
    for dir in $(ls -1 "$root/versions" | grep -E '^3\.[0-9]+\.[0-9]+$' | sort -t. -k1,1nr -k2,2nr -k3,3nr); do
        if works "$root/versions/$dir/bin/python3"; then
            echo "$root/versions/$dir/bin/python3"
            exit 0
        fi
    done
fi
echo "Python 3.12 or newer is needed (Django 6.1 requires it), but none was found." >&2
echo "Install it, e.g. 'apt-get install python3.12 python3.12-venv' or 'pyenv install 3.13'." >&2
exit 1
