#!/bin/sh
# Install Slimme Regio Planner from this unpacked folder: a menu entry, the
# icon, the .srp project file type and the `slimmeregio` command.
#
#   ./install.sh                      for the current user (the app stays in this folder)
#   sudo ./install.sh --system        for all users (copied to /opt/slimmeregio)
#   ./install.sh --uninstall          remove the user installation
#   sudo ./install.sh --uninstall --system
#
# Nothing outside the listed folders is touched. Needs no Python.
set -eu

APP=slimmeregio
HERE=$(cd "$(dirname "$0")" && pwd)
MODE=user
ACTION=install
for arg in "$@"; do
    case "$arg" in
        --system) MODE=system ;;
        --uninstall) ACTION=uninstall ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "install.sh: unknown option: $arg" >&2; exit 2 ;;
    esac
done

if [ "$MODE" = system ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "install.sh: --system needs root (sudo)" >&2
        exit 2
    fi
    BINDIR=/usr/local/bin
    SHARE=/usr/local/share
    APPDIR=/opt/$APP
else
    BINDIR=$HOME/.local/bin
    SHARE=${XDG_DATA_HOME:-$HOME/.local/share}
    APPDIR=$HERE
fi
DESKTOP=$SHARE/applications/$APP.desktop
ICON_SVG=$SHARE/icons/hicolor/scalable/apps/$APP.svg
ICON_PNG=$SHARE/icons/hicolor/256x256/apps/$APP.png
MIME=$SHARE/mime/packages/$APP.xml

refresh() {
    command -v update-mime-database >/dev/null 2>&1 && update-mime-database "$SHARE/mime" >/dev/null 2>&1 || true
    command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$SHARE/applications" >/dev/null 2>&1 || true
    command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$SHARE/icons/hicolor" >/dev/null 2>&1 || true
}

if [ "$ACTION" = uninstall ]; then
    rm -f "$DESKTOP" "$ICON_SVG" "$ICON_PNG" "$MIME"
    if [ -L "$BINDIR/$APP" ]; then rm -f "$BINDIR/$APP"; fi
    if [ "$MODE" = system ] && [ -x "$APPDIR/$APP" ]; then rm -rf "$APPDIR"; fi
    refresh
    echo "Slimme Regio Planner removed ($MODE)."
    exit 0
fi

if [ ! -x "$HERE/$APP" ]; then
    echo "install.sh: $HERE/$APP not found: run install.sh from the unpacked folder" >&2
    exit 2
fi
if [ "$MODE" = system ] && [ "$HERE" != "$APPDIR" ]; then
    rm -rf "$APPDIR.new"
    cp -a "$HERE" "$APPDIR.new"
    rm -rf "$APPDIR"
    mv "$APPDIR.new" "$APPDIR"
fi

mkdir -p "$BINDIR" "$(dirname "$DESKTOP")" "$(dirname "$ICON_SVG")" "$(dirname "$ICON_PNG")" "$(dirname "$MIME")"
ln -sf "$APPDIR/$APP" "$BINDIR/$APP"
install -m 644 "$HERE/share/icons/hicolor/scalable/apps/$APP.svg" "$ICON_SVG"
install -m 644 "$HERE/share/icons/hicolor/256x256/apps/$APP.png" "$ICON_PNG"
install -m 644 "$HERE/share/mime/packages/$APP.xml" "$MIME"
# The menu entry points at this installation's executable (absolute path).
sed -e "s|^Exec=$APP |Exec=\"$APPDIR/$APP\" |" -e "s|^TryExec=$APP\$|TryExec=$APPDIR/$APP|" \
    "$HERE/share/applications/$APP.desktop" > "$DESKTOP"
chmod 644 "$DESKTOP"
refresh
echo "Slimme Regio Planner installed ($MODE): $APPDIR"
echo "Menu entry: $DESKTOP; command: $BINDIR/$APP"
echo "Check the installation: $APP --selftest"
