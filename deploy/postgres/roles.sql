-- The hub's two PostgreSQL roles and its database. Run once, as the server's superuser:
--
--   sudo -u postgres psql -v owner_password="$OWNER_PW" -v app_password="$APP_PW" \
--        -f deploy/postgres/roles.sql
--
-- (-v owner=..., -v app=..., -v database=... change the names; defaults lets_owner,
-- lets_app, lets). Running it again changes nothing but the passwords.
--
--   lets_owner  owns the database, its schema and every table; runs "lets db upgrade" with
--               LETS_DATABASE_APP_ROLE=lets_app, which grants lets_app what it needs.
--   lets_app    serves (gunicorn, lets worker, lets scheduler): owns nothing, not
--               superuser, no BYPASSRLS, so row-level security binds it; it cannot
--               UPDATE or DELETE the append-only tables (lets_platform.dbroles).
--
-- Neither is a superuser; the hub refuses to serve as a superuser or as the owner.

\set ON_ERROR_STOP on
\if :{?owner} \else \set owner lets_owner \endif
\if :{?app} \else \set app lets_app \endif
\if :{?database} \else \set database lets \endif

SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS', r)
  FROM unnest(ARRAY[:'owner', :'app']) AS r
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) \gexec
SELECT format('ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS', r)
  FROM unnest(ARRAY[:'owner', :'app']) AS r \gexec

\if :{?owner_password}
ALTER ROLE :"owner" PASSWORD :'owner_password';
\endif
\if :{?app_password}
ALTER ROLE :"app" PASSWORD :'app_password';
\endif

SELECT format('CREATE DATABASE %I OWNER %I', :'database', :'owner')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'database') \gexec
ALTER DATABASE :"database" OWNER TO :"owner";
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"database" TO :"app";

\connect :"database"
-- The owner creates the tables; nobody else creates anything (PostgreSQL before 15 let
-- every role create in "public").
ALTER SCHEMA public OWNER TO :"owner";
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"app";
