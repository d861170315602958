#!/bin/sh
# The postgres image runs this once, as its superuser, when the data volume is new
# (/docker-entrypoint-initdb.d): the hub's owner and app roles and its database.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
     -v owner_password="$LETS_OWNER_PASSWORD" -v app_password="$LETS_APP_PASSWORD" \
     -f /lets/roles.sql
