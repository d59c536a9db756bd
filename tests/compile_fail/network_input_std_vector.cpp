// expect: network_input_size_is<4>::but_given_input_has_run_time_size<std::vector<float>
// expect: net\(x\) needs the input's size in its type
// expect: ctnn::vector<T, N>::from\(values\)
// gcc-lines: 25
#include <ctnn/ctnn.hpp>

#include <vector>

int main() {
  ctnn::network<ctnn::input<4>, ctnn::dense<2, ctnn::identity>> net;
  std::vector<float> values{0.5f, 1.0f, -1.0f, 2.0f};
#ifdef CTNN_COMPILE_FAIL_CONTROL
  ctnn::vector<float, 2> y = net(ctnn::vector<float, 4>::from(values));
#else
  ctnn::vector<float, 2> y = net(values);
#endif
  (void)y;
}
