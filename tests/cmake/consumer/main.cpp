// Returns 0 only when ctnn computes the right values: one dense layer z = relu(W a + b).
#include <ctnn/ctnn.hpp>

#include <cstdio>

int main() {
  const ctnn::matrix<float, 2, 3> W{1, 2, 3,
                                    4, 5, 6};
  const ctnn::vector<float, 3> a{1, -1, 2};
  const ctnn::vector<float, 2> b{0.5f, -20};
  const ctnn::vector<float, 2> z = ctnn::relu(W * a + b);  // relu({5 + 0.5, 11 - 20})
  const float total = ctnn::sum(a * a);                     // 6

  if (z[0] != 5.5f || z[1] != 0.0f || total != 6.0f) {
    std::fprintf(stderr, "wrong result: z = {%g, %g}, sum = %g\n", z[0], z[1], total);
    return 1;
  }
  std::printf("ctnn %s: z = {%g, %g}\n", ctnn::version, z[0], z[1]);
  return 0;
}
