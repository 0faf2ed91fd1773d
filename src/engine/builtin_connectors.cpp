#include "engine/builtin_connectors.h"

#include "connectors/files/files_connector.h"

// The SQL connectors are registered when their headers are present.
#if __has_include("connectors/postgres/postgres_connector.h")
#include "connectors/postgres/postgres_connector.h"
#define FEDQ_HAS_POSTGRES 1
#endif
#if __has_include("connectors/mysql/mysql_connector.h")
#include "connectors/mysql/mysql_connector.h"
#define FEDQ_HAS_MYSQL 1
#endif
#if __has_include("connectors/sqlite/sqlite_connector.h")
#include "connectors/sqlite/sqlite_connector.h"
#define FEDQ_HAS_SQLITE 1
#endif

namespace fedq {

void register_builtin_connectors(ConnectorRegistry& registry) {
    // A named instance of the files connector (paths in FROM work without any catalog).
    registry.add({"files",
                  [](const ConnectorConfig& config) -> std::shared_ptr<Connector> {
                      config.check_known({});
                      return std::make_shared<FilesConnector>();
                  },
                  {}, "CSV and JSON files addressed by path in FROM", {}});
#ifdef FEDQ_HAS_POSTGRES
    registry.add({"postgres", make_postgres_connector, {}, "PostgreSQL", {"postgresql"}});
#endif
#ifdef FEDQ_HAS_MYSQL
    registry.add({"mysql", make_mysql_connector, {}, "MySQL and MariaDB", {"mariadb"}});
#endif
#ifdef FEDQ_HAS_SQLITE
    registry.add({"sqlite", make_sqlite_connector, {}, "SQLite database files", {}});
#endif
}

}  // namespace fedq
