// The connector types an engine knows out of the box (CREATE CATALOG x USING <type>). Adding a connector
// type is one line in builtin_connectors.cpp.
#pragma once

#include "catalog/connector_registry.h"

namespace fedq {

// files (no options: paths in FROM), postgres, mysql (alias mariadb), sqlite, lake, remote (a connector
// service reached over the connector protocol).
void register_builtin_connectors(ConnectorRegistry& registry);

}  // namespace fedq
