#include <ctnn/ctnn.hpp>

ctnn::vector<float, 3> layer(const ctnn::vector<float, 3>& a);

int main() {
  const ctnn::vector<float, 3> a{1, 0, -1};
  const ctnn::vector<float, 3> z = layer(a);  // relu({2 + 1, 0 - 2, -2 + 0.5})
  return z == ctnn::vector<float, 3>{3, 0, 0} && ctnn::sum(a * a) == 2.0f ? 0 : 1;
}
