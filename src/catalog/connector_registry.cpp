#include "catalog/connector_registry.h"

#include <algorithm>

#include "catalog/catalog.h"
#include "common/error.h"

namespace fedq {

void ConnectorRegistry::add(ConnectorType type) {
    type.name = to_lower(type.name);
    for (auto& alias : type.aliases) alias = to_lower(alias);
    auto same = [&](const ConnectorType& t) { return t.name == type.name; };
    auto it = std::find_if(types_.begin(), types_.end(), same);
    if (it != types_.end()) {
        *it = std::move(type);
    } else {
        types_.push_back(std::move(type));
    }
}

const ConnectorType* ConnectorRegistry::find(std::string_view raw) const {
    std::string name = to_lower(raw);
    for (const auto& type : types_) {
        if (type.name == name) return &type;
    }
    for (const auto& type : types_) {
        if (std::find(type.aliases.begin(), type.aliases.end(), name) != type.aliases.end()) return &type;
    }
    return nullptr;
}

std::vector<std::string> ConnectorRegistry::names() const {
    std::vector<std::string> out;
    for (const auto& type : types_) out.push_back(type.name);
    std::sort(out.begin(), out.end());
    return out;
}

std::shared_ptr<Connector> ConnectorRegistry::create(const ConnectorConfig& config) const {
    const ConnectorType* type = find(config.type);
    if (!type) {
        std::string known;
        for (const auto& name : names()) known += (known.empty() ? "" : ", ") + name;
        raise(ErrorCode::kUndefinedObject, "catalog {}: unknown connector type \"{}\" (known types: {})", config.catalog,
              config.type, known.empty() ? "none" : known);
    }
    if (!type->options.empty()) config.check_known(type->options);
    auto connector = type->factory(config);
    if (!connector) raise(ErrorCode::kInternal, "catalog {}: the {} connector factory returned nothing", config.catalog, type->name);
    return connector;
}

}  // namespace fedq
