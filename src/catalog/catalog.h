// The catalogs known to an engine: named connector instances ("system", later "shop", "lake", ...) plus
// the files connector that serves paths in FROM. Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "connector/connector.h"

namespace fedq {

class FilesConnector;

class CatalogManager {
public:
    CatalogManager();
    ~CatalogManager();

    void add(const std::string& name, std::shared_ptr<Connector> connector);
    // nullptr when unknown. Names are case-insensitive (stored lower-case).
    std::shared_ptr<Connector> find(const std::string& name) const;
    std::vector<std::string> names() const;

    FilesConnector& files() { return *files_; }
    std::shared_ptr<Connector> files_connector() const;

private:
    mutable std::mutex mutex_;
    std::map<std::string, std::shared_ptr<Connector>> catalogs_;
    std::shared_ptr<FilesConnector> files_;
};

std::string to_lower(std::string_view s);

}  // namespace fedq
