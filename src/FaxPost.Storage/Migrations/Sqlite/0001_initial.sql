-- FaxPost schema v1 (SQLite). Timestamps: INTEGER milliseconds since 1970-01-01 UTC.
-- Booleans: INTEGER 0/1. Enums: INTEGER. Durations: INTEGER milliseconds.

CREATE TABLE users (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    login           TEXT NOT NULL,
    login_key       TEXT NOT NULL,          -- lower-case login: logins are unique ignoring case
    display_name    TEXT NOT NULL,
    email           TEXT,
    password_hash   TEXT,
    roles           INTEGER NOT NULL,
    active          INTEGER NOT NULL,
    pin_hash        TEXT,
    failed_logins   INTEGER NOT NULL,
    locked_until    INTEGER,
    created_at      INTEGER NOT NULL,
    CONSTRAINT users_login_key UNIQUE (login_key)
);
CREATE INDEX users_email ON users (lower(email));

CREATE TABLE api_tokens (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    secret_hash     TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER,
    last_used_at    INTEGER,
    CONSTRAINT api_tokens_secret_hash UNIQUE (secret_hash)
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE teams (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    name            TEXT NOT NULL,
    name_key        TEXT NOT NULL,          -- lower-case name: team names are unique ignoring case
    email           TEXT,
    created_at      INTEGER NOT NULL,
    CONSTRAINT teams_name_key UNIQUE (name_key)
);

CREATE TABLE team_members (
    team_id         INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user ON team_members (user_id);

CREATE TABLE mailboxes (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    name            TEXT NOT NULL,
    owner_kind      INTEGER NOT NULL,
    owner_id        INTEGER NOT NULL,
    extension       TEXT,
    email           TEXT,
    outgoing_fax_id TEXT,
    retention_days  INTEGER,
    mail_pages      INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    CONSTRAINT mailboxes_extension UNIQUE (extension)
);

CREATE TABLE grants (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    mailbox_id      INTEGER NOT NULL REFERENCES mailboxes (id) ON DELETE CASCADE,
    grantee_kind    INTEGER NOT NULL,
    grantee_id      INTEGER NOT NULL,
    rights          INTEGER NOT NULL,
    CONSTRAINT grants_grantee UNIQUE (mailbox_id, grantee_kind, grantee_id)
);
CREATE INDEX grants_by_grantee ON grants (grantee_kind, grantee_id);

CREATE TABLE jobs (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id            INTEGER NOT NULL,
    mailbox_id          INTEGER NOT NULL,   -- no foreign key: jobs outlive a deleted mailbox in the history
    submitted_by        INTEGER NOT NULL REFERENCES users (id),
    destination         TEXT NOT NULL,
    dial_number         TEXT NOT NULL,
    internal_mailbox_id INTEGER,
    recipient_name      TEXT,
    recipient_company   TEXT,
    resolution          INTEGER NOT NULL,
    priority            INTEGER NOT NULL,
    not_before          INTEGER,
    max_tries           INTEGER NOT NULL,
    cover_page          INTEGER NOT NULL,
    subject             TEXT,
    note                TEXT,
    notify_address      TEXT,
    state               INTEGER NOT NULL,
    tries               INTEGER NOT NULL,
    next_attempt_at     INTEGER,
    page_count          INTEGER NOT NULL,
    pages_sent          INTEGER NOT NULL,
    last_error          TEXT,
    fax_document        TEXT,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    completed_at        INTEGER
);
CREATE INDEX jobs_group ON jobs (group_id);
CREATE INDEX jobs_mailbox ON jobs (mailbox_id, id);
CREATE INDEX jobs_state ON jobs (state, id);

CREATE TABLE job_documents (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id        INTEGER NOT NULL,       -- the submission (first job's id); outlives single jobs
    ord             INTEGER NOT NULL,
    file_name       TEXT NOT NULL,
    stored_path     TEXT NOT NULL,
    size            INTEGER NOT NULL,
    pages           INTEGER NOT NULL
);
CREATE INDEX job_documents_group ON job_documents (group_id, ord);

CREATE TABLE job_events (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id          INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    at              INTEGER NOT NULL,
    state           INTEGER NOT NULL,
    message         TEXT NOT NULL
);
CREATE INDEX job_events_job ON job_events (job_id, id);

CREATE TABLE inbound_faxes (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    mailbox_id      INTEGER,                -- null: in the fax post office's queue
    caller_number   TEXT,
    sender_id       TEXT,
    dialled_number  TEXT,
    sub_address     TEXT,
    pages           INTEGER NOT NULL,
    received_at     INTEGER NOT NULL,
    state           INTEGER NOT NULL,
    reason          INTEGER NOT NULL,
    document        TEXT NOT NULL,
    from_job_id     INTEGER,
    partial         INTEGER NOT NULL,
    note            TEXT,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX inbound_faxes_mailbox ON inbound_faxes (mailbox_id, id);
CREATE INDEX inbound_faxes_state ON inbound_faxes (state, id);
CREATE INDEX inbound_faxes_received ON inbound_faxes (received_at);

-- The audit trail; no foreign key: events stay when a fax is purged (retention).
CREATE TABLE inbound_events (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    fax_id          INTEGER NOT NULL,
    at              INTEGER NOT NULL,
    kind            TEXT NOT NULL,
    user_id         INTEGER,
    message         TEXT NOT NULL
);
CREATE INDEX inbound_events_fax ON inbound_events (fax_id, id);

CREATE TABLE routing_rules (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    match_kind      INTEGER NOT NULL,
    pattern         TEXT NOT NULL,
    mailbox_id      INTEGER NOT NULL REFERENCES mailboxes (id) ON DELETE CASCADE,
    ord             INTEGER NOT NULL
);

CREATE TABLE contacts (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_user_id   INTEGER REFERENCES users (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    company         TEXT,
    fax_number      TEXT,
    email           TEXT
);
CREATE INDEX contacts_owner ON contacts (owner_user_id);

CREATE TABLE distribution_lists (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_user_id   INTEGER REFERENCES users (id) ON DELETE CASCADE,
    name            TEXT NOT NULL
);
CREATE INDEX distribution_lists_owner ON distribution_lists (owner_user_id);

CREATE TABLE distribution_list_members (
    list_id         INTEGER NOT NULL REFERENCES distribution_lists (id) ON DELETE CASCADE,
    contact_id      INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    PRIMARY KEY (list_id, contact_id)
);
CREATE INDEX distribution_list_members_contact ON distribution_list_members (contact_id);

CREATE TABLE transmission_log (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    at              INTEGER NOT NULL,
    direction       INTEGER NOT NULL,
    mailbox_id      INTEGER,
    user_id         INTEGER,
    job_id          INTEGER,
    fax_id          INTEGER,
    remote_number   TEXT,
    remote_id       TEXT,
    pages           INTEGER NOT NULL,
    duration_ms     INTEGER NOT NULL,
    result          TEXT NOT NULL,
    reason          TEXT,
    line            TEXT
);
CREATE INDEX transmission_log_at ON transmission_log (at, id);

CREATE TABLE settings (
    key             TEXT PRIMARY KEY,
    value           TEXT NOT NULL
);
