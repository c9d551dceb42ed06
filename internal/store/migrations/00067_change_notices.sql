-- Every process keeps its matching index current by reading the rows that
-- changed since its last look (store.Matching.Poll). It asks first whether
-- anything changed at all (store/changes.go). On SQLite it reads PRAGMA
-- data_version. On PostgreSQL a write to the tables the index is made of
-- now sends a notice on the channel easyjob_changes at its commit, and each
-- process LISTENs for it instead of asking the server four times a second
-- (issue #11: an idle server must be idle); it still reads the tables every
-- 30 s as a safety net. One notice per statement, folded by PostgreSQL into
-- one per transaction. The lines between the easyjob:postgres-only markers
-- are left out on SQLite (store/migrate.go), where the migration does nothing.

-- +goose Up
-- easyjob:postgres-only
-- +goose StatementBegin
CREATE FUNCTION easyjob_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('easyjob_changes', '');
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER postings_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON postings
    FOR EACH STATEMENT EXECUTE FUNCTION easyjob_notify_change();
CREATE TRIGGER seekers_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON seekers
    FOR EACH STATEMENT EXECUTE FUNCTION easyjob_notify_change();
CREATE TRIGGER applications_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON applications
    FOR EACH STATEMENT EXECUTE FUNCTION easyjob_notify_change();
CREATE TRIGGER employers_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON employers
    FOR EACH STATEMENT EXECUTE FUNCTION easyjob_notify_change();
CREATE TRIGGER match_policy_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON match_policy
    FOR EACH STATEMENT EXECUTE FUNCTION easyjob_notify_change();
-- easyjob:end

-- +goose Down
-- easyjob:postgres-only
DROP TRIGGER match_policy_notify ON match_policy;
DROP TRIGGER employers_notify ON employers;
DROP TRIGGER applications_notify ON applications;
DROP TRIGGER seekers_notify ON seekers;
DROP TRIGGER postings_notify ON postings;
DROP FUNCTION easyjob_notify_change();
-- easyjob:end
