// Rule: limit pushdown. ORDER BY + LIMIT becomes a top-N sort; a LIMIT directly over a scan (through
// projections) is offered to the connector, so files stop reading early. A limit is never pushed
// below a filter the connector did not take exactly (plan_scans withdraws it then).
#include "optimizer/optimizer.h"

namespace fedq {

namespace {

void offer_limit(LogicalNode& node, uint64_t limit) {
    if (node.kind == LogicalKind::kProject) {
        offer_limit(*node.children[0], limit);
    } else if (node.kind == LogicalKind::kScan) {
        node.pushdown.limit = limit;
    }
}

}  // namespace

LogicalPtr push_down_limits(LogicalPtr plan) {
    for (auto& c : plan->children) c = push_down_limits(std::move(c));
    if (plan->kind != LogicalKind::kLimit || !plan->limit) return plan;
    uint64_t needed = *plan->limit + plan->offset;
    LogicalNode& child = *plan->children[0];
    if (child.kind == LogicalKind::kSort && !child.limit) {
        child.limit = needed;
    } else if (child.kind == LogicalKind::kProject && child.children[0]->kind == LogicalKind::kSort && !child.children[0]->limit) {
        child.children[0]->limit = needed;
    } else {
        offer_limit(child, needed);
    }
    return plan;
}

}  // namespace fedq
