// A complete C++ connector service in one class: the table `demo.numbers` (n, square, name) with the rows
// n = 1..rows (option `rows`, default 1000), served over the connector protocol by fedq_connector_main.
//
//   fedq-hello-connector --option rows=100000 --listen 127.0.0.1:9200 --auth-key-file key
//   CREATE CATALOG hello USING remote WITH (endpoints = 'http://127.0.0.1:9200', auth_key = '...');
//   SELECT count(*), sum(square) FROM hello.demo.numbers WHERE n <= 10;
//
// It accepts no constraint (the engine filters) and splits the range in `target_splits` parts.
#include <algorithm>
#include <memory>

#include "common/error.h"
#include "connector/connector.h"
#include "remote/connector_main.h"

namespace {

using fedq::Batch;
using fedq::Column;
using fedq::Type;

class NumbersReader final : public fedq::BatchReader {
  public:
    NumbersReader(std::vector<std::string> columns, int64_t first, int64_t last, size_t batch_rows)
        : columns_(std::move(columns)), next_(first), last_(last), batch_rows_(std::max<size_t>(batch_rows, 1)) {}

    bool next(Batch& batch) override {
        if (next_ > last_) return false;
        size_t rows = static_cast<size_t>(std::min<int64_t>(static_cast<int64_t>(batch_rows_), last_ - next_ + 1));
        batch = Batch();
        batch.num_rows = rows;
        for (const auto& name : columns_) {
            if (name == "name") {
                auto column = Column::make(Type::varchar(), rows);
                for (size_t i = 0; i < rows; ++i) column->append_string("number " + std::to_string(next_ + static_cast<int64_t>(i)));
                batch.columns.push_back(std::move(column));
            } else {
                auto column = Column::make(Type::bigint(), rows);
                for (size_t i = 0; i < rows; ++i) {
                    int64_t n = next_ + static_cast<int64_t>(i);
                    column->append<int64_t>(name == "square" ? n * n : n);
                }
                batch.columns.push_back(std::move(column));
            }
        }
        next_ += static_cast<int64_t>(rows);
        return true;
    }

  private:
    std::vector<std::string> columns_;
    int64_t next_, last_;
    size_t batch_rows_;
};

class HelloConnector final : public fedq::Connector {
  public:
    explicit HelloConnector(const fedq::ConnectorConfig& config) {
        config.check_known({"rows"});
        rows_ = config.get_int("rows", 1000);
        if (rows_ < 0 || rows_ > 3037000499) fedq::raise(fedq::ErrorCode::kInvalidParameter, "rows must be in [0, 3037000499]");
    }

    std::string type_name() const override { return "hello"; }
    fedq::Capabilities capabilities() const override {
        return fedq::Capabilities().add(fedq::Capability::kParallelSplits);
    }
    std::vector<std::string> list_schemas() override { return {"demo"}; }
    fedq::TablePage list_tables(const std::string& schema, const std::string&) override {
        return schema == "demo" ? fedq::TablePage{{"numbers"}, ""} : fedq::TablePage{};
    }
    std::optional<fedq::TableInfo> get_table(const std::string& schema, const std::string& table) override {
        if (schema != "demo" || table != "numbers") return std::nullopt;
        fedq::TableInfo info;
        info.handle = {"demo", "numbers", nlohmann::json::object()};
        info.columns = {{"n", Type::bigint(), false, "1..rows"},
                        {"square", Type::bigint(), false, "n * n"},
                        {"name", Type::varchar(), false, "'number <n>'"}};
        info.statistics.row_count = static_cast<double>(rows_);
        return info;
    }
    fedq::ScanPlan plan_scan(const fedq::ScanRequest& request) override {
        fedq::ScanPlan plan;
        int64_t parts = std::max<int64_t>(1, std::min<int64_t>(static_cast<int64_t>(request.target_splits), rows_ / 1000 + 1));
        for (int64_t p = 0; p < parts; ++p) {
            int64_t first = 1 + rows_ * p / parts, last = rows_ * (p + 1) / parts;
            fedq::Split split;
            split.payload = {{"first", first}, {"last", last}};
            split.description = "numbers " + std::to_string(first) + ".." + std::to_string(last);
            split.estimated_rows = static_cast<double>(last - first + 1);
            plan.splits.push_back(std::move(split));
        }
        plan.description = "hello: numbers 1.." + std::to_string(rows_);
        return plan;
    }
    std::unique_ptr<fedq::BatchReader> read_split(const fedq::ScanRequest& request, const fedq::Split& split,
                                                  fedq::ReadContext&) override {
        return std::make_unique<NumbersReader>(request.columns, split.payload.at("first").get<int64_t>(),
                                               split.payload.at("last").get<int64_t>(), request.batch_rows);
    }

  private:
    int64_t rows_ = 1000;
};

}  // namespace

int main(int argc, char** argv) {
    return fedq::fedq_connector_main(argc, argv, "hello", [](const fedq::ConnectorConfig& config) {
        return std::make_shared<HelloConnector>(config);
    });
}
