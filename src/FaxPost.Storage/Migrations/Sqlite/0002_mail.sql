-- The mail gateway's durable state (issue 6): the outgoing mail queue and the mail-to-fax message ledger.
CREATE TABLE mail_queue (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    kind            INTEGER NOT NULL,
    fax_id          INTEGER,
    what            TEXT NOT NULL,
    content         BLOB NOT NULL,
    tries           INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT
);
CREATE INDEX mail_queue_due ON mail_queue (next_attempt_at, id);

CREATE TABLE mail_messages (
    key             TEXT PRIMARY KEY,
    state           TEXT NOT NULL,
    seen_at         INTEGER NOT NULL
);
CREATE INDEX mail_messages_seen ON mail_messages (seen_at);

-- Records kept in settings before this version move over, seen now (they expire like new ones).
INSERT INTO mail_messages (key, state, seen_at)
    SELECT key, value, CAST(strftime('%s', 'now') AS INTEGER) * 1000 FROM settings WHERE key LIKE 'mail.msg.%';
DELETE FROM settings WHERE key LIKE 'mail.msg.%';
