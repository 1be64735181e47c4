# Shared by deploy/quickstart and deploy/test. Sourced, not run.

# The system packages Switchyard builds and runs with on Debian 12.
SWITCHYARD_APT_PACKAGES=(postgresql libpq-dev libssl-dev pkg-config)

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# Installs missing system packages with apt when root; otherwise says exactly what to install.
ensure_system_packages() {
    if ! command -v swift >/dev/null 2>&1; then
        echo "error: the Swift toolchain (6.1 or newer) is not on PATH; install it from swift.org and retry" >&2
        exit 1
    fi
    local missing=()
    for package in "${SWITCHYARD_APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    if [ ${#missing[@]} -eq 0 ]; then
        return 0
    fi
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        say "installing system packages: ${missing[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "error: missing system packages: ${missing[*]}" >&2
        echo "install them with: sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
}
