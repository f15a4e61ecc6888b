#!/bin/sh
# Adds Concurrency Workbench to this user's desktop menu, and puts an icon on the Desktop
# folder if there is one, so it opens with a click or a double-click. No root needed: it
# writes only under $XDG_DATA_HOME (default ~/.local/share) and the user's Desktop folder.
#
#   ./install-desktop-entry.sh              install (again: it overwrites its own files)
#   ./install-desktop-entry.sh --uninstall  remove what it installed
#
# The entry points at this bundle folder: move the folder, then run this again.
set -eu

here=$(cd "$(dirname "$0")" && pwd -P)
id=concurrency-workbench
data=${XDG_DATA_HOME:-$HOME/.local/share}
entry="$data/applications/$id.desktop"
icon="$data/icons/hicolor/256x256/apps/$id.png"
launcher="$here/concurrency-workbench-launcher"

desktop_dir() {
  dir=$(xdg-user-dir DESKTOP 2>/dev/null || true)
  [ -n "$dir" ] && [ "$dir" != "$HOME" ] || dir="$HOME/Desktop"
  [ -d "$dir" ] && printf '%s\n' "$dir"
  return 0
}

refresh_menus() {
  command -v update-desktop-database >/dev/null 2>&1 &&
    update-desktop-database -q "$data/applications" 2>/dev/null
  command -v gtk-update-icon-cache >/dev/null 2>&1 &&
    gtk-update-icon-cache -q -t "$data/icons/hicolor" 2>/dev/null
  return 0
}

case ${1:-} in
  --uninstall)
    desktop=$(desktop_dir)
    rm -f "$entry" "$icon" ${desktop:+"$desktop/$id.desktop"}
    refresh_menus
    echo "Removed Concurrency Workbench from the menu ($entry)."
    exit 0
    ;;
  "") ;;
  *)
    echo "usage: $0 [--uninstall]" >&2
    exit 2
    ;;
esac

# The desktop-entry spec's Exec quoting cannot be trusted with these characters everywhere.
case $here in
  *[\"\`\$\\]*)
    echo "error: move the folder to a path without \" \` \$ or \\ in it: $here" >&2
    exit 2
    ;;
esac
[ -x "$launcher" ] || { echo "error: $launcher is missing; is this the bundle folder?" >&2; exit 1; }

mkdir -p "$(dirname "$entry")" "$(dirname "$icon")"
cp "$here/_internal/workbench/resources/icons/workbench.png" "$icon"
exec_path=$(printf '%s' "$launcher" | sed 's/%/%%/g')
cat >"$entry.tmp" <<DESKTOP
[Desktop Entry]
Type=Application
Version=1.5
Name=Concurrency Workbench
GenericName=Concurrency explorer
Comment=See what sequential code, asyncio, threads and processes do with your machine
Exec="$exec_path"
TryExec=$launcher
Icon=$icon
Terminal=false
Categories=Development;Education;
StartupNotify=true
StartupWMClass=concurrency-workbench
DESKTOP
mv "$entry.tmp" "$entry"
refresh_menus
echo "Installed Concurrency Workbench in the menu ($entry)."

desktop=$(desktop_dir)
if [ -n "$desktop" ]; then
  cp "$entry" "$desktop/$id.desktop"
  chmod +x "$desktop/$id.desktop"
  # GNOME opens a Desktop launcher on double-click only once it is marked trusted.
  command -v gio >/dev/null 2>&1 &&
    gio set "$desktop/$id.desktop" metadata::trusted true 2>/dev/null || true
  echo "Put a double-clickable icon on the Desktop ($desktop/$id.desktop)."
fi
