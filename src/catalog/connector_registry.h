// Connector types by name: CREATE CATALOG x USING <type> looks the type up here. The engine registers the
// built-in types (engine/builtin_connectors.h); tests may register their own. Names and aliases are
// case-insensitive. Thread-safe for concurrent lookups once registration is done.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "connector/connector.h"

namespace fedq {

// Builds a connector from resolved options. Must validate the options (raise kInvalidParameter naming the
// catalog) and must not need the source to be reachable: connectors connect lazily.
using ConnectorFactory = std::function<std::shared_ptr<Connector>(const ConnectorConfig&)>;

struct ConnectorType {
    std::string name;                  // canonical, lower case
    ConnectorFactory factory;
    std::vector<std::string> options;  // known option names; empty = the factory checks them itself
    std::string description;
    std::vector<std::string> aliases;  // other names, lower case
};

class ConnectorRegistry {
public:
    void add(ConnectorType type);
    // nullptr when unknown.
    const ConnectorType* find(std::string_view name) const;
    // Canonical names, sorted.
    std::vector<std::string> names() const;
    const std::vector<ConnectorType>& types() const { return types_; }

    // Raises kUndefinedObject (42704) listing the known types when `config.type` is unknown, checks known
    // options, then calls the factory. A factory returning null is an internal error.
    std::shared_ptr<Connector> create(const ConnectorConfig& config) const;

private:
    std::vector<ConnectorType> types_;
};

}  // namespace fedq
