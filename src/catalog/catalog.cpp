#include "catalog/catalog.h"

#include <cctype>

#include "connectors/files/files_connector.h"

namespace fedq {

std::string to_lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

CatalogManager::CatalogManager() : files_(std::make_shared<FilesConnector>()) {}
CatalogManager::~CatalogManager() = default;

void CatalogManager::add(const std::string& name, std::shared_ptr<Connector> connector) {
    std::lock_guard lock(mutex_);
    catalogs_[to_lower(name)] = std::move(connector);
}

std::shared_ptr<Connector> CatalogManager::find(const std::string& name) const {
    std::lock_guard lock(mutex_);
    auto it = catalogs_.find(to_lower(name));
    return it == catalogs_.end() ? nullptr : it->second;
}

std::vector<std::string> CatalogManager::names() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto& [name, _] : catalogs_) out.push_back(name);
    return out;
}

std::shared_ptr<Connector> CatalogManager::files_connector() const { return files_; }

}  // namespace fedq
