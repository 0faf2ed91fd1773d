#include "sql/ast.h"

namespace fedq::ast {

std::string QualifiedName::to_string() const {
    std::string out;
    for (size_t i = 0; i < parts.size(); ++i) {
        if (i > 0) out += '.';
        out += parts[i].name;
    }
    return out;
}

}  // namespace fedq::ast
