#!/bin/sh
# Remove ShutterSense as install.sh installed it: exactly the files, links and folders listed in
# its manifest, nothing else. Your data stays unless --purge.
set -eu

usage() {
    cat <<'USAGE'
usage: uninstall.sh [--purge]

Removes what install.sh installed for you: the app in $XDG_DATA_HOME/shuttersense, its menu
entry, icons and metainfo, the ~/.local/bin/shuttersense-agent link, the start-at-login entry.
Your data stays: the agent's registration, folders and settings ($XDG_CONFIG_HOME/shuttersense-agent),
its results waiting for upload and solo mode's coordinator ($XDG_DATA_HOME/shuttersense-agent),
a coordinator you ran from the bundle yourself ($XDG_DATA_HOME/shuttersense-coordinator) and the
logs ($XDG_STATE_HOME/shuttersense-*).
  --purge    remove that data too (the keys kept in your keyring stay: remove "shuttersense"
             entries with your keyring's tool)
USAGE
}

fail() {
    printf 'uninstall.sh: error: %s\n' "$1" >&2
    exit 2
}

purge=no
quiet=no
manifest=''
while [ $# -gt 0 ]; do
    case $1 in
        --purge) purge=yes ;;
        --quiet) quiet=yes ;;  # install.sh updating, or undoing a failed install
        --manifest) [ $# -gt 1 ] || fail "--manifest needs a file"; manifest=$2; shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; fail "unknown option '$1'" ;;
    esac
    shift
done

: "${HOME:?is not set}"
data=${XDG_DATA_HOME:-$HOME/.local/share}
config=${XDG_CONFIG_HOME:-$HOME/.config}
state=${XDG_STATE_HOME:-$HOME/.local/state}
dest=$data/shuttersense
manifest=${manifest:-$dest/install-manifest}
[ -f "$manifest" ] || fail "nothing installed by install.sh here: $manifest is missing"

say() {
    [ "$quiet" = yes ] || printf '%s\n' "$1"
}

# last made, first removed (the app's own folder, made first, goes last)
listed=$(awk '{ line[NR] = $0 } END { for (i = NR; i > 0; i--) print line[i] }' "$manifest")
printf '%s\n' "$listed" | while IFS=' ' read -r kind path; do
    case $kind in
        f) [ ! -f "$path" ] || rm -f -- "$path" ;;
        l) [ ! -L "$path" ] || rm -f -- "$path" ;;
        d) rmdir -- "$path" 2>/dev/null || true ;;  # kept when something else is in it now
        t) if [ "$path" = "$dest" ]; then rm -rf -- "$path"; fi ;;
        '') ;;
        *) fail "$manifest has a line it does not understand: '$kind $path'" ;;
    esac
done
# Start at login switched on from the app's Settings starts the program just removed.
entry=$config/autostart/shuttersense.desktop
if [ -f "$entry" ] && grep -qF "$dest/" "$entry"; then
    rm -f -- "$entry"
fi
say "ShutterSense is removed from $dest"

if [ "$purge" = yes ]; then
    for folder in "$config/shuttersense-agent" "$data/shuttersense-agent" \
        "$data/shuttersense-coordinator" "$state/shuttersense-agent" \
        "$state/shuttersense-coordinator"; do
        if [ -e "$folder" ]; then
            rm -rf -- "$folder"
            say "removed $folder"
        fi
    done
else
    say "Your data stays (uninstall.sh --purge removes it): $config/shuttersense-agent, $data/shuttersense-agent, $data/shuttersense-coordinator"
fi
