// Building ARRAY result columns row by row: append the elements to the child column, then close the
// row. (Column's layout for ARRAY: size+1 int32 offsets into children[0].)
#pragma once

#include "vector/column.h"

namespace fedq {

inline Column& array_elements(Column& out) { return out.children()[0]; }

// Closes the current array row after its elements were appended to array_elements(out).
inline void finish_array_row(Column& out) {
    out.data().push<int32_t>(static_cast<int32_t>(out.children()[0].size()));
    out.set_size(out.size() + 1);
    if (out.has_nulls()) out.mutable_validity();  // extends the validity buffer with 'valid'
}

// Elements [begin, end) of row `row` of an ARRAY column.
struct ArraySpan {
    int32_t begin;
    int32_t end;
    int32_t size() const { return end - begin; }
};
inline ArraySpan array_span(const Column& array, size_t row) {
    const int32_t* offsets = array.offsets();
    return {offsets[row], offsets[row + 1]};
}

}  // namespace fedq
