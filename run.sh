#!/usr/bin/env bash
# binzhou-sites: the two things a new user does.
#   ./run.sh app [FILES…]   build and open the map on the bundled data (or FILES)
#   ./run.sh test           run the whole test suite
#   ./run.sh deps           only install the system packages
# On Debian/Ubuntu it first installs the few system packages the build and
# the Chinese text need (with sudo when not root).
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(
  pkg-config libwayland-dev libxkbcommon-dev   # winit / eframe build
  libgl1-mesa-dri libegl1 libegl-mesa0         # software OpenGL for the app
  mesa-vulkan-drivers libvulkan1               # lavapipe: the snapshot tests render with wgpu on it
  fonts-wqy-microhei fontconfig                # a CJK font for every Chinese label
)
# Only the tests need these: GDAL's ogrinfo reads the field-check journals back,
# poppler's pdftotext the text of the PDF handouts, and the database tests
# start a throwaway PostgreSQL + PostGIS cluster of their own.
TEST_PACKAGES=(gdal-bin poppler-utils postgresql postgresql-postgis)

install_packages() {
  command -v dpkg-query >/dev/null || return 0
  local missing=()
  for p in "${PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "run.sh: installing ${missing[*]}" >&2
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

if ! command -v cargo >/dev/null; then
  echo "run.sh: cargo not found; install Rust from https://rustup.rs (stable 1.95 or newer)" >&2
  exit 1
fi

case "${1:-}" in
  app)
    shift
    install_packages
    exec cargo run --release --bin binzhou-sites -- "$@"
    ;;
  test)
    install_packages "${TEST_PACKAGES[@]}"
    # wgpu's software renderer wants a runtime folder; CI has none.
    if [ -z "${XDG_RUNTIME_DIR:-}" ] || [ ! -d "${XDG_RUNTIME_DIR}" ]; then
      XDG_RUNTIME_DIR="$(mktemp -d)"
      export XDG_RUNTIME_DIR
    fi
    exec cargo test --locked
    ;;
  deps)
    install_packages "${TEST_PACKAGES[@]}"
    ;;
  *)
    echo "usage: ./run.sh app [FILES…] | ./run.sh test" >&2
    exit 2
    ;;
esac
