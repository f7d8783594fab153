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
    need_apt dovecot-imapd dovecot-pop3d python3-aiosmtpd openssl
    need_apt kamailio sip-tester dnsmasq-base
    need_apt chromium
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

# Mail servers for the mail gateway tests (idempotent): Dovecot with IMAP/POP3 (plain+STARTTLS and
# implicit TLS) and an aiosmtpd SMTP sink (scripts/lib/smtp_sink.py), all on 127.0.0.1 with a private
# config, users and self-signed certificate under /tmp/faxpost-mail. Ports: IMAP 10143/10993,
# POP3 10110/10995, SMTP 10025 (plain), 10587 (STARTTLS+AUTH), 10465 (TLS+AUTH).
# Test users (passwd-file): fax/faxpass (the mail-to-fax mailbox), other/otherpass.
start_mail_servers() {
    local dir=/tmp/faxpost-mail
    local here
    here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
    mkdir -p "$dir/run" "$dir/home" "$dir/smtp"
    if [ ! -s "$dir/cert.pem" ]; then
        openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=localhost" \
            -keyout "$dir/key.pem" -out "$dir/cert.pem" >/dev/null 2>&1
    fi
    printf '%s\n' "fax:{PLAIN}faxpass::::::" "other:{PLAIN}otherpass::::::" > "$dir/users"
    chown -R nobody:nogroup "$dir/home"
    cat > "$dir/dovecot.conf" <<CONF
base_dir = $dir/run
state_dir = $dir/state
log_path = $dir/dovecot.log
protocols = imap pop3
listen = 127.0.0.1
ssl = yes
ssl_cert = <$dir/cert.pem
ssl_key = <$dir/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
mail_privileged_group =
first_valid_uid = 1
default_login_user = nobody
default_internal_user = nobody
default_internal_group = nogroup
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $dir/users
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=$dir/home/%u
}
service imap-login {
  inet_listener imap {
    port = 10143
  }
  inet_listener imaps {
    port = 10993
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    port = 10110
  }
  inet_listener pop3s {
    port = 10995
    ssl = yes
  }
}
protocol pop3 {
  pop3_uidl_format = %08Xu%08Xv
}
CONF
    if ! (exec 3<>/dev/tcp/127.0.0.1/10143) 2>/dev/null; then
        dovecot -c "$dir/dovecot.conf"
    fi
    if ! (exec 3<>/dev/tcp/127.0.0.1/10587) 2>/dev/null; then
        nohup /usr/bin/python3 "$here/smtp_sink.py" "$dir/smtp" "$dir/cert.pem" "$dir/key.pem" 10025 10587 10465 fax faxpass \
            > "$dir/smtp.log" 2>&1 &
    fi
    local i
    for i in $(seq 1 50); do
        (exec 3<>/dev/tcp/127.0.0.1/10143) 2>/dev/null && (exec 3<>/dev/tcp/127.0.0.1/10587) 2>/dev/null && return 0
        sleep 0.2
    done
    echo "mail servers did not start; see $dir/dovecot.log and $dir/smtp.log" >&2
    return 1
}
