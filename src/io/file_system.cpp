#include "io/file_system.h"

#include <cctype>
#include <map>
#include <memory>
#include <mutex>

#include "common/error.h"
#include "io/local_file_system.h"
#include "io/s3_file_system.h"

namespace fedq {

bool has_glob_characters(std::string_view text) {
    return text.find_first_of("*?[") != std::string_view::npos;
}

namespace {

// Matches a bracket expression starting at pattern[p] == '['; on success sets `end` past ']'.
bool match_bracket(std::string_view pattern, size_t p, char c, size_t& end, bool& matched) {
    size_t i = p + 1;
    bool negate = false;
    if (i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^')) {
        negate = true;
        ++i;
    }
    bool found = false;
    bool first = true;
    while (i < pattern.size() && (first || pattern[i] != ']')) {
        first = false;
        char low = pattern[i];
        char high = low;
        if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
            high = pattern[i + 2];
            i += 3;
        } else {
            ++i;
        }
        if (c >= low && c <= high) found = true;
    }
    if (i >= pattern.size()) return false;  // unterminated: treat '[' literally
    end = i + 1;
    matched = found != negate;
    return true;
}

}  // namespace

bool glob_match_segment(std::string_view pattern, std::string_view name) {
    // A leading '.' must be matched explicitly (shell convention: * does not match hidden files).
    if (!name.empty() && name[0] == '.' && (pattern.empty() || pattern[0] != '.')) return false;
    size_t p = 0, n = 0;
    size_t star_p = std::string_view::npos, star_n = 0;
    while (n < name.size()) {
        if (p < pattern.size()) {
            char pc = pattern[p];
            if (pc == '*') {
                star_p = p++;
                star_n = n;
                continue;
            }
            if (pc == '?') {
                ++p;
                ++n;
                continue;
            }
            if (pc == '[') {
                size_t end;
                bool matched;
                if (match_bracket(pattern, p, name[n], end, matched)) {
                    if (matched) {
                        p = end;
                        ++n;
                        continue;
                    }
                } else if (name[n] == '[') {
                    ++p;
                    ++n;
                    continue;
                }
            } else if (pc == name[n]) {
                ++p;
                ++n;
                continue;
            }
        }
        if (star_p == std::string_view::npos) return false;
        p = star_p + 1;
        n = ++star_n;
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

std::unique_ptr<WritableFile> FileSystem::create(const std::string& path) {
    raise(ErrorCode::kNotSupported, "cannot write '{}': the {} file system is read-only", path, scheme());
}

bool FileSystem::remove(const std::string& path) {
    raise(ErrorCode::kNotSupported, "cannot delete '{}': the {} file system is read-only", path, scheme());
}

namespace {

LocalFileSystem& local_file_system() {
    static LocalFileSystem local;
    return local;
}

// Lower-cased scheme of a path ("" for a plain local path).
std::string scheme_of(const std::string& path) {
    size_t colon = path.find("://");
    if (colon == std::string::npos) return "";
    std::string scheme = path.substr(0, colon);
    for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return scheme;
}

struct S3ProfileRegistry {
    std::mutex mutex;
    std::map<std::string, std::shared_ptr<S3FileSystem>> profiles;
    // Replaced profiles stay alive: references handed out by get_file_system() must remain valid.
    std::vector<std::shared_ptr<S3FileSystem>> retired;
};

S3ProfileRegistry& s3_profiles() {
    static S3ProfileRegistry registry;
    return registry;
}

}  // namespace

FileSystem& get_file_system(const std::string& path) {
    std::string scheme = scheme_of(path);
    if (scheme.empty() || scheme == "file") return local_file_system();
    if (scheme == "s3" || scheme == "s3a") {
        // Configured once, on first use, from the environment and ~/.aws/credentials.
        static S3FileSystem s3(resolve_s3_config());
        return s3;
    }
    raise(ErrorCode::kInvalidParameter, "unsupported file system scheme '{}' in '{}'", scheme, path);
}

void register_s3_profile(const std::string& name, S3Config config) {
    if (name.empty()) raise(ErrorCode::kInvalidParameter, "an S3 profile needs a name");
    auto fs = std::make_shared<S3FileSystem>(std::move(config));
    auto& registry = s3_profiles();
    std::lock_guard lock(registry.mutex);
    auto& slot = registry.profiles[name];
    if (slot) registry.retired.push_back(std::move(slot));
    slot = std::move(fs);
}

FileSystem& get_file_system(const std::string& path, const std::string& s3_profile) {
    if (s3_profile.empty()) return get_file_system(path);
    std::string scheme = scheme_of(path);
    if (scheme != "s3" && scheme != "s3a") return get_file_system(path);
    auto& registry = s3_profiles();
    std::lock_guard lock(registry.mutex);
    auto it = registry.profiles.find(s3_profile);
    if (it == registry.profiles.end())
        raise(ErrorCode::kInternal, "unknown S3 profile '{}' (for '{}')", s3_profile, path);
    return *it->second;
}

}  // namespace fedq
