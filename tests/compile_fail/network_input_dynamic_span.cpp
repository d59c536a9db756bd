// expect: network_input_size_is<4>::but_given_input_has_run_time_size<std::span<const float
// expect: net\(x\) needs the input's size in its type
// expect: ctnn::vector<T, N>::from\(values\)
// gcc-lines: 25
#include <ctnn/ctnn.hpp>

#include <span>

int main() {
  ctnn::network<ctnn::input<4>, ctnn::dense<2, ctnn::identity>> net;
  const float buffer[6] = {0.5f, 1.0f, -1.0f, 2.0f, 0.0f, 0.0f};
  const std::span<const float> values(buffer);
#ifdef CTNN_COMPILE_FAIL_CONTROL
  ctnn::vector<float, 2> y = net(values.first<4>());
#else
  ctnn::vector<float, 2> y = net(values.first(4));
#endif
  (void)y;
}
