// The catalogs known to an engine: built-in connector instances ("system"), configured catalogs (from the
// metastore via CREATE CATALOG, or from fedq.toml), plus the files connector that serves paths in FROM.
//
// Configured catalogs are opened lazily: the first find() resolves the definition's options (env()
// references read at that moment, secrets decrypted), builds the connector through the
// ConnectorRegistry and caches it. CREATE / ALTER / DROP go through this class: they validate by
// building the connector (nothing is stored when that fails), write the metastore, and close() and drop
// a cached connector they replace. When another process alters or drops a metastore catalog this process
// has open, the next find() notices (one indexed SQLite read of the entry's revision) and reopens or
// forgets it.
// Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog_definition.h"
#include "connector/connector.h"

namespace fedq {

class FilesConnector;
class ConnectorRegistry;
class Metastore;
class SecretBox;

struct CatalogEntry {
    std::string name;
    std::string type;
    CatalogSource source = CatalogSource::kBuiltin;
    std::string origin;  // the config file of a kConfigFile catalog
};

// What configure() takes over.
struct CatalogSetup {
    CatalogSetup();
    ~CatalogSetup();
    CatalogSetup(CatalogSetup&&) noexcept;
    CatalogSetup& operator=(CatalogSetup&&) noexcept;

    std::shared_ptr<const ConnectorRegistry> registry;
    std::unique_ptr<SecretBox> secrets;
    std::unique_ptr<Metastore> metastore;            // destroyed before `secrets`
    std::vector<CatalogDefinition> config_catalogs;  // from fedq.toml
    std::string home;
};

class CatalogManager {
public:
    CatalogManager();
    ~CatalogManager();

    // Registers a built-in catalog (its name can then not be created, altered or dropped).
    void add(const std::string& name, std::shared_ptr<Connector> connector);
    // nullptr when unknown. Names are case-insensitive (stored lower-case). Opens a configured catalog
    // on first use; raises when its options cannot be resolved or its connector refuses them.
    std::shared_ptr<Connector> find(const std::string& name) const;
    // Every catalog name (built-in and configured), sorted, without opening anything.
    std::vector<std::string> names() const;
    std::vector<CatalogEntry> list() const;

    FilesConnector& files() { return *files_; }
    std::shared_ptr<Connector> files_connector() const;

    // ---- configured catalogs
    void configure(CatalogSetup setup);
    bool configured() const;
    const ConnectorRegistry* registry() const;
    // The definition of a configured catalog (secrets sealed or as given; never resolved).
    std::optional<CatalogDefinition> definition(const std::string& name) const;

    enum class CreateMode { kCreate, kIfNotExists, kReplace };
    // False when kIfNotExists found the name taken. Errors: 42710 duplicate (also a built-in or fedq.toml
    // name), 42704 unknown connector type, 22023 bad options (from the connector factory).
    bool create_catalog(CatalogDefinition definition, CreateMode mode);
    // False when if_exists and there was no such catalog.
    bool drop_catalog(const std::string& name, bool if_exists);
    // Sets and removes options; validates the result like create_catalog.
    void alter_catalog(const std::string& name, const std::map<std::string, CatalogOptionValue>& set,
                       const std::vector<std::string>& reset);

private:
    std::optional<CatalogDefinition> find_definition_locked(const std::string& name) const;
    std::shared_ptr<Connector> open_locked(const CatalogDefinition& definition) const;
    void check_mutable_locked(const std::string& name, const char* action) const;
    void replace_cached_locked(const std::string& name, std::shared_ptr<Connector> connector,
                               int64_t revision = 0) const;

    struct OpenCatalog {
        std::shared_ptr<Connector> connector;
        int64_t revision = 0;  // metastore revision it was built from; 0 for fedq.toml catalogs
    };

    mutable std::mutex mutex_;
    std::map<std::string, std::shared_ptr<Connector>> catalogs_;  // built-in
    std::shared_ptr<FilesConnector> files_;
    std::shared_ptr<const ConnectorRegistry> registry_;
    std::unique_ptr<SecretBox> secrets_;
    std::unique_ptr<Metastore> metastore_;
    std::vector<CatalogDefinition> config_catalogs_;
    std::string home_;
    mutable std::map<std::string, OpenCatalog> opened_;  // configured catalogs in use
};

std::string to_lower(std::string_view s);

}  // namespace fedq
