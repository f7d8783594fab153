-- The console's log search runs in the database: the remote number's digits are kept beside it
-- (the search matches digits only, so "+49 (89) 12" finds "004989123..."), and the user and result
-- filters get indexes in the log's order (at, id).
ALTER TABLE transmission_log ADD COLUMN remote_digits TEXT;
UPDATE transmission_log SET remote_digits = (
    WITH RECURSIVE c(i, d) AS (
        SELECT 1, ''
        UNION ALL
        SELECT i + 1, d || CASE WHEN substr(transmission_log.remote_number, i, 1) BETWEEN '0' AND '9' THEN substr(transmission_log.remote_number, i, 1) ELSE '' END
        FROM c WHERE i <= length(transmission_log.remote_number))
    SELECT d FROM c ORDER BY i DESC LIMIT 1)
WHERE remote_number IS NOT NULL;
CREATE INDEX transmission_log_user ON transmission_log (user_id, at, id);
CREATE INDEX transmission_log_result ON transmission_log (lower(result), at, id);
