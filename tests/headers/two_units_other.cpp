// Included in a second translation unit: a function or variable defined in a header without
// `inline` is then defined twice, and the link fails.
#include <ctnn/ctnn.hpp>

ctnn::vector<float, 3> layer(const ctnn::vector<float, 3>& a) {
  const ctnn::vector<float, 3> b{1, -2, 0.5f};
  return ctnn::relu(a * 2.0f + b);
}
