# Shared setup for scripts/run.sh and scripts/test.sh: Debian packages and local servers.
# Sourced, not run.

need_apt() {
    local missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "installing: ${missing[*]}" >&2
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

install_run_deps() {
    need_apt ghostscript fonts-dejavu-core
}

install_test_deps() {
    install_run_deps
    need_apt libtiff-tools poppler-utils netpbm postgresql
    need_apt libspandsp-dev libtiff-dev pkg-config gcc
}

# Starts a private PostgreSQL cluster for the tests on $PGPORT_FAXPOST (default 55432),
# owned by the postgres user, in /tmp; idempotent.
start_postgres() {
    local port="${PGPORT_FAXPOST:-55432}"
    local dir=/tmp/faxpost-pg
    local bin
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    if [ ! -s "$dir/PG_VERSION" ]; then
        rm -rf "$dir"; mkdir -p "$dir"; chown postgres "$dir"
        su postgres -c "$bin/initdb -D $dir -A trust -U postgres >/dev/null"
    fi
    if ! su postgres -c "$bin/pg_ctl -D $dir status" >/dev/null 2>&1; then
        su postgres -c "$bin/pg_ctl -D $dir -o '-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off' -l $dir/log -w start" >/dev/null
    fi
    psql -h 127.0.0.1 -p "$port" -U postgres -tc "select 1 from pg_roles where rolname='faxpost'" | grep -q 1 ||
        psql -h 127.0.0.1 -p "$port" -U postgres -c "create role faxpost login superuser password 'faxpost'" >/dev/null
}
