// expect: hessian_needs_a_double_network_but_network_holds<float>
// expect: the Hessian analysis needs a ctnn::basic_network<double, \.\.\.>
// gcc-lines: 10
#include <ctnn/ctnn.hpp>
#include <ctnn/analysis/critical_points.hpp>

#ifdef CTNN_COMPILE_FAIL_CONTROL
using scalar = double;
#else
using scalar = float;
#endif

int main() {
  const ctnn::basic_network<scalar, ctnn::input<2>, ctnn::dense<1, ctnn::identity>> net;
  const ctnn::dataset<scalar, 2, 1> data;
  const auto result = ctnn::analyze_critical_point(net, data, ctnn::mse{});
  (void)result;
}
