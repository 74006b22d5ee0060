#!/bin/sh
# Install ShutterSense for the current user, from the unpacked archive's folder (no root needed).
# Everything it makes is listed in the manifest that uninstall.sh removes, exactly.
set -eu

usage() {
    cat <<'USAGE'
usage: ./install.sh [--autostart]

Installs ShutterSense for you alone:
  the app         $XDG_DATA_HOME/shuttersense (default ~/.local/share/shuttersense)
  a menu entry    $XDG_DATA_HOME/applications/shuttersense.desktop, its icons and metainfo
  the agent       ~/.local/bin/shuttersense-agent, a link to the app's headless agent
  --autostart     also start ShutterSense in the tray at login ($XDG_CONFIG_HOME/autostart)

Run it again to update (your data stays). To remove it:
  ~/.local/share/shuttersense/uninstall.sh [--purge]
USAGE
}

fail() {
    printf 'install.sh: error: %s\n' "$1" >&2
    exit 2
}

autostart=no
for argument in "$@"; do
    case $argument in
        --autostart) autostart=yes ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; fail "unknown option '$argument'" ;;
    esac
done

here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd -P)
[ -x "$here/shuttersense/shuttersense" ] \
    || fail "run install.sh from the unpacked archive's folder (no $here/shuttersense/shuttersense)"
: "${HOME:?is not set: install.sh installs into your home folder}"
data=${XDG_DATA_HOME:-$HOME/.local/share}
config=${XDG_CONFIG_HOME:-$HOME/.config}
bin=$HOME/.local/bin
dest=$data/shuttersense
manifest=$dest/install-manifest

for folder in "$data" "$config" "$bin"; do
    case $folder in
        /*) ;;
        *) fail "$folder is not an absolute path; set HOME, XDG_DATA_HOME and XDG_CONFIG_HOME to absolute paths" ;;
    esac
done
case $dest in
    *'"'* | *'`'* | *'$'* | *\\* | *%*)
        fail "$dest holds a character a menu entry cannot point at (\" \` \$ \\ %); set XDG_DATA_HOME to another folder" ;;
esac

if [ -f "$manifest" ]; then
    echo "Updating the ShutterSense installed in $dest (your data stays)"
    sh "$dest/uninstall.sh" --quiet
elif [ -e "$dest" ]; then
    fail "$dest exists but was not made by install.sh; move it away, then run install.sh again"
fi

# What is made, in order, one "KIND PATH" a line (d: a folder made, f: a file, l: a link,
# t: the app's own folder); kept aside until the app's folder holds it.
pending=$(mktemp)
finished=no
cleanup() {
    if [ "$finished" = no ] && [ -s "$pending" ]; then
        echo "install.sh: removing what was installed before the failure" >&2
        sh "$here/uninstall.sh" --quiet --manifest "$pending" || true
    fi
    rm -f "$pending"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

record() {
    printf '%s %s\n' "$1" "$2" >>"$pending"
}

# mkdir -p that records each folder it makes
make_folder() {
    [ -d "$1" ] && return 0
    make_folder "$(dirname -- "$1")"
    mkdir -- "$1"
    record d "$1"
}

# refuses to overwrite a file that is not ours
place_file() {
    if [ -e "$2" ] || [ -L "$2" ]; then
        fail "$2 exists already; move it away, then run install.sh again"
    fi
    make_folder "$(dirname -- "$2")"
    cp -- "$1" "$2"
    chmod 644 "$2"
    record f "$2"
}

make_folder "$(dirname -- "$dest")"
mkdir -- "$dest"
record t "$dest"
cp -RP -- "$here/shuttersense/." "$dest/"
cp -- "$here/uninstall.sh" "$dest/uninstall.sh"
chmod 755 "$dest/uninstall.sh"

while IFS= read -r line; do
    case $line in
        Exec=*) printf 'Exec="%s"\n' "$dest/shuttersense-desktop" ;;
        TryExec=*) printf 'TryExec=%s\n' "$dest/shuttersense-desktop" ;;
        *) printf '%s\n' "$line" ;;
    esac
done <"$here/share/applications/shuttersense.desktop" >"$dest/shuttersense.desktop"
place_file "$dest/shuttersense.desktop" "$data/applications/shuttersense.desktop"
rm -f "$dest/shuttersense.desktop"

(cd "$here/share" && find icons metainfo -type f) | while IFS= read -r file; do
    place_file "$here/share/$file" "$data/$file"
done

make_folder "$bin"
if [ -e "$bin/shuttersense-agent" ] || [ -L "$bin/shuttersense-agent" ]; then
    echo "note: $bin/shuttersense-agent exists already and is left alone; the agent is $dest/shuttersense-agent"
else
    ln -s "$dest/shuttersense-agent" "$bin/shuttersense-agent"
    record l "$bin/shuttersense-agent"
fi

if [ "$autostart" = yes ]; then
    entry=$config/autostart/shuttersense.desktop
    if [ -e "$entry" ]; then
        echo "note: start at login is on already ($entry)"
    else
        make_folder "$config/autostart"
        cat >"$entry" <<ENTRY
[Desktop Entry]
Type=Application
Version=1.5
Name=ShutterSense
Comment=Photo collection audits: this computer's agent, in the tray
Exec="$dest/shuttersense" --minimized
Terminal=false
Categories=Graphics;Photography;
X-GNOME-Autostart-enabled=true
ENTRY
        chmod 600 "$entry"
        record f "$entry"
    fi
fi

mv -- "$pending" "$manifest"
finished=yes
echo "ShutterSense is installed in $dest"
echo "Open it from your applications menu, or run: $dest/shuttersense-desktop"
case ":${PATH:-}:" in
    *":$bin:"*) echo "The headless agent: shuttersense-agent --help" ;;
    *) echo "The headless agent: $bin/shuttersense-agent --help ($bin is not on your PATH)" ;;
esac
echo "To remove it: $dest/uninstall.sh (add --purge to remove your ShutterSense data too)"
