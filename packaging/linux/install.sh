#!/bin/sh
# Install the unpacked Scholar Desk bundle for the current user, or remove it again.
#
#   ./install.sh              # run from the unpacked scholar-desk folder
#   ./install.sh --uninstall  # removes the program, menu entry, icons and file types
#
# Everything goes under ~/.local (XDG_DATA_HOME when set); your database and backups in
# ~/.local/share/scholar-desk are never touched, not even by --uninstall.
set -eu

APP_ID=org.scholardesk.ScholarDesk
DATA_HOME=${XDG_DATA_HOME:-$HOME/.local/share}
BIN_HOME=$HOME/.local/bin
PROGRAM_DIR=$HOME/.local/lib/scholar-desk
HERE=$(cd "$(dirname "$0")" && pwd)

refresh() {
    command -v update-desktop-database >/dev/null 2>&1 \
        && update-desktop-database -q "$DATA_HOME/applications" 2>/dev/null || true
    command -v update-mime-database >/dev/null 2>&1 \
        && update-mime-database "$DATA_HOME/mime" >/dev/null 2>&1 || true
    command -v gtk-update-icon-cache >/dev/null 2>&1 \
        && gtk-update-icon-cache -q -t "$DATA_HOME/icons/hicolor" 2>/dev/null || true
}

uninstall() {
    rm -rf "$PROGRAM_DIR"
    rm -f "$BIN_HOME/scholar-desk"
    rm -f "$DATA_HOME/applications/$APP_ID.desktop"
    rm -f "$DATA_HOME/metainfo/$APP_ID.metainfo.xml"
    rm -f "$DATA_HOME/mime/packages/$APP_ID.xml"
    find "$DATA_HOME/icons/hicolor" -name "$APP_ID.*" -type f -exec rm -f {} + 2>/dev/null || true
    refresh
    echo "Scholar Desk removed (your data in $DATA_HOME/scholar-desk was kept)."
}

install() {
    if [ ! -x "$HERE/scholar-desk" ] || [ ! -d "$HERE/share" ]; then
        echo "Run install.sh from the unpacked scholar-desk folder (it holds scholar-desk and share/)." >&2
        exit 2
    fi
    if [ "$HERE" != "$PROGRAM_DIR" ]; then
        rm -rf "$PROGRAM_DIR.new"
        mkdir -p "$(dirname "$PROGRAM_DIR")"
        cp -R "$HERE" "$PROGRAM_DIR.new"
        rm -rf "$PROGRAM_DIR"
        mv "$PROGRAM_DIR.new" "$PROGRAM_DIR"
    fi
    mkdir -p "$BIN_HOME" "$DATA_HOME/applications" "$DATA_HOME/metainfo" "$DATA_HOME/mime/packages"
    ln -sf "$PROGRAM_DIR/scholar-desk" "$BIN_HOME/scholar-desk"
    # The menu runs the program by its full path, so it works without ~/.local/bin on PATH.
    sed -e "s|^Exec=scholar-desk|Exec=\"$PROGRAM_DIR/scholar-desk\"|" \
        -e "s|^TryExec=scholar-desk|TryExec=$PROGRAM_DIR/scholar-desk|" \
        "$PROGRAM_DIR/share/applications/$APP_ID.desktop" > "$DATA_HOME/applications/$APP_ID.desktop"
    cp "$PROGRAM_DIR/share/metainfo/$APP_ID.metainfo.xml" "$DATA_HOME/metainfo/"
    cp "$PROGRAM_DIR/share/mime/packages/$APP_ID.xml" "$DATA_HOME/mime/packages/"
    (cd "$PROGRAM_DIR/share" && find icons -type f) | while read -r icon; do
        mkdir -p "$DATA_HOME/$(dirname "$icon")"
        cp "$PROGRAM_DIR/share/$icon" "$DATA_HOME/$icon"
    done
    refresh
    echo "Scholar Desk installed: find it in your applications menu, or run $BIN_HOME/scholar-desk"
}

case "${1:-}" in
    --uninstall) uninstall ;;
    "") install ;;
    *) echo "usage: install.sh [--uninstall]" >&2; exit 2 ;;
esac
