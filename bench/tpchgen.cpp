// fedq-tpchgen: a deterministic TPC-H-like data generator writing one CSV file per table.
//
// Follows the TPC-H specification (v3, clause 4.2) for cardinalities, key relations and value domains:
// sparse order keys, 1-7 lineitems per order, customers with custkey % 3 == 0 have no orders, the
// partsupp supplier formula, the retail price formula, returnflag/linestatus relative to 1995-06-17,
// phone numbers with country code nationkey + 10, and comments cut from a text pool built from the spec's
// word grammar (so LIKE '%special%requests%' and '%Customer%Complaints%' behave as in dbgen). It is not
// byte-identical to dbgen: it uses its own PRNG, seeded per table and per row, so the output is the same
// on every run and independent of the number of threads.
//
// Output: <out>/<table>.csv, RFC 4180, header row, comma-delimited, dates YYYY-MM-DD, money with two
// decimals. Each file is written to <table>.csv.tmp and renamed when complete.
//
// Usage: fedq-tpchgen --sf 0.1 --out bench/data/sf0.1 [--tables lineitem,orders] [--threads N]

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "tpchgen/csv_buffer.h"
#include "tpchgen/date_table.h"
#include "tpchgen/random.h"
#include "tpchgen/table_writer.h"
#include "tpchgen/text_pool.h"

namespace fedq::tpchgen {
namespace {

enum TableSeed : uint64_t {
    kSeedPart = 1,
    kSeedPartsupp = 2,
    kSeedSupplier = 3,
    kSeedCustomer = 4,
    kSeedOrders = 5,
    kSeedNation = 6,
    kSeedRegion = 7,
    kSeedTextPool = 8,
    kSeedSupplierComplaints = 9,
};

// ---------------------------------------------------------------------------------------------------------
// Value lists from the specification (clause 4.2.2.13 and 4.2.3).

constexpr const char* kColors[] = {
    "almond",    "antique",    "aquamarine", "azure",     "beige",     "bisque",     "black",     "blanched",
    "blue",      "blush",      "brown",      "burlywood", "burnished", "chartreuse", "chiffon",   "chocolate",
    "coral",     "cornflower", "cornsilk",   "cream",     "cyan",      "dark",       "deep",      "dim",
    "dodger",    "drab",       "firebrick",  "floral",    "forest",    "frosted",    "gainsboro", "ghost",
    "goldenrod", "green",      "grey",       "honeydew",  "hot",       "indian",     "ivory",     "khaki",
    "lace",      "lavender",   "lawn",       "lemon",     "light",     "lime",       "linen",     "magenta",
    "maroon",    "medium",     "metallic",   "midnight",  "mint",      "misty",      "moccasin",  "navajo",
    "navy",      "olive",      "orange",     "orchid",    "pale",      "papaya",     "peach",     "peru",
    "pink",      "plum",       "powder",     "puff",      "purple",    "red",        "rose",      "rosy",
    "royal",     "saddle",     "salmon",     "sandy",     "seashell",  "sienna",     "sky",       "slate",
    "smoke",     "snow",       "spring",     "steel",     "tan",       "thistle",    "tomato",    "turquoise",
    "violet",    "wheat",      "white",      "yellow",
};
static_assert(std::size(kColors) == 92, "P_NAME is built from 92 colour words");

constexpr const char* kTypeSyllable1[] = {"STANDARD", "SMALL", "MEDIUM", "LARGE", "ECONOMY", "PROMO"};
constexpr const char* kTypeSyllable2[] = {"ANODIZED", "BURNISHED", "PLATED", "POLISHED", "BRUSHED"};
constexpr const char* kTypeSyllable3[] = {"TIN", "NICKEL", "BRASS", "STEEL", "COPPER"};
constexpr const char* kContainerSyllable1[] = {"SM", "LG", "MED", "JUMBO", "WRAP"};
constexpr const char* kContainerSyllable2[] = {"CASE", "BOX", "BAG", "JAR", "PKG", "PACK", "CAN", "DRUM"};
constexpr const char* kSegments[] = {"AUTOMOBILE", "BUILDING", "FURNITURE", "MACHINERY", "HOUSEHOLD"};
constexpr const char* kPriorities[] = {"1-URGENT", "2-HIGH", "3-MEDIUM", "4-NOT SPECIFIED", "5-LOW"};
constexpr const char* kInstructions[] = {"DELIVER IN PERSON", "COLLECT COD", "NONE", "TAKE BACK RETURN"};
constexpr const char* kShipModes[] = {"REG AIR", "AIR", "RAIL", "SHIP", "TRUCK", "MAIL", "FOB"};

struct NationRow {
    const char* name;
    int region;
};
constexpr NationRow kNations[] = {
    {"ALGERIA", 0},      {"ARGENTINA", 1},  {"BRAZIL", 1},  {"CANADA", 1},         {"EGYPT", 4},
    {"ETHIOPIA", 0},     {"FRANCE", 3},     {"GERMANY", 3}, {"INDIA", 2},          {"INDONESIA", 2},
    {"IRAN", 4},         {"IRAQ", 4},       {"JAPAN", 2},   {"JORDAN", 4},         {"KENYA", 0},
    {"MOROCCO", 0},      {"MOZAMBIQUE", 0}, {"PERU", 1},    {"CHINA", 2},          {"ROMANIA", 3},
    {"SAUDI ARABIA", 4}, {"VIETNAM", 2},    {"RUSSIA", 3},  {"UNITED KINGDOM", 3}, {"UNITED STATES", 1},
};
constexpr const char* kRegions[] = {"AFRICA", "AMERICA", "ASIA", "EUROPE", "MIDDLE EAST"};

// Random alphanumeric string of length [min_length, max_length] (addresses; may contain commas/spaces).
void append_random_string(std::string& out, Rng& rng, int min_length, int max_length) {
    static constexpr char kAlphabet[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ, ";
    const auto length = rng.uniform(min_length, max_length);
    for (int64_t i = 0; i < length; ++i) out.push_back(kAlphabet[rng.uniform(0, 63)]);
    // Strip surrounding spaces (see TextPool::comment).
    while (!out.empty() && out.back() == ' ') out.back() = 'x';
    if (!out.empty() && out.front() == ' ') out.front() = 'x';
}

// ---------------------------------------------------------------------------------------------------------
// The tables.

struct Scale {
    double factor = 1.0;
    int64_t suppliers = 0;
    int64_t parts = 0;
    int64_t customers = 0;
    int64_t orders = 0;
    int64_t clerks = 0;

    explicit Scale(double sf) : factor(sf) {
        auto count = [sf](double base) {
            return std::max<int64_t>(1, static_cast<int64_t>(base * sf + 0.5));
        };
        suppliers = count(10000);
        parts = count(200000);
        customers = count(150000);
        orders = count(1500000);
        clerks = count(1000);
    }
};

// P_RETAILPRICE in cents (clause 4.2.3).
inline int64_t retail_price_cents(int64_t partkey) {
    return 90000 + ((partkey / 10) % 20001) + 100 * (partkey % 1000);
}

// The i-th (0..3) supplier of a part (clause 4.2.3, PS_SUPPKEY).
inline int64_t part_supplier(int64_t partkey, int64_t i, int64_t suppliers) {
    return (partkey + i * (suppliers / 4 + (partkey - 1) / suppliers)) % suppliers + 1;
}

// Sparse order keys: of each 32 consecutive keys only the first 8 are used (as dbgen's mk_sparse).
inline int64_t order_key(int64_t index) { return ((index >> 3) << 5) | (index & 7); }

class Generator {
  public:
    Generator(double sf, std::filesystem::path directory, int threads)
        : scale_(sf),
          directory_(std::move(directory)),
          threads_(threads),
          pool_(size_t{1} << 23, kSeedTextPool) {}

    void region() {
        generate_tables(directory_, {"region"}, {"r_regionkey,r_name,r_comment\n"}, 5, 5, 1,
                        [&](int64_t begin, int64_t end, std::vector<CsvBuffer>& out) {
                            for (int64_t key = begin; key < end; ++key) {
                                Rng rng(kSeedRegion, static_cast<uint64_t>(key));
                                auto& row = out[0];
                                row.integer(key);
                                row.field(kRegions[key]);
                                row.text(pool_.comment(rng, 31, 115));
                                row.end_row();
                            }
                        });
    }

    void nation() {
        generate_tables(directory_, {"nation"}, {"n_nationkey,n_name,n_regionkey,n_comment\n"}, 25, 25, 1,
                        [&](int64_t begin, int64_t end, std::vector<CsvBuffer>& out) {
                            for (int64_t key = begin; key < end; ++key) {
                                Rng rng(kSeedNation, static_cast<uint64_t>(key));
                                auto& row = out[0];
                                row.integer(key);
                                row.field(kNations[key].name);
                                row.integer(kNations[key].region);
                                row.text(pool_.comment(rng, 31, 114));
                                row.end_row();
                            }
                        });
    }

    void supplier() {
        // SF*5 suppliers get "Customer ... Complaints" and SF*5 "Customer ... Recommends" in their comment.
        const auto marked = std::max<int64_t>(1, static_cast<int64_t>(scale_.factor * 5 + 0.5));
        std::map<int64_t, bool> special;  // suppkey -> true for Complaints, false for Recommends
        Rng pick(kSeedSupplierComplaints, 0);
        for (int complaints = 0; complaints < 2; ++complaints) {
            for (int64_t n = 0; n < marked && static_cast<int64_t>(special.size()) < scale_.suppliers;) {
                const int64_t key = pick.uniform(1, scale_.suppliers);
                if (special.emplace(key, complaints == 1).second) ++n;
            }
        }
        generate_tables(directory_, {"supplier"},
                        {"s_suppkey,s_name,s_address,s_nationkey,s_phone,s_acctbal,s_comment\n"},
                        scale_.suppliers, 20000, threads_,
                        [&](int64_t begin, int64_t end, std::vector<CsvBuffer>& out) {
                            std::string scratch;
                            for (int64_t key = begin + 1; key <= end; ++key) {
                                Rng rng(kSeedSupplier, static_cast<uint64_t>(key));
                                auto& row = out[0];
                                row.integer(key);
                                row.padded("Supplier#", key, 9);
                                scratch.clear();
                                append_random_string(scratch, rng, 10, 40);
                                row.text(scratch);
                                const int nation = static_cast<int>(rng.uniform(0, 24));
                                row.integer(nation);
                                row.phone(rng, nation);
                                row.money(rng.uniform(-99999, 999999));
                                scratch.assign(pool_.comment(rng, 25, 100));
                                if (auto it = special.find(key); it != special.end())
                                    mark_comment(scratch, rng, it->second);
                                row.text(scratch);
                                row.end_row();
                            }
                        });
    }

    void part_and_partsupp() {
        generate_tables(
            directory_, {"part", "partsupp"},
            {"p_partkey,p_name,p_mfgr,p_brand,p_type,p_size,p_container,p_retailprice,p_comment\n",
             "ps_partkey,ps_suppkey,ps_availqty,ps_supplycost,ps_comment\n"},
            scale_.parts, 20000, threads_, [&](int64_t begin, int64_t end, std::vector<CsvBuffer>& out) {
                std::string scratch;
                for (int64_t key = begin + 1; key <= end; ++key) {
                    Rng rng(kSeedPart, static_cast<uint64_t>(key));
                    auto& row = out[0];
                    row.integer(key);
                    scratch.clear();
                    int chosen[5];
                    for (int i = 0; i < 5; ++i) {
                        int color;
                        do {
                            color = static_cast<int>(rng.uniform(0, 91));
                        } while (std::find(chosen, chosen + i, color) != chosen + i);
                        chosen[i] = color;
                        if (i > 0) scratch.push_back(' ');
                        scratch.append(kColors[color]);
                    }
                    row.field(scratch);
                    const int manufacturer = static_cast<int>(rng.uniform(1, 5));
                    char text[32];
                    std::snprintf(text, sizeof(text), "Manufacturer#%d", manufacturer);
                    row.field(text);
                    std::snprintf(text, sizeof(text), "Brand#%d%d", manufacturer,
                                  static_cast<int>(rng.uniform(1, 5)));
                    row.field(text);
                    scratch.assign(kTypeSyllable1[rng.uniform(0, 5)]);
                    scratch.push_back(' ');
                    scratch.append(kTypeSyllable2[rng.uniform(0, 4)]);
                    scratch.push_back(' ');
                    scratch.append(kTypeSyllable3[rng.uniform(0, 4)]);
                    row.field(scratch);
                    row.integer(rng.uniform(1, 50));
                    scratch.assign(kContainerSyllable1[rng.uniform(0, 4)]);
                    scratch.push_back(' ');
                    scratch.append(kContainerSyllable2[rng.uniform(0, 7)]);
                    row.field(scratch);
                    row.money(retail_price_cents(key));
                    row.text(pool_.comment(rng, 5, 22));
                    row.end_row();

                    Rng supply_rng(kSeedPartsupp, static_cast<uint64_t>(key));
                    for (int64_t i = 0; i < 4; ++i) {
                        auto& supply = out[1];
                        supply.integer(key);
                        supply.integer(part_supplier(key, i, scale_.suppliers));
                        supply.integer(supply_rng.uniform(1, 9999));
                        supply.money(supply_rng.uniform(100, 100000));
                        supply.text(pool_.comment(supply_rng, 49, 198));
                        supply.end_row();
                    }
                }
            });
    }

    void customer() {
        generate_tables(directory_, {"customer"},
                        {"c_custkey,c_name,c_address,c_nationkey,c_phone,c_acctbal,c_mktsegment,c_comment\n"},
                        scale_.customers, 20000, threads_,
                        [&](int64_t begin, int64_t end, std::vector<CsvBuffer>& out) {
                            std::string scratch;
                            for (int64_t key = begin + 1; key <= end; ++key) {
                                Rng rng(kSeedCustomer, static_cast<uint64_t>(key));
                                auto& row = out[0];
                                row.integer(key);
                                row.padded("Customer#", key, 9);
                                scratch.clear();
                                append_random_string(scratch, rng, 10, 40);
                                row.text(scratch);
                                const int nation = static_cast<int>(rng.uniform(0, 24));
                                row.integer(nation);
                                row.phone(rng, nation);
                                row.money(rng.uniform(-99999, 999999));
                                row.field(kSegments[rng.uniform(0, 4)]);
                                row.text(pool_.comment(rng, 29, 116));
                                row.end_row();
                            }
                        });
    }

    void orders_and_lineitem() {
        generate_tables(
            directory_, {"orders", "lineitem"},
            {"o_orderkey,o_custkey,o_orderstatus,o_totalprice,o_orderdate,o_orderpriority,o_clerk,"
             "o_shippriority,o_comment\n",
             "l_orderkey,l_partkey,l_suppkey,l_linenumber,l_quantity,l_extendedprice,l_discount,l_tax,"
             "l_returnflag,l_linestatus,l_shipdate,l_commitdate,l_receiptdate,l_shipinstruct,l_shipmode,"
             "l_comment\n"},
            scale_.orders, 10000, threads_, [&](int64_t begin, int64_t end, std::vector<CsvBuffer>& out) {
                out[0].data().reserve(static_cast<size_t>(end - begin) * 120);
                out[1].data().reserve(static_cast<size_t>(end - begin) * 4 * 130);
                for (int64_t index = begin + 1; index <= end; ++index) order(index, out[0], out[1]);
            });
    }

    static void mark_comment(std::string& comment, Rng& rng, bool complaints) {
        const std::string_view tail = complaints ? "Complaints" : "Recommends";
        constexpr std::string_view head = "Customer ";
        const auto needed = head.size() + tail.size();
        if (comment.size() < needed + 1) comment.resize(needed + 1, 'x');
        const auto gap = static_cast<size_t>(rng.uniform(0, static_cast<int64_t>(comment.size() - needed)));
        const auto start =
            static_cast<size_t>(rng.uniform(0, static_cast<int64_t>(comment.size() - needed - gap)));
        comment.replace(start, head.size(), head);
        comment.replace(start + head.size() + gap, tail.size(), tail);
    }

  private:
    void order(int64_t index, CsvBuffer& orders, CsvBuffer& lineitems) {
        Rng rng(kSeedOrders, static_cast<uint64_t>(index));
        const int64_t key = order_key(index);
        int64_t customer;
        do {
            customer = rng.uniform(1, scale_.customers);
        } while (customer % 3 == 0 && scale_.customers > 2);
        const int order_date = static_cast<int>(rng.uniform(0, kOrderDateSpan - 1));
        const auto priority = kPriorities[rng.uniform(0, 4)];
        const int64_t clerk = rng.uniform(1, scale_.clerks);
        const auto comment = pool_.comment(rng, 19, 78);
        const int lines = static_cast<int>(rng.uniform(1, 7));

        int64_t total_cents = 0;
        int shipped = 0;
        for (int line = 1; line <= lines; ++line) {
            const int64_t partkey = rng.uniform(1, scale_.parts);
            const int64_t suppkey = part_supplier(partkey, rng.uniform(0, 3), scale_.suppliers);
            const int64_t quantity = rng.uniform(1, 50);
            const int64_t discount = rng.uniform(0, 10);
            const int64_t tax = rng.uniform(0, 8);
            const int64_t extended = quantity * retail_price_cents(partkey);
            const int ship_date = order_date + static_cast<int>(rng.uniform(1, 121));
            const int commit_date = order_date + static_cast<int>(rng.uniform(30, 90));
            const int receipt_date = ship_date + static_cast<int>(rng.uniform(1, 30));
            const char return_flag = receipt_date <= kCurrentDate ? (rng.uniform(0, 1) ? 'R' : 'A') : 'N';
            const char line_status = ship_date > kCurrentDate ? 'O' : 'F';
            shipped += line_status == 'F';
            total_cents += extended * (100 - discount) / 100 * (100 + tax) / 100;

            lineitems.integer(key);
            lineitems.integer(partkey);
            lineitems.integer(suppkey);
            lineitems.integer(line);
            lineitems.integer(quantity);
            lineitems.money(extended);
            lineitems.money(discount);
            lineitems.money(tax);
            lineitems.character(return_flag);
            lineitems.character(line_status);
            lineitems.field(dates_[ship_date]);
            lineitems.field(dates_[commit_date]);
            lineitems.field(dates_[receipt_date]);
            lineitems.field(kInstructions[rng.uniform(0, 3)]);
            lineitems.field(kShipModes[rng.uniform(0, 6)]);
            lineitems.text(pool_.comment(rng, 10, 43));
            lineitems.end_row();
        }

        orders.integer(key);
        orders.integer(customer);
        orders.character(shipped == lines ? 'F' : shipped == 0 ? 'O' : 'P');
        orders.money(total_cents);
        orders.field(dates_[order_date]);
        orders.field(priority);
        orders.padded("Clerk#", clerk, 9);
        orders.integer(0);
        orders.text(comment);
        orders.end_row();
    }

    Scale scale_;
    std::filesystem::path directory_;
    int threads_;
    TextPool pool_;
    DateTable dates_;
};

// ---------------------------------------------------------------------------------------------------------

void usage(FILE* out) {
    std::fprintf(
        out,
        "usage: fedq-tpchgen --sf SCALE --out DIR [--tables t1,t2,...] [--threads N]\n"
        "  writes DIR/<table>.csv for part, supplier, partsupp, customer, orders, lineitem, nation,\n"
        "  region (TPC-H-like, deterministic; orders and lineitem are always written together, as are\n"
        "  part and partsupp)\n");
}

}  // namespace
}  // namespace fedq::tpchgen

int main(int argc, char** argv) {
    using namespace fedq::tpchgen;
    double sf = -1;
    std::string out_dir;
    std::set<std::string> tables;
    int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    try {
        for (int i = 1; i < argc; ++i) {
            const std::string_view arg = argv[i];
            auto value = [&]() -> std::string {
                if (i + 1 >= argc) throw std::invalid_argument(std::string(arg) + " needs a value");
                return argv[++i];
            };
            if (arg == "--sf") {
                sf = std::stod(value());
            } else if (arg == "--out") {
                out_dir = value();
            } else if (arg == "--threads") {
                threads = std::max(1, std::stoi(value()));
            } else if (arg == "--tables") {
                std::string list = value();
                size_t start = 0;
                while (start <= list.size()) {
                    const size_t comma = std::min(list.find(',', start), list.size());
                    if (comma > start) tables.insert(list.substr(start, comma - start));
                    start = comma + 1;
                }
            } else if (arg == "-h" || arg == "--help") {
                usage(stdout);
                return 0;
            } else {
                throw std::invalid_argument("unknown argument: " + std::string(arg));
            }
        }
        if (!(sf > 0) || sf > 100000 || out_dir.empty())
            throw std::invalid_argument("--sf (> 0) and --out are required");
        static const std::set<std::string> kKnown = {"part",   "supplier", "partsupp", "customer",
                                                     "orders", "lineitem", "nation",   "region"};
        for (const auto& table : tables) {
            if (!kKnown.count(table)) throw std::invalid_argument("unknown table: " + table);
        }
    } catch (const std::exception& error) {
        std::fprintf(stderr, "fedq-tpchgen: %s\n", error.what());
        usage(stderr);
        return 2;
    }

    auto wanted = [&](std::initializer_list<const char*> names) {
        if (tables.empty()) return true;
        for (const char* name : names) {
            if (tables.count(name)) return true;
        }
        return false;
    };

    try {
        const auto start = std::chrono::steady_clock::now();
        std::filesystem::create_directories(out_dir);
        Generator generator(sf, out_dir, threads);
        if (wanted({"region"})) generator.region();
        if (wanted({"nation"})) generator.nation();
        if (wanted({"supplier"})) generator.supplier();
        if (wanted({"part", "partsupp"})) generator.part_and_partsupp();
        if (wanted({"customer"})) generator.customer();
        if (wanted({"orders", "lineitem"})) generator.orders_and_lineitem();
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::fprintf(stderr, "fedq-tpchgen: SF %g written to %s in %.2f s\n", sf, out_dir.c_str(), seconds);
    } catch (const std::exception& error) {
        std::fprintf(stderr, "fedq-tpchgen: %s\n", error.what());
        return 1;
    }
    return 0;
}
