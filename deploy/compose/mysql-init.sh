#!/bin/bash
# First start of the compose stack's MySQL: one schema and one user per service.
set -euo pipefail
for schema in scheduler_job scheduler_execution scheduler_monitor; do
  mysql -uroot -p"$MYSQL_ROOT_PASSWORD" -e "CREATE DATABASE IF NOT EXISTS $schema"
done
mysql -uroot -p"$MYSQL_ROOT_PASSWORD" <<SQL
CREATE USER IF NOT EXISTS 'scheduler'@'%' IDENTIFIED BY '${SCHEDULER_DB_PASSWORD}';
GRANT ALL ON scheduler_job.* TO 'scheduler'@'%';
GRANT ALL ON scheduler_execution.* TO 'scheduler'@'%';
GRANT ALL ON scheduler_monitor.* TO 'scheduler'@'%';
SQL
