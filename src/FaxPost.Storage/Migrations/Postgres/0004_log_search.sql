-- The console's log search runs in the database: the remote number's digits are kept beside it
-- (the search matches digits only, so "+49 (89) 12" finds "004989123..."), and the user and result
-- filters get indexes in the log's order (at, id).
ALTER TABLE transmission_log ADD COLUMN remote_digits text;
UPDATE transmission_log SET remote_digits = regexp_replace(remote_number, '[^0-9]', '', 'g') WHERE remote_number IS NOT NULL;
CREATE INDEX transmission_log_user ON transmission_log (user_id, at, id);
CREATE INDEX transmission_log_result ON transmission_log (lower(result), at, id);
