#include "engine/builtin_connectors.h"

#include "connectors/files/files_connector.h"
#include "connectors/lake/lake_connector.h"

#include "connectors/mysql/mysql_connector.h"
#include "connectors/postgres/postgres_connector.h"
#include "connectors/sqlite/sqlite_connector.h"
#include "remote/remote_connector.h"

namespace fedq {

void register_builtin_connectors(ConnectorRegistry& registry) {
    // A named instance of the files connector (paths in FROM work without any catalog).
    registry.add({"files",
                  [](const ConnectorConfig& config) -> std::shared_ptr<Connector> {
                      config.check_known({});
                      return std::make_shared<FilesConnector>();
                  },
                  {}, "CSV and JSON files addressed by path in FROM", {}});
    registry.add({"postgres", make_postgres_connector, {}, "PostgreSQL", {"postgresql"}});
    registry.add({"mysql", make_mysql_connector, {}, "MySQL and MariaDB", {"mariadb"}});
    registry.add({"sqlite", make_sqlite_connector, {}, "SQLite database files", {}});
    registry.add({"lake", make_lake_connector, {}, "Partitioned external tables (CSV, JSON, Parquet)", {}});
    registry.add({"remote", make_remote_connector, {}, "A connector service (fedq connector serve) over HTTP", {}});
}

}  // namespace fedq
