-- Outgoing mails (issue 6): "sent" is recorded the moment the SMTP server accepted a mail, before its
-- follow-up (a fax marked delivered) and its removal; a mail may carry a ledger key under which its
-- outcome is kept (serial letters, for the letter's final report).
ALTER TABLE mail_queue ADD COLUMN sent_at timestamptz;
ALTER TABLE mail_queue ADD COLUMN ledger_key text;
