// Aggregates the planner uses internally (not callable from SQL: names start with '$').
//  $single_value(x): the value of the only row; NULL for no rows; error for more than one row. It
//  implements scalar subqueries (a subquery used as a value must return at most one row).
#include "common/error.h"
#include "functions/function.h"

namespace fedq {

namespace {

struct SingleValueState {
    int64_t count;
    Value* value;
};

}  // namespace

void register_internal_aggregates(FunctionRegistry& registry) {
    registry.add_aggregate("$single_value", [](const std::vector<Type>& types, const ConstantArgs&, bool) -> std::optional<BoundAggregateFunction> {
        if (types.size() != 1) return std::nullopt;
        BoundAggregateFunction f;
        f.arg_types = types;
        f.return_type = types[0].id() == TypeId::kNull ? Type::varchar() : types[0];
        f.state_size = sizeof(SingleValueState);
        f.init = [](uint8_t* s) { new (s) SingleValueState{0, nullptr}; };
        f.update = [](uint8_t** states, const std::vector<const Column*>& args, size_t rows) {
            for (size_t r = 0; r < rows; ++r) {
                auto* s = reinterpret_cast<SingleValueState*>(states[r]);
                if (++s->count > 1) raise(ErrorCode::kCardinality, "scalar subquery returned more than one row");
                s->value = new Value(args[0]->value_at(r));
            }
        };
        f.combine = [](uint8_t* target, const uint8_t* source) {
            auto* t = reinterpret_cast<SingleValueState*>(target);
            auto* s = reinterpret_cast<const SingleValueState*>(source);
            if (s->count == 0) return;
            if (t->count + s->count > 1) raise(ErrorCode::kCardinality, "scalar subquery returned more than one row");
            t->count = s->count;
            t->value = new Value(*s->value);
        };
        f.finalize = [](const uint8_t* state, Column& out) {
            auto* s = reinterpret_cast<const SingleValueState*>(state);
            if (!s->value) out.append_null();
            else out.append_value(*s->value);
        };
        f.destroy = [](uint8_t* state) {
            auto* s = reinterpret_cast<SingleValueState*>(state);
            delete s->value;
            s->value = nullptr;
        };
        return f;
    });
}

}  // namespace fedq
